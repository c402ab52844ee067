"""Flows and forms, declared as data: the trip machine, the operating-conditions form, the form engine."""
