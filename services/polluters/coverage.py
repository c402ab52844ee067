"""Coverage for regulators: the polluters they oversee with no electronic sampling record (a submitted sampling
trip) on a visit day since a date — by default since the notice (沪环监测〔2024〕59号) applies — and the lines of
their self-monitoring schemes whose frequency their tasks did not meet in the last complete period."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import (
    MonitoringPoint,
    MonitoringTask,
    Period,
    PlanItem,
    Polluter,
    ReceiptCheck,
    SamplingTrip,
    SchemeItem,
    User,
    Visit,
    clock,
)
from services.core import policy

NOTICE_START = date(2024, 6, 1)


def uncovered(db: Session, user: User, since: date = NOTICE_START) -> list[Polluter]:
    recorded = select(MonitoringTask.polluter_id).join(Visit, Visit.task_id == MonitoringTask.id) \
        .join(SamplingTrip, SamplingTrip.visit_id == Visit.id) \
        .where(SamplingTrip.submitted_at.is_not(None), Visit.day >= since)
    query = policy.scoped(user, Polluter).where(Polluter.id.not_in(recorded))
    return list(db.scalars(query.order_by(Polluter.district, Polluter.name)))


@dataclass(frozen=True)
class Shortfall:
    """A scheme line (自行监测方案) whose last complete period had fewer monitorings than it requires."""

    item: SchemeItem
    period: str  # the period as people say it, e.g. 2026年第3季度
    done: int


def scheme_shortfalls(db: Session, user: User, today: date | None = None) -> list[Shortfall]:
    """Each scheme line of the polluters in scope, against its last complete period: sampled lines count the
    visit days with a submitted trip of a task planning that factor at that point; analysis-only lines count the
    delivered-sample tasks planning it whose receipt check was confirmed in the period."""
    today = today or clock.today()
    items = db.scalars(select(SchemeItem).join(MonitoringPoint).where(
        MonitoringPoint.polluter_id.in_(policy.scoped(user, Polluter, select(Polluter.id)))).order_by(SchemeItem.id))
    found = []
    for item in items:
        start, end, label = last_period(Period(item.period), today)
        if start < NOTICE_START:
            continue
        done = _done(db, item, start, end)
        if done < item.times:
            found.append(Shortfall(item, label, done))
    return found


def last_period(period: Period, today: date) -> tuple[date, date, str]:
    """The last complete period before `today`: (first day, last day, its name)."""
    if period == Period.DAY:
        day = today - timedelta(days=1)
        return day, day, day.isoformat()
    if period == Period.WEEK:
        monday = today - timedelta(days=today.weekday() + 7)
        return monday, monday + timedelta(days=6), f"{monday.isoformat()} 起的一周"
    months = {Period.MONTH: 1, Period.QUARTER: 3, Period.HALF_YEAR: 6, Period.YEAR: 12}[period]
    index = (today.year * 12 + today.month - 1) // months - 1  # the period before the current one
    first = date((index * months) // 12, (index * months) % 12 + 1, 1)
    after = date(((index + 1) * months) // 12, ((index + 1) * months) % 12 + 1, 1)
    names = {Period.MONTH: f"{first.year}年{first.month}月",
             Period.QUARTER: f"{first.year}年第{(first.month + 2) // 3}季度",
             Period.HALF_YEAR: f"{first.year}年{'上' if first.month == 1 else '下'}半年",
             Period.YEAR: f"{first.year}年"}
    return first, after - timedelta(days=1), names[period]


def _done(db: Session, item: SchemeItem, start: date, end: date) -> int:
    planned = select(PlanItem.task_id).where(PlanItem.point_id == item.point_id, PlanItem.factor == item.factor)
    if item.sampling:
        days = select(func.count(func.distinct(Visit.day))).join(SamplingTrip, SamplingTrip.visit_id == Visit.id)
        return db.scalar(days.where(Visit.task_id.in_(planned), SamplingTrip.submitted_at.is_not(None),
                                    Visit.day >= start, Visit.day <= end)) or 0
    return db.scalar(select(func.count()).select_from(ReceiptCheck).where(
        ReceiptCheck.task_id.in_(planned), ReceiptCheck.confirmed_at >= clock.at_local(start, time(0)),
        ReceiptCheck.confirmed_at < clock.at_local(end + timedelta(days=1), time(0)))) or 0
