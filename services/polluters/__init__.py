"""The polluter directory (名录库), its import and coverage."""
