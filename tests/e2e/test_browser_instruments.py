"""In a real browser at the polluter's desk: 污染源基本信息 → 企业排口, the flue-gas point, 新增仪器备案 saved and
listed; then typing into the form and clicking another point asks before the typed values are lost."""
from __future__ import annotations

from sqlalchemy import select

from models import Instrument
from tests.support.browser import sign_in

LEAVE = "当前仪器信息尚未保存，确定离开吗？"


def answer_next_dialog(page, accept: bool) -> list[str]:
    """The messages of the next dialog, which is accepted or dismissed as a person would."""
    seen: list[str] = []

    def handle(dialog):
        seen.append(f"{dialog.type}:{dialog.message}")
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", handle)
    return seen


def test_the_polluter_registers_an_instrument_and_is_warned_before_losing_typed_values(demo_world, live, desk,
                                                                                       runtime):
    sign_in(desk, live, "polluter1")
    desk.get_by_role("link", name="污染源基本信息").click()
    desk.wait_for_url(f"{live}/polluter/site")
    assert "企业排口" in desk.inner_text("h1")

    desk.get_by_role("link", name="DA001 锅炉废气排放口").click()
    desk.wait_for_url("**/polluter/site?point=*")
    right = desk.locator("section.point-instruments")
    assert "DA001 锅炉废气排放口（废气测点）" in right.inner_text()
    assert "烟气连续监测系统 SO2 分析仪" in right.inner_text() and "自动采样器" not in right.inner_text()

    desk.fill("#f_name", "颗粒物连续监测仪")
    desk.fill("#f_model", "LM-3086")
    desk.fill("#f_manufacturer", "北京雪迪龙")
    desk.fill("#f_serial_no", "LM3086-2025-0102")
    desk.fill("#f_factors", "颗粒物")
    desk.fill("#f_range_low", "0")
    desk.fill("#f_range_high", "200")
    desk.fill("#f_unit", "mg/m3")
    desk.fill("#f_principle", "激光后散射法")
    desk.select_option("#f_analyte_class", "颗粒物")
    desk.select_option("#f_auto_calibration", "是")
    desk.fill("#f_installed_on", "2025-01-10")
    desk.fill("#f_accepted_on", "2025-02-20")
    desk.fill("#f_dau", "HY-DAU-01")
    desk.get_by_role("button", name="保存").click()  # a saved form leaves without asking
    desk.wait_for_load_state()
    assert "已备案分析仪器：颗粒物连续监测仪（出厂编号 LM3086-2025-0102）" in desk.inner_text("main")
    listed = desk.locator("table.register").inner_text()
    assert "LM3086-2025-0102" in listed and "0～200 mg/m3" in listed and "颗粒物" in listed
    with runtime.sessions() as s:
        assert s.scalars(select(Instrument.name).where(Instrument.serial_no == "LM3086-2025-0102")).one() == \
            "颗粒物连续监测仪"
    gas_url = desk.url

    desk.fill("#f_name", "氮氧化物分析仪")
    seen = answer_next_dialog(desk, accept=False)
    desk.get_by_role("link", name="DW001 废水总排口").click()
    desk.wait_for_timeout(300)
    assert seen == [f"confirm:{LEAVE}"]
    assert desk.url == gas_url and desk.input_value("#f_name") == "氮氧化物分析仪"  # stayed, nothing lost

    seen = answer_next_dialog(desk, accept=True)
    desk.get_by_role("link", name="DW001 废水总排口").click()
    desk.wait_for_url("**/polluter/site?point=*")
    assert seen == [f"confirm:{LEAVE}"] and desk.url != gas_url
    right = desk.locator("section.point-instruments").inner_text()
    assert "DW001 废水总排口（废水测点）" in right and "分析仪器" in right and "自动采样器" in right
    assert desk.input_value("#f_name") == ""

    # untouched, the form lets the person move between points without a question
    asked: list[str] = []

    def record(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    desk.on("dialog", record)
    desk.get_by_role("link", name="DA001 锅炉废气排放口").click()
    desk.wait_for_url(gas_url)
    desk.remove_listener("dialog", record)
    assert asked == []

    # reloading or closing the page with typed values gets the browser's own warning
    desk.fill("#f_model", "NOx-100")
    seen = answer_next_dialog(desk, accept=False)
    desk.evaluate("setTimeout(() => location.reload(), 0)")  # the browser asks first; dismissed, the page stays
    desk.wait_for_timeout(500)
    assert [m.split(":")[0] for m in seen] == ["beforeunload"]
    assert desk.input_value("#f_model") == "NOx-100"


def test_the_instrument_table_keeps_each_column_readable_on_the_desk(demo_world, live, desk):
    sign_in(desk, live, "polluter1")
    desk.goto(f"{live}/polluter/site")
    desk.get_by_role("link", name="DA001 锅炉废气排放口").click()
    desk.wait_for_url("**/polluter/site?point=*")
    table = desk.locator("table.register[data-kind=analyser]")
    # a heading or a value broken over lines is a column squeezed narrower than its words
    broken = table.evaluate("""t => [...t.querySelectorAll('th, td')].filter(c => {
        if (!c.textContent.trim() || c.querySelector('form')) return false;
        const words = document.createRange();
        words.selectNodeContents(c);
        return words.getBoundingClientRect().height > 2 * parseFloat(getComputedStyle(c).fontSize);
    }).map(c => c.textContent.trim())""")
    assert broken == []
    assert "烟气连续监测系统 SO2 分析仪" in table.inner_text()
    deactivate = table.locator("form.deactivate").first  # the last column's controls stay usable on one line
    assert deactivate.bounding_box()["height"] < 40
