"""What the regulator's charts show (web/regulator/charts.py draws them): findings of the user's scope per
week and code, per district and per agency, counted by the database."""
from __future__ import annotations

from collections import Counter
from datetime import date, time, timedelta

from sqlalchemy import func
from sqlalchemy.orm import Session

from models import Agency, Finding, FindingStatus, Polluter, User, clock
from services.desk.worklist import findings_of

WEEKS = 12
TOP_AGENCIES = 15


def _grouped(db: Session, user: User, *columns, where=()) -> Counter:
    """count(*) of the user's findings (trips and O&M visits together) grouped by `columns`."""
    query = findings_of(user, *columns, func.count()).join(Agency, Agency.id == Finding.agency_id) \
        .where(*where).group_by(*columns)
    return Counter({tuple(key) if len(key) > 1 else key[0]: n for *key, n in db.execute(query)})


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def per_week(db: Session, user: User, weeks: int = WEEKS) -> tuple[list[date], dict[str, list[int]]]:
    """The last `weeks` weeks (their Mondays) and, per code, the findings first seen in each."""
    first = monday(clock.today()) - timedelta(weeks=weeks - 1)
    since = clock.at_local(first, time(0, 0))
    days = _grouped(db, user, func.date(Finding.first_seen_at), Finding.code,
                    where=(Finding.first_seen_at >= since,))
    mondays = [first + timedelta(weeks=n) for n in range(weeks)]
    series: dict[str, list[int]] = {}
    for (day, code), n in days.items():
        week = (monday(date.fromisoformat(str(day)[:10])) - first).days // 7
        if 0 <= week < weeks:
            series.setdefault(code, [0] * weeks)[week] += n
    return mondays, series


def per_district(db: Session, user: User) -> list[tuple[str, int]]:
    """Open findings per district, the most first."""
    return _grouped(db, user, Polluter.district, where=(Finding.status == FindingStatus.OPEN,)).most_common()


def per_agency(db: Session, user: User, top: int = TOP_AGENCIES) -> list[tuple[str, int]]:
    """Open findings per agency, the `top` with the most."""
    return _grouped(db, user, Agency.name, where=(Finding.status == FindingStatus.OPEN,)).most_common(top)
