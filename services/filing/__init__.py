"""Filing (备案/二审), certificates and credit."""
