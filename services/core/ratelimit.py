"""A per-key request budget in Redis (fixed windows), shared by every worker process of the app."""
from __future__ import annotations

import math

from models import clock


def spend(redis, key: str, limit: int, window_s: int) -> int | None:
    """Count one request of `key`; None while within `limit` per `window_s`, else the seconds until the next
    window opens (the client's Retry-After)."""
    moment = clock.real_now().timestamp()  # real time: a development clock moved forward must not reset budgets
    window = int(moment // window_s)
    name = f"emss:ratelimit:{key}:{window}"
    pipe = redis.pipeline()
    pipe.incr(name)
    pipe.expire(name, window_s + 1)
    count, _ = pipe.execute()
    if count <= limit:
        return None
    return max(1, math.ceil((window + 1) * window_s - moment))
