"""The standards' frequencies as data: every record sheet has a default and a clause for every kind of
instrument, and the numbers the plans and reports are checked against."""
from __future__ import annotations

from datetime import date

import pytest

from services.om.om_reports import add_months
from states import om_frequencies as f
from states.om_sheets import SHEETS

CLASSES = sorted(f.FLUE_GAS_CLASSES | f.WATER_CLASSES) + [None]


@pytest.mark.parametrize("sheet", sorted(SHEETS))
@pytest.mark.parametrize("medium", [f.FLUE_GAS, f.WASTEWATER, None])
@pytest.mark.parametrize("analyte", CLASSES)
@pytest.mark.parametrize("auto", [False, True])
def test_every_sheet_has_a_default_and_a_clause_for_every_instrument(sheet, medium, analyte, auto):
    rule = f.standard_for(sheet, medium, analyte, auto)
    assert rule.sheet == sheet and rule.days >= 1 and rule.clause.startswith("HJ ")
    assert rule.maximum is None or rule.days <= rule.maximum


def test_every_rule_says_whether_it_was_checked_against_the_standard():
    assert all(isinstance(rule.confirmed, bool) for rule in (*f.RULES, *f.REPORT_RULES))


def test_a_sheet_that_is_not_a_record_sheet_has_no_rule():
    with pytest.raises(KeyError):
        f.standard_for("tea_break", f.FLUE_GAS, "gas")


@pytest.mark.parametrize("sheet, medium, analyte, auto, days, maximum, clause", [
    ("daily_inspection", f.FLUE_GAS, "gas", False, 7, 7, "HJ 75-2017 11.2"),
    ("daily_inspection", f.WASTEWATER, "codcr", False, 7, 7, "HJ 355-2019"),
    ("calibration", f.FLUE_GAS, "gas", False, 7, 7, "HJ 75-2017 12.2 d)"),
    ("calibration", f.FLUE_GAS, "o2", False, 7, 7, "HJ 75-2017 12.2 d)"),
    ("calibration", f.FLUE_GAS, "gas", True, 30, 90, "HJ 75-2017 12.2 a)"),
    ("calibration", f.FLUE_GAS, "particulate", False, 15, 15, "HJ 75-2017 12.2 b)"),
    ("calibration", f.FLUE_GAS, "flow", False, 30, 30, "HJ 75-2017 12.2 f)"),
    ("calibration", f.FLUE_GAS, "nmhc", False, 7, 7, "HJ 1286-2023"),
    ("calibration", f.WASTEWATER, "nh3n", False, 7, 7, "HJ 355-2019"),
    ("calibration", f.WASTEWATER, "ph", False, 30, 30, "HJ 355-2019"),
    ("repair", f.FLUE_GAS, "gas", False, 7, None, "HJ 75-2017"),
    ("standard_materials", f.WASTEWATER, "codcr", False, 30, None, "HJ 75-2017 / HJ 355-2019"),
])
def test_the_intervals_by_sheet_and_analyser(sheet, medium, analyte, auto, days, maximum, clause):
    rule = f.standard_for(sheet, medium, analyte, auto)
    assert (rule.days, rule.maximum) == (days, maximum) and rule.clause.startswith(clause)


def test_the_medium_follows_the_point_and_else_the_analyte():
    assert f.medium_of("wastewater", "flow") == f.WASTEWATER and f.medium_of("flue_gas", "flow") == f.FLUE_GAS
    assert f.medium_of(None, "so2") is None and f.medium_of(None, "tp") == f.WASTEWATER
    assert f.medium_of("noise", "particulate") == f.FLUE_GAS


@pytest.mark.parametrize("kind, medium, analyte, auto, months", [
    ("verification", f.FLUE_GAS, "gas", False, 3),
    ("verification", f.FLUE_GAS, "gas", True, 6),
    ("verification", f.FLUE_GAS, "particulate", False, 3),
    ("verification", f.FLUE_GAS, "nmhc", True, 6),
    ("comparison", f.WASTEWATER, "codcr", False, 1),
    ("comparison", f.WASTEWATER, "ph", True, 1),
    ("comparison", f.WASTEWATER, "flow", False, 3),
])
def test_report_intervals_by_analyser(kind, medium, analyte, auto, months):
    rule = f.report_rule(kind, medium, analyte, auto)
    assert rule.months == months and rule.clause.startswith("HJ ")


def test_no_report_interval_where_the_standards_set_none():
    assert f.report_rule("comparison", f.FLUE_GAS, "gas", False) is None
    assert f.report_rule("verification", f.WASTEWATER, "codcr", False) is None


def test_months_are_added_on_the_calendar():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 25), 3) == date(2027, 2, 25)
    assert add_months(date(2024, 8, 31), 6) == date(2025, 2, 28)
