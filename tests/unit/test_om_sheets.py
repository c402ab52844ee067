"""The record sheets' cross-field checks and what the instrument register fills in."""
from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from states import forms
from states.om_sheets import CALIBRATION, DAILY_INSPECTION, STANDARD_MATERIALS, cross_check, prefilled, sheet_tags

DAY = date(2026, 11, 25)


def test_a_range_whose_top_is_not_above_its_bottom_is_refused():
    assert cross_check(CALIBRATION, {"range_low": 0, "range_high": 500}, DAY) == []
    problems = cross_check(CALIBRATION, {"range_low": 500, "range_high": 500}, DAY)
    assert len(problems) == 1 and "量程上限（500）必须大于量程下限（500）" in problems[0]


def test_a_new_standard_material_expired_on_the_visit_day_is_refused():
    assert cross_check(STANDARD_MATERIALS, {"expires_on": "2026-11-25"}, DAY) == []  # valid through that day
    problems = cross_check(STANDARD_MATERIALS, {"expires_on": "2026-11-24"}, DAY)
    assert len(problems) == 1 and "已于 2026-11-24 过期" in problems[0]


def test_a_production_date_after_the_expiry_is_refused():
    problems = cross_check(STANDARD_MATERIALS, {"produced_on": "2027-01-01", "expires_on": "2026-12-31"}, DAY)
    assert any("生产日期" in p for p in problems)


def test_other_sheets_have_no_cross_field_rules():
    assert cross_check(DAILY_INSPECTION, {"range_low": 9, "range_high": 1}, DAY) == []


def test_the_register_prefills_the_calibration_and_back_passes_over_it():
    instrument = SimpleNamespace(principle="非分散红外", range_low=0.0, range_high=500.0, unit="mg/m³")
    known = prefilled(CALIBRATION, instrument)
    assert known == {"principle": "非分散红外", "range_low": 0, "range_high": 500, "unit": "mg/m³"}
    assert prefilled(DAILY_INSPECTION, instrument) == {}
    tags = frozenset({"flue_gas"})
    answers = forms.answer(CALIBRATION, dict(known), tags, "SO2")
    answers = forms.answer(CALIBRATION, answers, tags, "二氧化硫标准气体")
    earlier = forms.back(CALIBRATION, answers, tags, known)
    assert "standard_name" not in earlier and "unit" in earlier
    assert forms.back(CALIBRATION, forms.back(CALIBRATION, earlier, tags, known), tags, known) is None


def test_a_sheet_keeps_the_fields_of_the_point_it_was_filled_for_even_if_its_instrument_moved():
    Row = SimpleNamespace
    stack, outfall = Row(kind="flue_gas"), Row(kind="wastewater")
    moved = Row(point=stack, instrument=Row(point=outfall))
    assert sheet_tags(moved) == {"flue_gas"}
    # picked by kind, its instrument chosen from the register: the instrument's point says which fields apply
    assert sheet_tags(Row(point=None, instrument=Row(point=outfall))) == {"wastewater"}
    assert sheet_tags(Row(point=None, instrument=None)) == frozenset()
