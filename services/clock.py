"""Time in the users' zone: China Standard Time has no daylight saving, so a fixed offset is exact."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

LOCAL = timezone(timedelta(hours=8), "CST")


def now() -> datetime:
    return datetime.now(timezone.utc)


def today() -> date:
    return now().astimezone(LOCAL).date()


def local(moment: datetime) -> datetime:
    return moment.astimezone(LOCAL)


def at_local(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, LOCAL).astimezone(timezone.utc)


def fmt(moment: datetime | None) -> str:
    return local(moment).strftime("%Y-%m-%d %H:%M") if moment else "—"
