"""The field-work core shared by sampling trips and O&M visits: check-ins, decisions, corrections, evidence, records and their event texts."""
