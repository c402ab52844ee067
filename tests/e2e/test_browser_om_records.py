"""In a real browser: the crew member types a record sheet on the phone (from the chat's link, through WeChat
OAuth), and the agency reads the visit's record at its desk, photos and signature showing, and prints a sheet."""
from __future__ import annotations

import os

from services.core import links
from tests.support.browser import sign_in
from tests.support.om_records import CREW_OPENID, bind_crew, recorded_visit

SHOTS = os.environ.get("EMSS_SHOTS")  # a folder to keep screenshots in, when looking at the pages


def shoot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_the_crew_types_the_rest_of_a_sheet_on_the_phone(demo_world, live, config, runtime, handset):
    config.wechat_open_base = f"{live}/fake-wechat/open/"
    bind_crew(runtime)
    recorded = recorded_visit(runtime, config.media_root, submitted=False)
    handset.context.add_cookies([{"name": "emss_sim_openid", "value": CREW_OPENID, "url": live}])
    url = links.url(live, "om_sheet", recorded.water_daily)
    handset.goto(url)  # WeChat's silent OAuth, then back to the sheet
    assert handset.input_value("#f_reagent_left") == "800"  # answered in chat
    handset.fill("#f_reagent_left", "六百")
    handset.fill("#f_shelter_temp", "21.5")
    handset.select_option("#f_hygiene", "正常")
    handset.get_by_role("button", name="保存").click()
    shoot(handset, "om-mobile-sheet-refused")
    page = handset.inner_text("main")
    assert "有效内容已保存（2 项）" in page and "请输入 0～100000 之间的数字（单位：mL）" in page
    handset.fill("#f_reagent_left", "600")
    handset.get_by_role("button", name="保存").click()
    assert "已保存 1 项" in handset.inner_text("main")
    assert handset.input_value("#f_reagent_left") == "600" and handset.input_value("#f_shelter_temp") == "21.5"
    shoot(handset, "om-mobile-sheet")


def test_the_agency_reads_the_visit_and_prints_a_sheet(demo_world, live, config, runtime, desk):
    recorded = recorded_visit(runtime, config.media_root)
    sign_in(desk, live, "om1")
    desk.goto(f"{live}/om/visits")
    desk.get_by_role("link", name=f"#{recorded.visit}").click()
    desk.wait_for_url(f"{live}/om/visits/{recorded.visit}")
    desk.wait_for_load_state("load")  # the pictures too
    record = desk.inner_text("main")
    for expected in ("运维记录", "上海示范化工有限公司", "刘洋", "围栏内", "伴热管线温度", "SO2 零点漂移",
                     "王工（示范化工）"):
        assert expected in record, expected
    assert desk.evaluate("[...document.querySelectorAll('main img')].every(i => i.naturalWidth > 0)")
    assert desk.locator("main img").count() == 5  # the arrival photo, three sheet photos, the signature
    shoot(desk, "om-visit")
    with desk.expect_popup() as opened:
        desk.locator(f"a[href='/om/sheets/{recorded.gas_daily}.pdf']").click()
    pdf = opened.value
    response = desk.request.get(pdf.url)
    assert response.headers["content-type"] == "application/pdf" and response.body().startswith(b"%PDF-")
