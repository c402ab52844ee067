"""Holding times of water samples (样品保存时限): the longest time from sampling to the laboratory's receipt
for a factor preserved as the standard asks — data, in one reviewable file; services/sampling/lab_receipts.py checks
each sample against it.

Source and how sure we are
--------------------------
HJ 493-2009 《水质 样品的保存和管理技术规定》 lists, per parameter, the container, the preservative and the
holding time (its table of preservation techniques). The numbers below are the ones commonly cited from that
table; they could NOT be confirmed against the standard's text (the reference corpora searched for this work
hold only the standard's foreword, not its table). Every entry is therefore marked `confirmed=False`; a
reviewer holding the standard should check each number and flip the flag. A factor not listed here (air,
particulates, a scenario's own) is not checked, and a sample measured on site (容器 “现场测定”) never travels.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from models.trips import ON_SITE  # the plan's container of a factor measured on site: nothing travels

HJ493 = "HJ 493-2009 水质 样品的保存和管理技术规定"


@dataclass(frozen=True)
class HoldingTime:
    hours: int
    preservation: str  # the preservation the holding time assumes
    source: str
    confirmed: bool


def _hj493(hours: int, preservation: str) -> HoldingTime:
    return HoldingTime(hours, preservation, HJ493, confirmed=False)


HOLDING_TIMES: dict[str, HoldingTime] = {
    "化学需氧量": _hj493(48, "加硫酸至 pH≤2"),
    "氨氮": _hj493(24, "加硫酸至 pH≤2"),
    "总磷": _hj493(24, "加硫酸至 pH≤2"),
    "总氮": _hj493(7 * 24, "加硫酸至 pH≤2"),
    "五日生化需氧量": _hj493(12, "1~5 °C 冷藏避光"),
    "悬浮物": _hj493(14 * 24, "1~5 °C 冷藏"),
    "pH值": _hj493(12, "—"),
}


def holding_time(factor: str) -> HoldingTime | None:
    return HOLDING_TIMES.get(factor)


# 保存条件: how samples are kept on their way to the laboratory, as the plan line proposes and the sampler confirms
STORAGE_CONDITIONS = ("常温", "冷藏(0–4℃)", "冷冻(-20℃)", "避光冷藏(0–4℃)")


def storage_condition(text: str) -> str | None:
    """The condition a sampler or clerk typed: its number (1-based), its name, or its name without the range
    (“冷藏”, “避光冷藏”); None when it is none of them."""
    word = _folded(text)
    if word.isdigit() and 1 <= int(word) <= len(STORAGE_CONDITIONS):
        return STORAGE_CONDITIONS[int(word) - 1]
    return next((c for c in STORAGE_CONDITIONS if word in (_folded(c), _folded(c).split("(")[0])), None)


def _folded(text: str) -> str:
    """Full-width brackets and ℃ typed on a phone compare equal to the names above."""
    return unicodedata.normalize("NFKC", text or "").strip()


__all__ = ["HJ493", "HOLDING_TIMES", "ON_SITE", "STORAGE_CONDITIONS", "HoldingTime", "holding_time",
           "storage_condition"]
