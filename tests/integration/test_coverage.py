"""Coverage for regulators: the district's polluters with no electronic sampling record since a date."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from models import SamplingTrip, User, Visit, clock
from services import coverage
from tests.support import directory_book as books


def _import_example(login):
    from tests.integration.test_directory_web import _post_file

    _post_file(login("admin1"), books.example())


def _submit_a_trip(db) -> Visit:
    """The demo's sampling visit gets a submitted trip: an electronic sampling record for its polluter."""
    visit = db.scalar(select(Visit).order_by(Visit.id))
    sampler = db.scalar(select(User).where(User.username == "sampler1"))
    db.add(SamplingTrip(visit_id=visit.id, started_by_id=sampler.id, state="submitted", submitted_at=clock.now()))
    db.commit()
    return visit


def test_the_regulator_sees_the_district_polluters_without_sampling_records(demo_world, login, db):
    _import_example(login)
    visit = _submit_a_trip(db)
    recorded = visit.task.polluter
    regulator = db.scalar(select(User).where(User.username == "regulator1"))
    names = [p.name for p in coverage.uncovered(db, regulator)]
    assert recorded.name not in names
    assert {"上海金申化工有限公司", "上海金港印染有限公司", "上海枫泾食品有限公司"} <= set(names)
    assert "上海海湾热电有限公司" not in names  # 奉贤区: another district
    later = [p.name for p in coverage.uncovered(db, regulator, since=visit.day + timedelta(days=1))]
    assert recorded.name in later


def test_the_coverage_page_lists_them_and_refuses_a_bad_date(demo_world, login):
    _import_example(login)
    client = login("regulator1")
    page = client.get("/regulator/coverage")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "上海金申化工有限公司" in html and "2024-06-01" in html
    assert "上海海湾热电有限公司" not in html
    bad = client.get("/regulator/coverage?since=2024-13-01")
    assert bad.status_code == 400 and "日期格式应为" in bad.get_data(as_text=True)
