"""The one source of time for everything recorded, in the users' zone: China Standard Time has no daylight
saving, so a fixed offset is exact.

Under EMSS_DEV a trainer or a test may set the time (`DevClock`): an offset from the real time kept in Redis,
so every web and job process of the app agrees. Without it (production) `now()` is the real time and nothing
else is consulted. No Flask here: the process installs the dev clock once, when its runtime is built.
"""
from __future__ import annotations

import math
import time as timer
from datetime import date, datetime, time, timedelta, timezone

LOCAL = timezone(timedelta(hours=8), "CST")
OFFSET_KEY = "emss:dev:clock:offset"  # seconds to add to the real time; absent: the real time
CACHE_SECONDS = 1.0  # how stale another process's change may be seen: one Redis read a second at most


class DevClock:
    """The settable clock of development and tests: an offset from the real time, in Redis."""

    def __init__(self, redis, cache_seconds: float = CACHE_SECONDS):
        self.redis = redis
        self.cache_seconds = cache_seconds
        self._cached: tuple[float, float] = (0.0, -math.inf)  # (offset, monotonic time it was read)

    def offset(self) -> float:
        value, read_at = self._cached
        if timer.monotonic() - read_at < self.cache_seconds:
            return value
        raw = self.redis.get(OFFSET_KEY)
        return self._remember(float(raw) if raw is not None else 0.0)

    def is_set(self) -> bool:
        return bool(self.redis.exists(OFFSET_KEY))

    def set(self, moment: datetime) -> None:
        offset = (moment - real_now()).total_seconds()
        self.redis.set(OFFSET_KEY, repr(offset))
        self._remember(offset)

    def advance(self, seconds: float) -> None:
        # atomic in Redis: two trainers pressing +10 分钟 at once move it twenty minutes
        self._remember(float(self.redis.incrbyfloat(OFFSET_KEY, seconds)))

    def reset(self) -> None:
        self.redis.delete(OFFSET_KEY)
        self._remember(0.0)

    def _remember(self, offset: float) -> float:
        self._cached = (offset, timer.monotonic())
        return offset


_dev: DevClock | None = None


def use(dev: DevClock | None) -> None:
    """Install the settable clock for this process (EMSS_DEV), or the real time only (None)."""
    global _dev
    _dev = dev


def dev_clock() -> DevClock | None:
    return _dev


def real_now() -> datetime:
    return datetime.now(timezone.utc)


def now() -> datetime:
    moment = real_now()
    return moment if _dev is None else moment + timedelta(seconds=_dev.offset())


def today() -> date:
    return now().astimezone(LOCAL).date()


def local(moment: datetime) -> datetime:
    return moment.astimezone(LOCAL)


def at_local(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, LOCAL).astimezone(timezone.utc)


def fmt(moment: datetime | None) -> str:
    return local(moment).strftime("%Y-%m-%d %H:%M") if moment else "—"
