"""保存条件 as a sampler types it on a phone: its number, its name, or its name without the temperature range."""
from __future__ import annotations

import pytest

from states.holding_times import STORAGE_CONDITIONS, storage_condition


@pytest.mark.parametrize(("typed", "meant"), [
    ("1", "常温"), ("2", "冷藏(0–4℃)"), ("冷藏", "冷藏(0–4℃)"), ("冷冻", "冷冻(-20℃)"),
    ("避光冷藏", "避光冷藏(0–4℃)"), ("冷藏（0–4℃）", "冷藏(0–4℃)"), (" 常温 ", "常温"),
])
def test_a_condition_is_found_by_number_name_or_short_name(typed, meant):
    assert storage_condition(typed) == meant


@pytest.mark.parametrize("typed", ["0", str(len(STORAGE_CONDITIONS) + 1), "热", "", "冷"])
def test_anything_else_is_no_condition(typed):
    assert storage_condition(typed) is None
