"""The form engine and the 采样工况 definition."""
from __future__ import annotations

import pytest

from states import forms
from states.conditions import WORKING_CONDITIONS as FORM
from states.forms import Field, FieldError, Kind

WATER = frozenset({"wastewater"})
GAS = frozenset({"flue_gas"})


@pytest.mark.parametrize("raw, value", [("85", 85), ("85%", 85), ("８５％", 85), ("0", 0), ("120", 120),
                                        ("99.5 %", 99.5)])
def test_numbers_accept_units_and_full_width_digits(raw, value):
    assert forms.parse(FORM.get("production_load"), raw) == value


@pytest.mark.parametrize("raw", ["-1", "120.1", "abc", "85 kg", ""])
def test_numbers_outside_the_range_or_with_other_units_are_refused(raw):
    with pytest.raises(FieldError, match="0～120"):
        forms.parse(FORM.get("production_load"), raw)


def test_choices_by_number_or_by_name():
    field = FORM.get("main_equipment")
    assert forms.parse(field, "2") == "部分运行" and forms.parse(field, "停运") == "停运"
    with pytest.raises(FieldError, match="1. 正常运行"):
        forms.parse(field, "4")


def test_only_optional_fields_can_be_skipped():
    assert forms.parse(FORM.get("remarks"), "跳过") is None
    with pytest.raises(FieldError, match="必填"):
        forms.parse(FORM.get("production_load"), "跳过")


def test_dates_and_times():
    assert forms.parse(Field("d", "日期", Kind.DATE), "2024/6/1") == "2024-06-01"
    assert forms.parse(Field("t", "时间", Kind.TIME), "9：05") == "09:05"
    with pytest.raises(FieldError):
        forms.parse(Field("t", "时间", Kind.TIME), "25:00")


def test_flue_gas_fields_are_asked_only_when_a_flue_gas_point_is_on_the_visit():
    water_fields = [f.name for f in FORM.applicable(WATER)]
    assert "flue_temperature" not in water_fields and "production_load" in water_fields
    assert "flue_temperature" in [f.name for f in FORM.applicable(GAS | WATER)]


def test_the_chat_cursor_moves_forward_and_back():
    answers = forms.answer(FORM, {}, WATER, "80")
    answers = forms.answer(FORM, answers, WATER, "1")
    assert forms.current_field(FORM, answers, WATER).name == "treatment_facility"
    answers = forms.back(FORM, answers, WATER)
    assert forms.current_field(FORM, answers, WATER).name == "main_equipment"
    assert forms.back(FORM, {}, WATER) is None


def test_a_finished_form_has_no_current_field_and_a_summary():
    answers = {}
    for raw in ("80", "1", "1", "跳过"):
        answers = forms.answer(FORM, answers, WATER, raw)
    assert forms.current_field(FORM, answers, WATER) is None
    summary = forms.summary(FORM, answers, WATER)
    assert "生产负荷：80 %" in summary and "备注：（未填）" in summary


def test_a_question_says_its_position_and_whether_it_is_optional():
    text = forms.question(FORM, FORM.get("remarks"), WATER)
    assert "4/4" in text and "选填" in text


def test_a_choice_with_full_width_characters_matches_what_was_typed():
    field = Field("storage", "保存条件", Kind.CHOICE, choices=("冷藏（0～4℃）", "常温"))
    assert forms.parse(field, "冷藏（0～4℃）") == "冷藏（0～4℃）"
    assert forms.parse(field, "1") == "冷藏（0～4℃）"
