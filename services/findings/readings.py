"""The fingerprint of an O&M sheet's readings (rule copied_readings): which of its numbers are measurements is
data (states/findings.py); two sheets with the same fingerprint carry the same readings of the same analyte.

Stored on the sheet (OmSheet.readings_key, indexed) so that another visit's copy is one indexed lookup, never a
comparison over every sheet of the city.
"""
from __future__ import annotations

import hashlib
import json

from states.findings import rule


def informative(form: str, answers: dict) -> dict[str, float]:
    """The sheet's readings that say something: numbers, not zero, not the value of a standard it refers to."""
    r = rule("copied_readings")
    references = {_number(answers.get(name)) for name in r.param("references").get(form, ())}
    found = {}
    for name in r.param("readings").get(form, ()):
        value = _number(answers.get(name))
        if value is not None and value != 0 and value not in references:
            found[name] = value
    return found


def fingerprint(form: str, answers: dict) -> str | None:
    """SHA-256 over the form, its context (analyte, unit) and its informative readings; None when the sheet has
    too few readings to tell a copy from a coincidence."""
    r = rule("copied_readings")
    readings = informative(form, answers)
    if len(readings) < r.param("min_readings"):
        return None
    context = [str(answers.get(name) or "").strip().upper() for name in r.param("context").get(form, ())]
    text = json.dumps([form, context, sorted(readings.items())], ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _number(value) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        return round(float(value), 6)
    except (TypeError, ValueError):
        return None
