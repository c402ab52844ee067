"""Load benchmarks (programs, not tests): `python benchmarks/bot_load.py --help`."""
