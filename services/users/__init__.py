"""Accounts of every role, sign-in, registration, external identities and API tokens."""
