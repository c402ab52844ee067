"""Where a chat message's CPU goes: whole sampling trips through the real `/wechat` view, in this process, under
cProfile, on PostgreSQL + Redis — the same world, script and signed XML as `benchmarks/bot_load.py`.

A program, not a test:

    .venv/bin/python benchmarks/chat_profile.py --trips 20
    .venv/bin/python benchmarks/chat_profile.py --trips 20 --sort tottime --top 40 --out /tmp/chat.pstats

One trip at a time (no concurrency: this is the CPU of one message, not the queueing of a hundred), after
warm-up trips that fill the SQL compile cache. Every reply is checked as bot_load.py checks it. Prints the CPU per
message (`time.process_time` of this process: the app's share; PostgreSQL and Redis are other processes) with and
without the profiler, then the profile, timed in CPU too (waiting on the database is not counted, so a loaded
machine blurs it less). Jobs are queued in Redis and not run. The database is dropped and
created afresh (its name must contain 'bench'), the Redis db flushed.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import bot_load  # noqa: E402 - after the path is set


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--trips", type=int, default=20, help="trips measured without the profiler (default 20)")
    p.add_argument("--profiled", type=int, default=10, help="trips measured under cProfile (default 10; 0: none)")
    p.add_argument("--warmup", type=int, default=3, help="trips before measuring (default 3)")
    p.add_argument("--database-url", default="postgresql+psycopg://postgres@127.0.0.1/emss_bench_profile",
                   help="dropped and created afresh (its name must contain 'bench')")
    p.add_argument("--redis-url", default="redis://127.0.0.1:6379/15", help="flushed at start")
    p.add_argument("--sort", default="cumulative", help="pstats order (cumulative, tottime, ...)")
    p.add_argument("--top", type=int, default=45, help="rows of the profile to print (default 45)")
    p.add_argument("--filter", default="", help="only rows whose file or function matches this regex")
    p.add_argument("--out", help="also write the raw profile here (for snakeviz, pstats, gprof2dot)")
    p.add_argument("--statements", action="store_true",
                   help="also print the SQL statements of one more trip, message by message")
    return p.parse_args(argv)


def make_app(args, tmp: Path):
    import redis as redis_lib

    from services.core.config import Config
    from web import create_app

    env = {**os.environ, "DATABASE_URL": args.database_url, "REDIS_URL": args.redis_url,
           "WECHAT_TOKEN": bot_load.TOKEN, "WECHAT_APP_SECRET": bot_load.APP_SECRET,
           "SECRET_KEY": bot_load.SECRET_KEY, "EMSS_INSTANCE": str(tmp), "MEDIA_ROOT": str(tmp / "media")}
    env.pop("EMSS_JOBS_INLINE", None)
    env.pop("EMSS_DEV", None)
    bot_load.fresh_database(args.database_url)
    redis_lib.Redis.from_url(args.redis_url).flushdb()
    return create_app(Config.from_env(env))


def walk(client, openid: str, script, before_each=None) -> int:
    """One whole trip; every reply checked. Returns the messages sent."""
    clock = int(time.time())
    for step in script:
        if before_each:
            before_each(step)
        clock += 1
        fields = step.fields
        if step.msg_type == "image":
            fields = {"PicUrl": f"http://mmbiz.example/m_{openid}", "MediaId": f"m_{openid}"}
        xml = bot_load.message_xml(openid, step.msg_type, fields, None if step.event else next(bot_load._msgids),
                                   clock)
        response = client.post(bot_load.signed_query(openid), data=xml, content_type="text/xml")
        body = response.get_data()
        if response.status_code != 200 or step.expect.encode() not in body:
            raise SystemExit(f"{openid} {step.name}: HTTP {response.status_code}, expected {step.expect!r}, "
                             f"got {body.decode(errors='replace')[:300]!r}")
    return len(script)


def timed(client, openids: list[str], script, profiler: cProfile.Profile | None = None) -> tuple[int, float, float]:
    """(messages, process CPU seconds, wall seconds) for whole trips of `openids`."""
    cpu, wall, messages = time.process_time(), time.perf_counter(), 0
    if profiler:
        profiler.enable()
    for openid in openids:
        messages += walk(client, openid, script)
    if profiler:
        profiler.disable()
    return messages, time.process_time() - cpu, time.perf_counter() - wall


def profile(args, client, openids: list[str], script) -> None:
    profiler = cProfile.Profile(time.process_time)  # CPU, not the wait for PostgreSQL and Redis
    messages, cpu, wall = timed(client, openids, script, profiler)
    print(f"with the profiler:    {len(openids)} trips, {messages} messages: "
          f"{cpu / messages * 1000:.2f} ms CPU per message ({wall / messages * 1000:.2f} ms wall)\n")
    if args.out:
        profiler.dump_stats(args.out)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(args.sort)
    stats.print_stats(*([args.filter] if args.filter else []), args.top)
    print(out.getvalue())


def print_statements(app, client, script) -> None:
    """The SQL of one trip, under the name of each message; the count per message at the end."""
    from sqlalchemy import event

    counts: dict[str, int] = {}
    current = [""]

    def step(s):
        current[0] = s.name
        counts[s.name] = 0
        print(f"-- {s.name}")

    def executed(_conn, _cursor, statement, _params, _context, _many):
        counts[current[0]] += 1
        print("   " + " ".join(statement.split())[:160])

    engine = app.extensions["emss"].engine
    event.listen(engine, "before_cursor_execute", executed)
    try:
        walk(client, "o_statements", script, before_each=step)
    finally:
        event.remove(engine, "before_cursor_execute", executed)
    print(f"\n{sum(counts.values())} statements in {len(script)} messages "
          f"({sum(counts.values()) / len(script):.1f} per message)\n")


def main(argv=None) -> int:
    args = parse_args(argv)
    warm = [f"o_warm_{n:04d}" for n in range(1, args.warmup + 1)]
    plain = [f"o_plain_{n:04d}" for n in range(1, args.trips + 1)]
    profiled = [f"o_prof_{n:04d}" for n in range(1, args.profiled + 1)]
    with tempfile.TemporaryDirectory(prefix="emss-profile-") as tmp:
        app = make_app(args, Path(tmp))
        world = bot_load.prepare(args.database_url, warm + plain + profiled + ["o_statements"])
        script = bot_load.trip_script(world["points"], bot_load.condition_answers(world["tags"]),
                                      world["lat"], world["lng"])
        client = app.test_client()
        timed(client, warm, script)
        messages, cpu, wall = timed(client, plain, script)
        print(f"without the profiler: {len(plain)} trips, {messages} messages: "
              f"{cpu / messages * 1000:.2f} ms CPU per message in this process ({wall / messages * 1000:.2f} ms wall)")
        if args.statements:
            print_statements(app, client, script)
        if profiled:
            profile(args, client, profiled, script)
        app.extensions["emss"].engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
