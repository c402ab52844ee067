"""Desk lists at city scale, on PostgreSQL: the pages a regulator, an agency and a polluter open, over a city of
1,000,000 sampling trips (benchmarks/city.py). A program, not a test:

    .venv/bin/python benchmarks/desk.py                      # fill emss_bench_desk (~5 min), then measure
    .venv/bin/python benchmarks/desk.py --skip-fill          # measure the city already there
    .venv/bin/python benchmarks/desk.py --explain            # and print EXPLAIN ANALYZE of the slowest page's SQL

Each page is requested through the Flask app in this process (login, query, template: what a browser waits
for, without the network), twice to warm up and then --repeat times; the p95 of each is printed with PASS or
FAIL against 300 ms. Then the Excel export of a trip filter of ~10,000 rows is timed (target < 20 s) and the
process's peak RSS is printed (target < 200 MB): the export streams (services/adapters/exports.py), so the peak does
not grow with the rows.
"""
from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, event, text  # noqa: E402

from benchmarks import city  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1/emss_bench_desk"
PAGE_P95_MS = 300.0
EXPORT_S = 20.0
EXPORT_ROWS = 10_000
PEAK_RSS_MB = 200.0


def cases(url: str, today: date) -> dict[str, list[tuple[str, str]]]:
    """Per role, (what, URL): the first page, a filtered page and a deep page of each list the role has (the
    trip and task lists page by cursor: a deep page is the one after the 10,000th row)."""
    month = (today - timedelta(days=30)).isoformat()
    trips_deep, tasks_deep = _cursors(url, "bench_reg_1", 10_000, 2_000)
    agency_deep, _ = _cursors(url, "bench_admin_1", 2_500, 0)
    return {
        "bench_reg_1": [
            ("desk (ranked work, first page)", "/regulator/"),
            ("ranked work, first page", "/regulator/work"),
            ("ranked work, filtered (code, 30 days)", f"/regulator/work?code=outside_fence&date_from={month}"),
            ("ranked work, deep (page 40)", "/regulator/work?page=40"),
            ("trips, first page", "/regulator/trips"),
            ("trips, filtered (outside fence, 30 days)", f"/regulator/trips?fence=outside&date_from={month}"),
            ("trips, deep (after 10,000 rows)", f"/regulator/trips?after={trips_deep}"),
            ("tasks, first page", "/regulator/tasks"),
            ("tasks, filtered (status)", "/regulator/tasks?status=sampling"),
            ("tasks, deep (after 2,000 rows)", f"/regulator/tasks?after={tasks_deep}"),
        ],
        "bench_admin_1": [
            ("trips, first page", "/records/trips"),
            ("trips, filtered (30 days)", f"/records/trips?date_from={month}"),
            ("trips, deep (after 2,500 rows)", f"/records/trips?after={agency_deep}"),
            ("tasks, first page", "/agency/tasks/"),
        ],
        "bench_admin_10": [  # an O&M agency
            ("O&M visits, open", "/om/tasks"),
            ("O&M visits, all", "/om/tasks?show=all"),
        ],
        "bench_p_1": [
            ("trips (the polluter's desk)", "/polluter/"),
            ("O&M visits", "/polluter/om/"),
        ],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--trips", type=int, default=1_000_000)
    parser.add_argument("--skip-fill", action="store_true")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    if not args.skip_fill:
        city.fresh_schema(args.database_url)
        seconds = city.fill(args.database_url, city.City(trips=args.trips))
        print(f"filled {args.trips:,} trips in {seconds:.0f} s")
    app = app_for(args.database_url)
    failed = 0
    slowest = (0.0, "", "")
    every_statement: dict[str, object] = {}  # SQL text → parameters, over all pages
    for username, pages in cases(args.database_url, date.today()).items():
        client = _signed_in(app, username)
        print(f"\n{username}")
        for what, url in pages:
            timings, statements = _measure(app, client, url, args.repeat)
            high = p95(timings)
            ok = high < PAGE_P95_MS
            failed += not ok
            print(f"  {'PASS' if ok else 'FAIL'} {what:45} p50 {statistics.median(timings):7.1f} ms  "
                  f"p95 {high:7.1f} ms  ({len(statements)} queries)")
            every_statement.update(statements)
            if high > slowest[0]:
                slowest = (high, username, url)
    failed += _export(app, args.database_url)
    print(f"\nslowest page: {slowest[2]} as {slowest[1]}, p95 {slowest[0]:.1f} ms")
    if args.explain:
        _explain(args.database_url, list(every_statement.items()))
    return 1 if failed else 0


def app_for(url: str, **settings):
    from services.core.config import Config
    from web import create_app

    instance = Path("/tmp/emss-bench-desk")
    instance.mkdir(exist_ok=True)
    app = create_app(Config(instance_path=instance, database_url=url, media_root=instance / "media",
                            secret_key="bench-secret", dev=True, **settings))
    app.testing = True
    return app


def _signed_in(app, username: str):
    from services.dev import demo
    from tests.conftest import csrf_token

    client = app.test_client()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"username": username, "password": demo.PASSWORD, "csrf_token": token})
    assert response.status_code == 302, f"{username} could not sign in"
    return client


