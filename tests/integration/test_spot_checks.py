"""双随机、一公开: the district inspector draws a spot-check list that anyone can re-run, exports and publishes it
without personal data, and records inspections whose outcome confirms or clears findings."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from models import DrawKind, Finding, FindingStatus, Inspection, SpotCheckDraw, User
from services.desk import spot_checks
from tests.support.desk import post, sign_in, upload
from tests.support.files import pdf
from tests.support.inspections import trips_with_findings

CLEAN, RISKY = [], [("outside_fence", "medium"), ("photo_reused", "high")]


@pytest.fixture
def district(demo_world, runtime):
    """Twelve recent trips in 金山区, two of them with open findings."""
    return trips_with_findings(runtime, [CLEAN] * 5 + [RISKY] + [CLEAN] * 5 + [[("after_departure", "low")]])


@pytest.fixture
def inspector(app, district):
    return sign_in(app, "regulator1")


def _draw(inspector, **form):
    response = post(inspector, "/regulator/spot-checks", {"kind": "trip", "size": "3", **form})
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_a_draw_is_recorded_with_its_seed_and_population_and_can_be_rerun(inspector, runtime, district):
    draw_id = _draw(inspector)
    page = inspector.get(f"/regulator/spot-checks/{draw_id}").get_data(as_text=True)
    assert "复核：用相同的随机种子和对象重新抽取，结果一致。" in page
    with runtime.sessions() as s:
        row = s.get(SpotCheckDraw, draw_id)
        assert sorted(i for i, _w in row.population) == sorted(district)
        assert len(row.picks) == 3 and set(row.picks) <= set(district) and len(set(row.picks)) == 3
        assert row.drawn_by.username == "regulator1" and len(row.seed) == 32
        assert spot_checks.pick(row.seed, row.population, row.size) == row.picks  # anyone can run it again
    assert page.count("记录检查") == 3


def test_a_draw_edited_behind_the_apps_back_fails_its_rerun(inspector, runtime):
    draw_id = _draw(inspector)
    with runtime.sessions() as s:
        row = s.get(SpotCheckDraw, draw_id)
        others = [i for i, _w in row.population if i not in row.picks]
        row.picks = [others[0], *row.picks[1:]]  # someone swaps a trip out of the list
        s.commit()
    assert "复核不一致" in inspector.get(f"/regulator/spot-checks/{draw_id}").get_data(as_text=True)


def test_two_draws_differ_and_each_is_uniform_over_the_population(inspector, runtime, district):
    members = [[i, 1] for i in district]
    counts = dict.fromkeys(district, 0)
    for n in range(1200):
        for picked in spot_checks.pick(f"seed-{n}", members, 3):
            counts[picked] += 1
    expected = 1200 * 3 / len(district)
    assert all(abs(c - expected) < 0.25 * expected for c in counts.values()), counts


def test_risk_weighting_favours_trips_with_serious_open_findings(runtime, district):
    with runtime.sessions() as s:
        regulator = s.scalars(select(User).where(User.username == "regulator1")).one()
        members = spot_checks.population(s, regulator, DrawKind.TRIP, spot_checks.Filters(), True)
    weights = dict(map(tuple, members))
    risky = district[5]
    assert weights[risky] == 1 + 3 + 5 and weights[district[-1]] == 2 and weights[district[0]] == 1
    drawn = sum(risky in spot_checks.pick(f"s{n}", members, 1) for n in range(600))
    assert drawn > 600 * 9 / (9 + 2 + 10) * 0.7  # ≈ 9/21 of single draws, far above an unweighted 1/12


def test_a_draw_filtered_by_finding_code_keeps_only_those_trips(inspector, runtime, district):
    draw_id = _draw(inspector, code="photo_reused", size="5")
    with runtime.sessions() as s:
        assert s.get(SpotCheckDraw, draw_id).picks == [district[5]]


def test_a_draw_from_an_empty_population_is_refused_in_chinese(inspector):
    response = post(inspector, "/regulator/spot-checks", {"kind": "trip", "size": "3", "date_from": "2001-01-01",
                                                         "date_to": "2001-01-31"})
    assert response.status_code == 400 and "没有可抽取的对象" in response.get_data(as_text=True)


def test_another_districts_inspector_neither_sees_the_draw_nor_the_trips(inspector, app, runtime):
    draw_id = _draw(inspector)
    with runtime.sessions() as s:
        s.add(User(username="regulator_pd", display_name="浦东检查员", role="regulator", district="浦东新区",
                   password_hash=s.scalars(select(User).where(User.username == "regulator1")).one().password_hash))
        s.commit()
    other = sign_in(app, "regulator_pd")
    assert other.get(f"/regulator/spot-checks/{draw_id}").status_code == 404
    refused = post(other, "/regulator/spot-checks", {"kind": "trip", "size": "3"})
    assert refused.status_code == 400  # nothing in 浦东新区 to draw from


def test_the_list_is_exported_and_published_without_personal_data(inspector, client, runtime):
    draw_id = _draw(inspector)
    export = inspector.get(f"/regulator/spot-checks/{draw_id}.xlsx")
    assert export.status_code == 200 and export.data[:2] == b"PK"
    assert client.get(f"/public/spot-checks/{draw_id}").status_code == 404  # not yet published
    assert post(inspector, f"/regulator/spot-checks/{draw_id}/publish").status_code == 302
    public = client.get(f"/public/spot-checks/{draw_id}").get_data(as_text=True)
    assert "上海示范化工有限公司" in public and "上海绿测环境检测有限公司" in public and "SC-0" in public
    for personal in ("张伟", "sampler1", "regulator1", "金山区生态环境局"):
        assert personal not in public


def test_an_inspection_confirms_one_finding_and_clears_another(inspector, runtime, district):
    risky = district[5]
    with runtime.sessions() as s:
        reused, outside = (s.scalars(select(Finding).where(Finding.trip_id == risky, Finding.code == code)).one().id
                           for code in ("photo_reused", "outside_fence"))
    form = inspector.get(f"/regulator/inspections/new?kind=trip&id={risky}").get_data(as_text=True)
    assert "照片与其他行程/运维重复" in form and "签到位置在电子围栏外" in form
    response = upload(inspector, f"/regulator/inspections/new?kind=trip&id={risky}", {
        "inspected_on": "2026-11-20", "inspectors": "王检、李查", "outcome": "partly",
        "notes": "现场核实：照片确系翻拍；围栏外签到为停车场位置。",
        f"finding-{reused}": "confirmed", f"finding-{outside}": "cleared"}, "files", pdf("检查笔录"), "笔录.pdf")
    assert response.status_code == 302, response.get_data(as_text=True)
    record = inspector.get(response.headers["Location"]).get_data(as_text=True)
    assert "部分属实" in record and "王检、李查" in record and "笔录.pdf" in record
    with runtime.sessions() as s:
        assert s.get(Finding, reused).status == FindingStatus.CONFIRMED
        cleared = s.get(Finding, outside)
        assert cleared.status == FindingStatus.CLEARED and "现场检查（2026-11-20，王检、李查）" in cleared.reason
        file_id = s.scalars(select(Inspection)).one().files[0].id
    attachment = inspector.get(f"{response.headers['Location']}/files/{file_id}")
    assert attachment.status_code == 200 and attachment.data.startswith(b"%PDF")
    attachment.close()
    rates = inspector.get("/regulator/rule-rates").get_data(as_text=True)
    assert re.search(r"照片与其他行程/运维重复（字节相同）</td><td>0</td><td>1</td><td>0</td><td>100%", rates)
    assert re.search(r"签到位置在电子围栏外</td><td>0</td><td>0</td><td>1</td><td>0%", rates)


def test_a_conclusion_that_contradicts_its_verdicts_is_refused_and_nothing_is_decided(inspector, runtime,
                                                                                      district):
    risky = district[5]
    with runtime.sessions() as s:
        finding = s.scalars(select(Finding).where(Finding.trip_id == risky, Finding.code == "photo_reused")).one().id
    response = post(inspector, f"/regulator/inspections/new?kind=trip&id={risky}", {
        "inspected_on": "2026-11-20", "inspectors": "王检", "outcome": "false", f"finding-{finding}": "confirmed"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "结论为“不属实”时" in page and "王检" in page
    with runtime.sessions() as s:
        assert s.get(Finding, finding).status == FindingStatus.OPEN and s.scalars(select(Inspection)).first() is None


@pytest.mark.parametrize(("field", "value", "reason"), [
    ("inspected_on", "2999-01-01", "不能晚于今天"),
    ("inspectors", "", "请填写检查人员"),
    ("outcome", "maybe", "请选择检查结论"),
])
def test_an_incomplete_inspection_record_is_refused(inspector, district, field, value, reason):
    form = {"inspected_on": "2026-11-20", "inspectors": "王检", "outcome": "true", field: value}
    response = post(inspector, f"/regulator/inspections/new?kind=trip&id={district[0]}", form)
    assert response.status_code == 400 and reason in response.get_data(as_text=True)


def test_an_attachment_that_is_not_a_photo_or_pdf_is_refused(inspector, district):
    response = upload(inspector, f"/regulator/inspections/new?kind=trip&id={district[0]}", {
        "inspected_on": "2026-11-20", "inspectors": "王检", "outcome": "true"}, "files", b"MZ\x90\x00evil", "a.pdf")
    assert response.status_code == 400 and "检查附件" in response.get_data(as_text=True)


def test_agencies_are_not_inspectors(app, district):
    clerk = sign_in(app, "agency1")
    assert clerk.get("/regulator/spot-checks").status_code == 404
    assert clerk.get(f"/regulator/inspections/new?kind=trip&id={district[0]}").status_code == 404


def test_a_colleague_of_the_same_district_sees_the_draw_but_a_city_regulator_does_not_share_it(inspector, app,
                                                                                                runtime):
    draw_id = _draw(inspector)
    with runtime.sessions() as s:
        password = s.scalars(select(User).where(User.username == "regulator1")).one().password_hash
        s.add_all([User(username="jinshan2", display_name="金山区检查员乙", role="regulator", scope="district",
                        district="金山区", password_hash=password),
                   User(username="city1", display_name="市执法总队", role="regulator", scope="city",
                        password_hash=password)])
        s.commit()
    assert sign_in(app, "jinshan2").get(f"/regulator/spot-checks/{draw_id}").status_code == 200
    assert sign_in(app, "city1").get(f"/regulator/spot-checks/{draw_id}").status_code == 404
