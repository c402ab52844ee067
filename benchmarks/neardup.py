"""Near-duplicate lookup at city scale, on PostgreSQL: how long `services.adapters.neardup.similar_photos` takes for a
new photo against millions of indexed photos. A program, not a test:

    .venv/bin/python benchmarks/neardup.py                    # fill for ~3 minutes, then 300 lookups
    .venv/bin/python benchmarks/neardup.py --photos 10000000 --fill-seconds 1200
    .venv/bin/python benchmarks/neardup.py --distances        # the measurements behind states/neardup.py

What it does:
1. recreates the schema of database emss_bench_neardup (created if missing) with the migrations, and the demo
   data for one sender;
2. fills photos with random 256-bit DCT hashes and their bands in batches of --batch photos, with
   INSERT ... SELECT over generate_series computing the bands in SQL, until --photos or --fill-seconds is
   reached. As a bulk load would: the photo table's secondary indexes (the lookup does not read them) and the
   foreign keys and primary key of photo_band are dropped, photo_band is UNLOGGED, and the band index is
   built after the fill;
3. runs --lookups lookups of `similar_photos`: half are copies of a stored photo (its hash with 12 random bits
   flipped, which must be found), half new photos; reports p50 / p95 / max wall time against the 50 ms target,
   the candidates read, and PASS / FAIL. Candidates per lookup grow with the table (264 index keys, each holding
   photos / 2^23.3 of them), so the figures at the filled size are extrapolated to 10,000,000 photos.

Measured here (2 cores shared with other work, PostgreSQL 15): the default 3-minute fill reached 4,750,000
photos (52 M bands; lookup p50 14.2 ms, p95 32.7 ms, 130 candidates); `--fill-seconds 600` reached the full
10,000,000 photos (110 M bands, 725 s with the index build; photo_band ~8 GB with its index) and measured
p50 20.7 ms, p95 41.8 ms, max 239 ms, 274 candidates per lookup, 150/150 planted copies found: PASS.
The alternative of 12 bands (threshold 23, see states/neardup.py) filled 8,500,000 photos in 600 s and measured
p50 29.2 ms, p95 65.0 ms, 899 candidates per lookup: FAIL, which is why 11 bands were kept.

Random hashes are the best case for the buckets: real DCT hashes take each bit from a median, so bits are
balanced, but correlated scenes (a plant photographed every month) crowd some keys.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1/emss_bench_neardup"
TARGET_P95_MS = 50.0
CITY_PHOTOS = 10_000_000
FLIPPED_BITS = 12


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--photos", type=int, default=CITY_PHOTOS)
    parser.add_argument("--fill-seconds", type=float, default=180.0)
    parser.add_argument("--batch", type=int, default=250_000)
    parser.add_argument("--lookups", type=int, default=300)
    parser.add_argument("--distances", action="store_true", help="print the distance table and stop")
    args = parser.parse_args()
    if args.distances:
        return print_distances()
    engine = create_engine(args.database_url)
    _fresh_schema(args.database_url)
    filled, seconds = _fill(engine, args.photos, args.fill_seconds, args.batch)
    print(f"filled {filled:,} photos ({filled * _bands():,} bands) in {seconds:.0f} s "
          f"({filled / seconds:,.0f} photos/s)")
    return measure(engine, filled, args.lookups)


def _bands() -> int:
    from states.neardup import BANDS

    return BANDS


def _fresh_schema(url: str) -> None:
    from benchmarks import city

    city.fresh_schema(url)
    engine = create_engine(url)
    with engine.begin() as connection:  # what the lookup does not read, dropped so the fill goes faster
        for index in ("ix_photo_trip_id", "ix_photo_task_id", "ix_photo_om_visit_id", "ix_photo_om_sheet_id",
                      "ix_photo_sha256", "ix_photo_phash", "ix_photo_band_lookup"):
            connection.execute(text(f"DROP INDEX IF EXISTS {index}"))
        # no per-row constraint checks, no WAL: a bulk load's conditions
        for table, kinds in (("photo_band", ["f", "p"]), ("photo", ["f"])):
            for (constraint,) in connection.execute(text(
                    f"SELECT conname FROM pg_constraint WHERE conrelid = '{table}'::regclass "
                    "AND contype::text = ANY(:kinds)"), {"kinds": kinds}):
                connection.execute(text(f"ALTER TABLE {table} DROP CONSTRAINT {constraint} CASCADE"))
        connection.execute(text("ALTER TABLE photo_band SET UNLOGGED"))
    engine.dispose()


def _fill(engine, photos: int, budget_s: float, batch: int) -> tuple[int, float]:
    from benchmarks.city import band_statement

    bands, params = band_statement()
    start = time.perf_counter()
    filled = 0
    with engine.begin() as connection:
        sender = connection.scalar(text("SELECT min(id) FROM user_account"))
    while filled < photos and time.perf_counter() - start < budget_s:
        size = min(batch, photos - filled)
        with engine.begin() as connection:
            before = connection.scalar(text("SELECT coalesce(max(id), 0) FROM photo"))
            connection.execute(text(
                "INSERT INTO photo (purpose, sent_by_id, received_at, media_id, live, status, dct_hash) "
                "SELECT 'sampling', :sender, now(), 'bench', false, 'ready', "
                "md5(random()::text) || md5(random()::text) FROM generate_series(1, :size)"),
                {"sender": sender, "size": size})
            connection.execute(text(bands), {**params, "after": before, "upto": before + size})
        filled += size
        print(f"  {filled:,} photos after {time.perf_counter() - start:.0f} s", flush=True)
    with engine.begin() as connection:
        connection.execute(text("CREATE INDEX ix_photo_band_lookup ON photo_band (band, value, photo_id)"))
        connection.execute(text("ANALYZE photo; ANALYZE photo_band"))
    return filled, time.perf_counter() - start


def measure(engine, filled: int, lookups: int) -> int:
    from models import Photo, PhotoPurpose
    from services.adapters import neardup

    rng = random.Random(11)
    with engine.connect() as connection:
        top = connection.scalar(text("SELECT max(id) FROM photo"))
    timings, candidates, found_copies = [], [], 0
    with Session(engine) as session:
        for _ in range(5):  # warm-up: the first calls compile the statements and open the connection
            neardup.similar_photos(session, Photo(purpose=PhotoPurpose.OUTPUT, dct_hash=f"{rng.getrandbits(256):064x}"))
        for index in range(lookups):
            copy_of = session.get(Photo, rng.randint(top - filled + 1, top)) if index % 2 == 0 else None
            value = int(copy_of.dct_hash, 16) if copy_of else rng.getrandbits(256)
            if copy_of:
                value ^= sum(1 << bit for bit in rng.sample(range(256), FLIPPED_BITS))
            probe = Photo(purpose=PhotoPurpose.OUTPUT,  # not a resend of the stored sampling photo
                           dct_hash=f"{value:064x}")
            session.expire_all()  # nothing answered from the session's memory
            started = time.perf_counter()
            found = neardup.similar_photos(session, probe)
            timings.append((time.perf_counter() - started) * 1000)
            candidates.append(_candidates(session, probe.dct_hash))
            found_copies += bool(copy_of) and copy_of.id in {other.photo_id for other in found}
    return _report(filled, timings, candidates, found_copies, (lookups + 1) // 2)


def _candidates(session, dct_hash: str) -> int:
    from services.adapters.neardup import _within

    return len(_within(session, dct_hash, 256))


def _report(filled: int, timings: list[float], candidates: list[int], found: int, copies: int) -> int:
    ordered = sorted(timings)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    per_key = filled / 2 ** (256 / _bands())
    print(f"lookups: {len(timings)}, p50 {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms, "
          f"max {ordered[-1]:.1f} ms; candidates read per lookup: mean {statistics.mean(candidates):.0f} "
          f"(~{per_key:.2f} photos per index key); planted copies found: {found}/{copies}")
    if filled < CITY_PHOTOS:  # the 264 key probes cost about the same on a B-tree at most one level deeper
        scale = CITY_PHOTOS / filled
        print(f"at {CITY_PHOTOS:,} photos: ~{statistics.mean(candidates) * scale:.0f} candidates per lookup "
              f"(x{scale:.1f}), each one more photo read by primary key")
    ok = p95 < TARGET_P95_MS and found == copies
    print(f"{'PASS' if ok else 'FAIL'}: near-duplicate lookup p95 {p95:.1f} ms (target < {TARGET_P95_MS:.0f} ms) "
          f"over {filled:,} photos, {found}/{copies} planted copies found")
    return 0 if ok else 1


def print_distances() -> int:
    """The distance table of states/neardup.py: copies (max) and look-alikes (min), 64-bit dHash and DCT hash."""
    import itertools
    from datetime import datetime

    from services.adapters.field_pictures import COPIES, SCENES, WIDER_CROPS, encode
    from services.adapters.photos import Watermark, process_photo

    mark = Watermark(datetime(2026, 11, 20, 9), "site", "task", "sampler")

    def hashes(data: bytes) -> tuple[int, int]:
        processed = process_photo(data, mark)
        return int(processed.phash, 16), int(processed.dct_hash, 16)

    def dist(a, b) -> tuple[int, int]:
        return (a[0] ^ b[0]).bit_count(), (a[1] ^ b[1]).bit_count()

    copies: dict[str, list[tuple[int, int]]] = {}
    lookalikes: dict[str, list[tuple[int, int]]] = {}
    for kind, make in SCENES.items():
        scenes = [make(seed) for seed in range(8)]
        originals = [hashes(encode(scene)) for scene in scenes]
        for scene, original in zip(scenes, originals):
            for name, transform in {**COPIES, **WIDER_CROPS}.items():
                copies.setdefault(name, []).append(dist(original, hashes(transform(scene))))
        lookalikes[kind] = [dist(a, b) for a, b in itertools.combinations(originals, 2)]
    print(f"{'copy (max distance)':40} dHash-64  DCT-256")
    for name, values in copies.items():
        print(f"{name:40} {max(v[0] for v in values):8}  {max(v[1] for v in values):7}")
    print(f"{'look-alike (min distance)':40}")
    for kind, values in lookalikes.items():
        print(f"{kind:40} {min(v[0] for v in values):8}  {min(v[1] for v in values):7}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