def _measure(app, client, url: str, repeat: int) -> tuple[list[float], list[tuple[str, object]]]:
    """Wall times of `repeat` requests after two warm-ups, and the SQL of the last one."""
    engine = app.extensions["emss"].engine
    statements: list[tuple[str, object]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append((statement, parameters))

    timings = []
    for n in range(repeat + 2):
        statements.clear()
        event.listen(engine, "before_cursor_execute", record)
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
        event.remove(engine, "before_cursor_execute", record)
        assert response.status_code == 200, f"{url}: {response.status_code}"
        if n >= 2:
            timings.append(elapsed)
    return timings, list(statements)


def _cursors(url: str, username: str, trips: int, tasks: int) -> tuple[str, str]:
    """The list cursors after the `trips`-th trip and the `tasks`-th task the user sees."""
    from sqlalchemy.orm import Session

    from models import User
    from services.desk import supervision

    engine = create_engine(url)
    with Session(engine) as session:
        user = session.scalar(supervision.select(User).where(User.username == username))
        trip = session.scalars(supervision.trip_query(user, supervision.TripFilter()).offset(trips).limit(1)).one()
        task = session.scalars(supervision.task_query(user, supervision.TaskFilter()).offset(tasks).limit(1)).one()
        cursor = f"{trip.visit.day.isoformat()}_{trip.id}", str(task.id)
    engine.dispose()
    return cursor


def p95(timings: list[float]) -> float:
    ordered = sorted(timings)
    return ordered[int(0.95 * (len(ordered) - 1))]


def _export(app, url: str) -> int:
    """The regulator's trip list exported for the most recent days that hold ~EXPORT_ROWS trips."""
    engine = create_engine(url)
    with engine.connect() as connection:
        since = connection.scalar(text(
            "SELECT v.day FROM visit v JOIN monitoring_task t ON t.id = v.task_id JOIN polluter p "
            "ON p.id = t.polluter_id WHERE p.district = :district ORDER BY v.day DESC OFFSET :rows LIMIT 1"),
            {"district": city.DISTRICTS[0], "rows": EXPORT_ROWS})
        rows = connection.scalar(text(
            "SELECT count(*) FROM visit v JOIN monitoring_task t ON t.id = v.task_id JOIN polluter p "
            "ON p.id = t.polluter_id WHERE p.district = :district AND v.day >= :since"),
            {"district": city.DISTRICTS[0], "since": since})
    engine.dispose()
    client = _signed_in(app, "bench_reg_1")
    before = _rss_mb()
    started = time.perf_counter()
    response = client.get(f"/regulator/trips?date_from={since}&export=xlsx")
    seconds = time.perf_counter() - started
    assert response.status_code == 200, response.status_code
    peak = _rss_mb()
    ok = seconds < EXPORT_S and peak < PEAK_RSS_MB
    print(f"\n{'PASS' if ok else 'FAIL'} export of {rows:,} trips (since {since}): {seconds:.1f} s "
          f"(target < {EXPORT_S:.0f} s), {len(response.data) / 1e6:.1f} MB; peak RSS {peak:.0f} MB "
          f"(before the export {before:.0f} MB, target < {PEAK_RSS_MB:.0f} MB)")
    return 0 if ok else 1


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _explain(url: str, statements: list[tuple[str, object]]) -> None:
    """EXPLAIN ANALYZE of the longest-running statement of all the pages."""
    engine = create_engine(url)
    timed = []
    with engine.connect() as connection:
        raw = connection.connection.driver_connection
        for statement, parameters in statements:
            started = time.perf_counter()
            raw.execute(statement, parameters).fetchall()
            timed.append((time.perf_counter() - started, statement, parameters))
        _, statement, parameters = max(timed, key=lambda t: t[0])
        plan = raw.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters).fetchall()
    engine.dispose()
    print("\nEXPLAIN ANALYZE of the slowest statement of all pages:\n" + statement)
    print("\n".join(row[0] for row in plan))


if __name__ == "__main__":
    sys.exit(main())
