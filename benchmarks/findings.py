"""Findings at city scale, on PostgreSQL (issue 11 §4). A program, not a test:

    .venv/bin/python benchmarks/findings.py                   # fill emss_bench_findings, then measure
    .venv/bin/python benchmarks/findings.py --skip-fill       # measure the city already there
    .venv/bin/python benchmarks/findings.py --skip-fill --profile 300   # and cProfile a rescan of 300 subjects

Over the city of benchmarks/city.py (1,000,000 sampling trips with their check-ins, confirmations and photos'
hashes, 100,000 O&M visits, 5 % with findings) whose photos are indexed for near-duplicates (photo_band, filled
in SQL as services/neardup.py cuts the bands; added when missing), it measures, each with PASS or FAIL:

1. the near-duplicate lookup of a new photo (`services.neardup.similar_photos`, half of them planted copies of a
   stored photo with 12 bits flipped, which must be found): p95 < 50 ms (benchmarks/neardup.py measures the
   same lookup alone up to 10,000,000 photos);
2. `emss findings rescan --since DAY` run as the command, for the city's most recent day (~2,740 trips and the
   O&M visits due from that day: one day of a city of a million trips a year): < 60 s;
3. the open API's first page of findings for a district (`GET /api/v1/findings?district=…`, bearer token,
   through the Flask app in this process): p95 < 200 ms.
"""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, select, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from benchmarks import city, neardup  # noqa: E402
from benchmarks.desk import app_for, p95  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1/emss_bench_findings"
RESCAN_S = 60.0
API_P95_MS = 200.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--trips", type=int, default=1_000_000)
    parser.add_argument("--photos-per-trip", type=int, default=3)
    parser.add_argument("--skip-fill", action="store_true")
    parser.add_argument("--lookups", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="also profile an in-process scan of the day's first N subjects")
    args = parser.parse_args()
    url = args.database_url
    if not args.skip_fill:
        city.fresh_schema(url)
        seconds = city.fill(url, city.City(trips=args.trips, photos_per_trip=args.photos_per_trip))
        print(f"filled {args.trips:,} trips in {seconds:.0f} s")
    engine = create_engine(url)
    with engine.connect() as connection:
        indexed = connection.scalar(text("SELECT EXISTS (SELECT 1 FROM photo_band)"))
    if not indexed:  # after the connection's transaction ended: the fill drops and rebuilds the band index
        print(f"indexed the photos' bands in {city.photo_bands(url):.0f} s", flush=True)
    with engine.connect() as connection:
        photos = connection.scalar(text("SELECT count(*) FROM photo WHERE dct_hash IS NOT NULL"))
        day = connection.scalar(text("SELECT day FROM visit ORDER BY id DESC LIMIT 1"))  # the city's last day
    print(f"\n1. near-duplicate lookup over {photos:,} photos")
    failed = neardup.measure(engine, photos, args.lookups)
    engine.dispose()
    if args.profile:
        profile(url, day, args.profile)
    failed += rescan(url, day)
    failed += api_first_page(url, args.repeat)
    return 1 if failed else 0


def rescan(url: str, day: date) -> int:
    """`emss findings rescan --since DAY` as an operator runs it (a process of its own), timed whole."""
    engine = create_engine(url)
    with engine.connect() as connection:
        trips = connection.scalar(text("SELECT count(*) FROM visit WHERE day >= :day"), {"day": day})
        visits = connection.scalar(text("SELECT count(*) FROM om_visit WHERE due_on >= :day "
                                        "AND started_at IS NOT NULL"), {"day": day})
        before = connection.scalar(text("SELECT count(*) FROM finding"))
    env = {**os.environ, "DATABASE_URL": url, "EMSS_DEV": "1", "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", "import sys; from web.cli import main; sys.exit(main())",
                           "findings", "rescan", "--since", day.isoformat()], env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    with engine.connect() as connection:
        after = connection.scalar(text("SELECT count(*) FROM finding"))
    engine.dispose()
    ok = done.returncode == 0 and seconds < RESCAN_S
    print(f"\n2. {'PASS' if ok else 'FAIL'} emss findings rescan --since {day}: {trips:,} trips and {visits:,} O&M "
          f"visits in {seconds:.1f} s (target < {RESCAN_S:.0f} s; {(seconds * 1000) / max(trips + visits, 1):.1f} ms "
          f"per subject); findings {before:,} → {after:,}")
    print("   " + (done.stdout.strip() or done.stderr.strip()[-2000:]))
    return 0 if ok else 1


def profile(url: str, day: date, count: int) -> None:
    """cProfile of scanning the day's first `count` trips in this process as a rescan does (rolled back)."""
    from models import SamplingTrip, Visit
    from services.findings import engine as findings
    from services.findings.facts import Subject

    engine = create_engine(url)
    with Session(engine) as session:
        ids = session.scalars(select(SamplingTrip.id).join(Visit, Visit.id == SamplingTrip.visit_id)
                              .where(Visit.day >= day).order_by(SamplingTrip.id).limit(count)).all()
        profiler = cProfile.Profile()
        known = {}  # the facts read in the pass, as engine.rescan_since shares them
        started = time.perf_counter()
        profiler.enable()
        for ident in ids:
            findings.scan(session, Subject("trip", ident), known)
        profiler.disable()
        seconds = time.perf_counter() - started
        session.rollback()
    engine.dispose()
    print(f"\nprofile: {len(ids)} trips scanned in {seconds:.1f} s ({seconds * 1000 / max(len(ids), 1):.1f} ms each)")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)


def api_first_page(url: str, repeat: int) -> int:
    """The first page of a district's findings, as the city platform asks for it."""
    from services.users import api_tokens

    engine = create_engine(url)
    with Session(engine) as session:
        _, token = api_tokens.create(session, "bench_reg_1")
        session.commit()
    engine.dispose()
    app = app_for(url, api_rate_limit=1_000_000)
    client = app.test_client()
    district = city.DISTRICTS[0]
    headers = {"Authorization": f"Bearer {token}"}
    timings = []
    for n in range(repeat + 2):
        started = time.perf_counter()
        response = client.get(f"/api/v1/findings?district={district}", headers=headers)
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, response.get_data(as_text=True)
        if n >= 2:  # two warm-ups
            timings.append(elapsed)
    items = len(response.get_json()["items"])
    high = p95(timings)
    ok = high < API_P95_MS
    print(f"\n3. {'PASS' if ok else 'FAIL'} GET /api/v1/findings?district={district} (first page, {items} items): "
          f"p50 {statistics.median(timings):.1f} ms, p95 {high:.1f} ms (target < {API_P95_MS:.0f} ms)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
