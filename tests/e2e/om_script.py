"""The scenes of an O&M site visit, as omcrew1 would play them on the demo data.

The demo visit's sheet menu: 1 daily inspection (DA001 SO2 analyser), 2 calibration (same), 3 daily inspection
(DW001 COD analyser), then 4–8 the five sheet kinds; the site's instruments: 1 COD analyser, 2 SO2 analyser.
"""
from __future__ import annotations

from tests.support.images import jpeg

CREW = "o_omcrew1"
SITE = (30.8168, 121.3502)  # inside the demo polluter's fence
FAR = (30.8350, 121.3500)  # about 2 km north
DAILY_GAS = ["1", "120", "4", "1", "1", "1", "1.5", "1", "8", "2027-06-30", "1", "22", "55", "1", "1",
             "跳过", "跳过"]
DAILY_WATER = ["1", "1", "800", "2026-01-05", "2027-01-05", "1", "1", "4", "1", "1", "1", "20", "60", "1", "1",
               "跳过", "跳过"]
CALIBRATION = ["SO2", "二氧化硫标准气体", "GBW(E)061234", "400", "2030-12-31", "0", "0.5", "2.1", "1", "0.2", "400",
               "398", "405", "1", "399", "跳过"]  # principle, range and unit come from the instrument register
REPAIR = ["今天", "08:30", "采样泵不抽气", "泵膜破损", "泵膜 1 片", "更换泵膜并检漏", "跳过", "跳过", "09:40",
          "更换后零点、量程校准正常", "跳过"]
CONSUMABLES = ["1", "PTFE 0.5μm", "2", "1", "F2401", "F2511", "跳过"]
STANDARD = ["1", "二氧化硫标准气体", "SO2/N2", "400", "2", "大连大特气体", "GBW(E)061234", "DT-88123",
            "2026-01-10", "2030-01-10", "DT-70011", "0.5 MPa", "跳过"]


def bind(crew, username: str = "omcrew1") -> None:
    crew.tap("ACCOUNT_INFO")
    crew.text(username)
    assert "绑定成功" in crew.text("demo1234")


def start(crew) -> str:
    crew.tap("OM_TASKS")
    return crew.text("1")


def arrive(crew, where=SITE, seed: int = 1) -> str:
    reply = crew.location(*where)
    crew.photo(jpeg(seed))
    return reply


def fill(crew, answers: list[str]) -> str:
    reply = ""
    for answer in answers:
        reply = crew.text(answer)
    return reply


def sheet(crew, number: str, answers: list[str], seed: int, instrument: str | None = None) -> str:
    """Pick a sheet from the menu (and its instrument), answer every question, confirm, photograph the work,
    back to the menu; returns the menu."""
    crew.text(number)
    if instrument:
        crew.text(instrument)
    summary = fill(crew, answers)
    assert "请核对" in summary, summary
    assert "已确认" in crew.text("1")
    crew.photo(jpeg(seed))
    return crew.text("1")


def leave(crew, where=SITE, seed: int = 50) -> str:
    crew.text("0")
    crew.location(*where)
    crew.photo(jpeg(seed))
    return crew.text("1")


def whole_visit(crew) -> str:
    bind(crew)
    start(crew)
    arrive(crew)
    assert "选择记录单" in crew.text("1")
    sheet(crew, "1", DAILY_GAS, seed=11)
    sheet(crew, "2", CALIBRATION, seed=12)
    review = leave(crew)
    assert "提交前核对" in review, review
    return crew.text("1")
