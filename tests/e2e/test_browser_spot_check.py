"""In a real browser: the district inspector draws a risk-weighted spot-check list and records an inspection
that confirms a finding."""
from sqlalchemy import select

from models import Finding, FindingStatus
from tests.support.browser import sign_in
from tests.support.inspections import trips_with_findings


def test_the_inspector_draws_a_list_and_records_an_inspection(demo_world, runtime, live, desk):
    (risky,) = trips_with_findings(runtime, [[("photo_reused", "high")]])
    sign_in(desk, live, "regulator1")
    desk.click("text=双随机抽查")
    desk.select_option("select[name=kind]", "trip")
    desk.fill("input[name=size]", "1")
    desk.check("input[name=weighted]")
    desk.click("#draw-form button[type=submit]")
    desk.wait_for_url(f"{live}/regulator/spot-checks/*")
    assert "结果一致" in desk.inner_text("#replay")
    assert "SC-000" in desk.inner_text("#picks")
    desk.click("text=记录检查")
    desk.fill("input[name=inspectors]", "王检、李查")
    desk.check("input[name^=finding-][value=confirmed]")
    desk.check("input[name=outcome][value=true]")
    desk.fill("textarea[name=notes]", "两次行程的现场照片为同一张。")
    desk.click("text=保存检查记录")
    desk.wait_for_url(f"{live}/regulator/inspections/*")
    assert desk.inner_text("#outcome") == "属实"
    with runtime.sessions() as s:
        assert s.scalars(select(Finding).where(Finding.trip_id == risky)).one().status == FindingStatus.CONFIRMED
