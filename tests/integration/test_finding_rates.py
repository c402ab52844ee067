"""异常线索发生率: findings per 100 visits per agency and per person over 12 months, the agencies furthest above
the city's rate first; false flags (cleared findings) do not count."""
from __future__ import annotations

import re

from sqlalchemy import select

from models import Finding, FindingStatus
from services.desk import finding_rates
from tests.support import records
from tests.support.desk import sign_in
from tests.support.inspections import trips_with_findings

FENCE, REUSED = ("outside_fence", "medium"), ("photo_reused", "high")


def world(runtime) -> None:
    """绿测: 4 trips, 1 finding and 1 cleared one; 清源: 2 trips, 3 findings."""
    green = trips_with_findings(runtime, [[FENCE], [], [], [REUSED]])
    clear = records.new_task(runtime, "T-QY", agency_code="QY")
    trips_with_findings(runtime, [[FENCE, REUSED], [FENCE]], task_id=clear, sampler="sampler2")
    with runtime.sessions() as s:
        cleared = s.scalars(select(Finding).where(Finding.trip_id == green[3])).one()
        cleared.status = FindingStatus.CLEARED  # an inspection found it was no irregularity
        s.commit()


def test_the_agency_furthest_above_the_citys_rate_comes_first(demo_world, runtime, app):
    world(runtime)
    with runtime.sessions() as s:
        regulator = records.user(s, "regulator1")
        found = finding_rates.rates(s, regulator)
    assert round(found.city_per_100, 1) == round(100 * 4 / 6, 1)
    assert [(r.name, r.visits, round(r.per_100)) for r in found.agencies] == [
        ("上海清源检测技术有限公司", 2, 150), ("上海绿测环境检测有限公司", 4, 25)]
    assert dict(found.agencies[0].code_rates()) == {"outside_fence": 100.0, "photo_reused": 50.0}
    assert found.agencies[0].open == 3 and found.agencies[1].open == 1
    assert [(r.name, r.agency, r.visits, round(r.per_100)) for r in found.people] == [
        ("李娜", "上海绿测环境检测有限公司", 2, 150), ("张伟", "上海绿测环境检测有限公司", 4, 25)]


def test_the_rates_page_shows_the_city_rate_and_each_agency(demo_world, runtime, app):
    world(runtime)
    page = sign_in(app, "regulator1").get("/regulator/rates").get_data(as_text=True)
    assert re.search(r'id="city-rate">66\.7<', page)
    assert page.index("上海清源检测技术有限公司") < page.index("上海绿测环境检测有限公司")
    assert "签到位置在电子围栏外 100.0" in page


def test_another_districts_regulator_sees_none_of_it(demo_world, runtime, app):
    world(runtime)
    with runtime.sessions() as s:
        s.add(records.User(username="songjiang", display_name="松江区", role="regulator", district="松江区",
                           password_hash=records.user(s, "regulator1").password_hash))
        s.commit()
    page = sign_in(app, "songjiang").get("/regulator/rates").get_data(as_text=True)
    assert "上海清源检测技术有限公司" not in page and "近 12 个月辖区内没有现场工作记录" in page
