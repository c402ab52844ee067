"""Findings (异常线索): the catalogue's rules (states/findings.py) applied to sampling trips and O&M visits,
stored with evidence, kept up to date after each event that can change them, and decided by a reviewer."""
