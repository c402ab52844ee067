"""Directory import benchmark: a city's whole 名录库 — 10,000 polluters × 5 points, 3 scheme items each — imported
on PostgreSQL in one transaction, against the target of under a minute. A program, not a test:

    .venv/bin/python benchmarks/directory_import.py                 # database emss_bench_directory on 127.0.0.1
    .venv/bin/python benchmarks/directory_import.py --polluters 2000 --url postgresql://postgres@host/db

It creates the database if missing, migrates it, empties it, writes the workbook (timed apart: a city exports
it, we do not), then times `services.polluters.directory_import.run` + commit on the empty directory (all rows new) and
a second time on the same file (all rows unchanged: the load and compare alone). PASS/FAIL is on the first.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psycopg  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from migrations import upgrade  # noqa: E402
from services.core.config import Config  # noqa: E402
from services.core.runtime import build_runtime  # noqa: E402
from services.core.uow import UnitOfWork  # noqa: E402
from services.polluters import directory_import  # noqa: E402
from tests.support.directory_book import book, credit_code  # noqa: E402

TARGET_S = 60.0
POINTS = (("DW001", "废水总排口", "废水"), ("DW002", "雨水排口", "废水"), ("DA001", "锅炉废气排放口", "废气"),
          ("DA002", "工艺废气排放口", "废气"), ("DA003", "危废暂存间排气筒", "废气"))
FACTORS = {"DW": (("化学需氧量", "1次/月", "HJ 828-2017", "采样"), ("氨氮", "1次/月", "HJ 535-2009", "采样"),
                  ("pH值", "1次/季度", "HJ 1147-2020", "仅分析")),
           "DA": (("二氧化硫", "1次/季度", "HJ 57-2017", "采样"), ("氮氧化物", "1次/季度", "HJ 693-2014", "采样"),
                  ("颗粒物", "2次/年", "HJ 836-2017", "采样"))}
DISTRICTS = ("金山区", "奉贤区", "松江区", "青浦区", "嘉定区", "宝山区", "浦东新区", "闵行区")


def workbook(count: int) -> bytes:
    polluters, points, scheme = [], [], []
    for n in range(1, count + 1):
        code = credit_code(n)
        lat, lon = 30.7 + (n % 500) * 0.001, 121.0 + (n // 500) * 0.02
        polluters.append([code, f"上海第{n}号示范企业有限公司", DISTRICTS[n % len(DISTRICTS)], f"工业路 {n} 号",
                          "化学原料和化学制品制造业", lon, lat, "WGS-84" if n % 2 else "GCJ-02", 300])
        for point_code, name, kind in POINTS:
            points.append([code, point_code, name, kind, lon + 0.0002, lat + 0.0002, "GCJ-02"])
            scheme += [[code, point_code, *factor] for factor in FACTORS[point_code[:2]]]
    return book(polluters, points, scheme)


def prepare(url: str) -> None:
    parsed = make_url(url)
    with psycopg.connect(host=parsed.host, port=parsed.port or 5432, user=parsed.username, password=parsed.password,
                         dbname="postgres", autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (parsed.database,)).fetchone():
            connection.execute(f'CREATE DATABASE "{parsed.database}"')
    upgrade(url)


def timed_import(runtime, data: bytes) -> tuple[float, float, directory_import.Report]:
    """Wall time (the target's measure) and this process's CPU time (what the import itself costs when the
    machine is shared; PostgreSQL's own work is in the wall time only)."""
    started, cpu = time.perf_counter(), time.process_time()
    with UnitOfWork(runtime) as uow:
        report = directory_import.run(uow.session, data)
        uow.commit()
    return time.perf_counter() - started, time.process_time() - cpu, report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--polluters", type=int, default=10_000)
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1/emss_bench_directory")
    args = parser.parse_args()
    prepare(args.url)
    runtime = build_runtime(Config(database_url=args.url))
    with runtime.engine.begin() as connection:
        connection.execute(text("TRUNCATE directory_change, scheme_item, point_factor, monitoring_point, polluter "
                                "RESTART IDENTITY CASCADE"))
    started = time.perf_counter()
    data = workbook(args.polluters)
    print(f"workbook: {args.polluters} polluters × {len(POINTS)} points × 3 scheme items, {len(data) / 1e6:.1f} MB, "
          f"written in {time.perf_counter() - started:.1f} s (not counted)")
    first, cpu, report = timed_import(runtime, data)
    counts = ", ".join(f"{s} {c.new}/{c.changed}/{c.unchanged}" for s, c in report.counts.items())
    print(f"import into an empty directory: {first:.1f} s wall, {cpu:.1f} s CPU (new/changed/unchanged: {counts})")
    again, cpu, report = timed_import(runtime, data)
    print(f"the same file again (nothing changes): {again:.1f} s wall, {cpu:.1f} s CPU, {len(report.changes)} changes")
    print(f"load average (1 min) at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    verdict = "PASS" if first < TARGET_S and report.applied else "FAIL"
    print(f"{verdict}: {first:.1f} s against the target of < {TARGET_S:.0f} s")
    runtime.engine.dispose()
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    raise SystemExit(main())
