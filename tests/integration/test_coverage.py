"""Coverage for regulators: the district's polluters with no electronic sampling record since a date."""
from __future__ import annotations

from datetime import time, timedelta

from sqlalchemy import select

from models import SamplingTrip, User, Visit, clock
from services.polluters import coverage
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


def test_the_last_complete_period_of_each_frequency():
    from datetime import date

    from models import Period

    today = date(2026, 1, 5)
    assert coverage.last_period(Period.MONTH, today) == (date(2025, 12, 1), date(2025, 12, 31), "2025年12月")
    assert coverage.last_period(Period.QUARTER, today) == (date(2025, 10, 1), date(2025, 12, 31), "2025年第4季度")
    assert coverage.last_period(Period.HALF_YEAR, today)[2] == "2025年下半年"
    assert coverage.last_period(Period.YEAR, today)[:2] == (date(2025, 1, 1), date(2025, 12, 31))
    assert coverage.last_period(Period.WEEK, today)[:2] == (date(2025, 12, 29), date(2026, 1, 4))


def test_a_scheme_line_monitored_less_often_than_its_frequency_is_listed(demo_world, login, db):
    from models import MonitoringTask, Period, SchemeItem

    task = db.scalar(select(MonitoringTask).order_by(MonitoringTask.id))
    water, ammonia = task.plan[0], next(p for p in task.plan if p.factor != task.plan[0].factor)
    start, _end, month = coverage.last_period(Period.MONTH, clock.today())
    db.add_all([SchemeItem(point_id=water.point_id, factor=water.factor, times=1, period=Period.MONTH,
                           method_standard="HJ 828-2017", sampling=True),
                SchemeItem(point_id=ammonia.point_id, factor=ammonia.factor, times=2, period=Period.MONTH,
                           method_standard="HJ 535-2009", sampling=True)])
    visit = Visit(task_id=task.id, day=start + timedelta(days=3), starts=time(9), ends=time(11))
    db.add(visit)
    db.flush()
    db.add(SamplingTrip(visit_id=visit.id, started_by_id=db.scalar(select(User.id).where(User.username == "sampler1")),
                        state="completed", submitted_at=clock.now()))
    db.commit()
    regulator = db.scalar(select(User).where(User.username == "regulator1"))
    found = [(f.item.factor, f.done, f.period) for f in coverage.scheme_shortfalls(db, regulator)]
    assert found == [(ammonia.factor, 1, month)]  # 2次/月 planned, sampled once; the other line is met
    db.rollback()
    page = login("regulator1").get("/regulator/coverage").get_data(as_text=True)
    assert "自行监测频次未达到方案要求" in page and "2次/月" in page and month in page
