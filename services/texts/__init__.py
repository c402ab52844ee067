"""Chinese texts shared by the edges (chat handlers and web views): what a user reads, kept out of services."""
