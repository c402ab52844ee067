"""Load benchmark of the WeChat endpoint: N samplers walk whole sampling trips at once, then the same number
of messages goes to a bare WeRoBot echo app under the same gunicorn settings, for comparison.

A program, not a test:

    cd /work/main && /tmp/tv/bin/python benchmarks/bot_load.py --samplers 100
    cd /work/main && /tmp/tv/bin/python benchmarks/bot_load.py --samplers 10      # a quick run

What it does:
1. a fresh PostgreSQL database (DROP/CREATE through the `postgres` database), Redis db flushed;
2. the schema (`emss db upgrade`), the demo world (`emss demo`), then N sampler accounts bound to OpenIDs
   (o_bench_0001, ...), each with its own visit today on the demo task RW-DEMO-0001;
3. EMSS under gunicorn with the deployment's gunicorn.conf.py (--workers, --worker-class and --threads
   override it; the echo and floor apps get the same settings), EMSS_DEV=1 (the fake WeChat API at
   /fake-wechat/ is mounted and WECHAT_API_BASE points at it), one RQ worker (`python -m web.cli worker`)
   beside it, one small JPEG of its own uploaded per sampler;
4. a warm-up (--warmup extra samplers walk whole trips first, so every gunicorn worker has imported,
   connected and filled its SQL compile cache), then N threads, one per sampler, each walking a whole trip
   with signed XML, closed loop (the next message leaves when the reply is in, no think time unless
   --think-ms); every reply must be HTTP 200, non-empty and say what that step should say, and each trip
   must end with 已提交;
5. the same number of text messages, same concurrency, to `benchmarks/echo_app.py`;
6. figures, the ratio and PASS/FAIL against the targets: throughput >= 0.4 x echo, p99 < 200 ms, no reply
   >= 4.5 s (WeChat gives up on a reply after 5 s); with --floor also issue 14's: throughput >= 0.5 x the
   floor's and p99 <= 3 x the floor's p99, in the same run.

Each phase also prints where the CPU went (from /proc: our gunicorn, the RQ worker and its work horses, our
database's PostgreSQL backends, Redis, this load generator, and everything else on the machine). Other
processes taking the cores depress the figures; the run says so when they took over 10 %.

In a closed loop latency and throughput are tied (Little's law): N users in flight wait N / throughput on
average, so at 100 samplers a p99 under 200 ms needs well over 500 msg/s.

Photo jobs: ONE RQ worker runs during the measured phase (as in production, where the worker shares the
machine), so it competes with the app for the 2 cores and its media downloads hit the app's fake WeChat API.
`--no-rq-worker` leaves the queue to drain instead. Either way the reply latency does not wait for the jobs.
After the phase the worker (and the app, whose fake API serves its downloads) keeps running until no photo is
pending: the run reports that drain time against 2 x the phase's duration, and one worker's photos/s.

Bounded: every request has a timeout, the whole run a time cap (--time-cap, default 600 s), only 127.0.0.1
is contacted, subprocesses are stopped in `finally` (their whole process group, by id), the temp dir removed.
"""
from __future__ import annotations

import argparse
import hashlib
import http.client
import io
import itertools
import math
import os
import runpy
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import time as dtime
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

HOST = "127.0.0.1"
# production-strength values, not services/core/config.py's development defaults (which production refuses); every app
# gets the token through WECHAT_TOKEN, EMSS also the app secret (the fake WeChat API checks it) and SECRET_KEY
TOKEN = "emss-bench-token-" + secrets.token_hex(8)
APP_ID, APP_SECRET = "wx0000000000emss", "emss-bench-secret-" + secrets.token_hex(8)
SECRET_KEY = secrets.token_hex(32)
GUNICORN_CONF = ROOT / "gunicorn.conf.py"  # the deployment's settings, as the Procfile runs them
OFFICIAL_ACCOUNT = "gh_emss_demo"
TASK_CODE = "RW-DEMO-0001"
SLOW = 4.5  # seconds: WeChat abandons a reply after 5 s
TARGET_RATIO, TARGET_P99 = 0.4, 0.200
# issue 14, against the floor measured in the same run (--floor): the honest reference for a durable chat
FLOOR_RATIO, FLOOR_P99_TIMES = 0.5, 3.0

_msgids = itertools.count(int(time.time() * 1000))
_nonces = itertools.count(1)


# --- options ---------------------------------------------------------------------------------------------

def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--samplers", type=int, default=100, help="concurrent simulated samplers (default 100)")
    p.add_argument("--database-url", default="postgresql+psycopg://postgres@127.0.0.1/emss_bench",
                   help="dropped and created afresh on every run (its name must contain 'bench')")
    p.add_argument("--redis-url", default="redis://127.0.0.1:6379/14", help="flushed at start")
    # every app runs under gunicorn.conf.py (the Procfile's settings); these options override it, and the echo
    # and floor apps get the same ones, so the comparison is like for like
    p.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    p.add_argument("--worker-class", default=None,
                   help="gunicorn worker class instead of gunicorn.conf.py's (gevent), e.g. sync to compare")
    # Before gevent (sync), measured with 100 samplers: -w 4 sync 101 msg/s; -w 4 --threads 4 78;
    # -w 2 --threads 4 66; -w 8 85 (on 2 cores a message is mostly CPU, and threads take turns on the GIL).
    p.add_argument("--threads", type=int, default=1,
                   help="threads per gunicorn worker (default 1; more turns a sync worker into gthread)")
    p.add_argument("--port", type=int, default=8090, help="EMSS port (default 8090)")
    p.add_argument("--echo-port", type=int, default=8091, help="echo app port (default 8091)")
    p.add_argument("--time-cap", type=float, default=600.0, help="seconds for the whole run (default 600)")
    p.add_argument("--request-timeout", type=float, default=10.0, help="seconds per request (default 10)")
    p.add_argument("--think-ms", type=float, default=0.0,
                   help="pause of each simulated user between a reply and its next message (default 0: "
                        "closed loop at full speed)")
    p.add_argument("--no-rq-worker", dest="rq_worker", action="store_false",
                   help="do not run the RQ worker during the run (photo jobs stay queued)")
    p.add_argument("--warmup", type=int, default=None,
                   help="extra samplers whose trips run before the measured phase, so every gunicorn worker "
                        "has imported, connected and compiled its queries (default 2 x workers x threads)")
    p.add_argument("--skip-echo", action="store_true", help="measure EMSS only")
    p.add_argument("--floor", action="store_true",
                   help="also measure benchmarks/floor_app.py: echo + one Redis claim + one committed INSERT "
                        "per message, the least any durable implementation does")
    p.add_argument("--floor-port", type=int, default=8092, help="floor app port (default 8092)")
    p.add_argument("--floor-reads", type=int, default=0,
                   help="indexed single-row SELECTs the floor app adds per message (default 0)")
    p.add_argument("--steps", action="store_true", help="also print EMSS latency per trip step")
    p.add_argument("--py-spy", metavar="FILE",
                   help="record the EMSS gunicorn workers' on-CPU stacks with py-spy (must be installed) "
                        "into FILE (.svg flame graph, or .txt for collapsed stacks)")
    args = p.parse_args(argv)
    if args.samplers < 1 or args.workers < 1 or args.threads < 1:
        p.error("--samplers, --workers and --threads must be at least 1")
    if args.warmup is None:
        args.warmup = 2 * args.workers * args.threads
    return args


# --- the WeChat side: signed XML --------------------------------------------------------------------------

def sign(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def signed_query(openid: str | None = None, **extra) -> str:
    timestamp, nonce = str(int(time.time())), f"n{next(_nonces)}"
    query = {"timestamp": timestamp, "nonce": nonce, "signature": sign(TOKEN, timestamp, nonce), **extra}
    if openid:
        query["openid"] = openid
    return "/wechat?" + urlencode(query)


def message_xml(openid: str, msg_type: str, fields: dict, msgid: int | None, create_time: int) -> bytes:
    parts = [f"<ToUserName><![CDATA[{OFFICIAL_ACCOUNT}]]></ToUserName>",
             f"<FromUserName><![CDATA[{openid}]]></FromUserName>",
             f"<CreateTime>{create_time}</CreateTime>", f"<MsgType><![CDATA[{msg_type}]]></MsgType>"]
    for name, value in fields.items():
        raw = isinstance(value, (int, float)) or value.startswith("<")
        parts.append(f"<{name}>{value}</{name}>" if raw else f"<{name}><![CDATA[{value}]]></{name}>")
    if msgid is not None:
        parts.append(f"<MsgId>{msgid}</MsgId>")
    return ("<xml>" + "".join(parts) + "</xml>").encode()


@dataclass(frozen=True)
class Step:
    """One delivery of a trip: what is sent and a piece of the reply that shows the bot is where we think."""
    name: str
    msg_type: str
    fields: dict
    expect: str
    event: bool = False  # events carry no MsgId (WeChat tells them apart by sender and CreateTime)


def text(content: str, expect: str, name: str | None = None) -> Step:
    return Step(name or f"text {content}", "text", {"Content": content}, expect)


def location(lat: float, lng: float, expect: str, what: str) -> list[Step]:
    """The 发送位置 button: WeChat announces the picker (an event, no reply), then sends the location."""
    return [Step(f"{what} location_select", "event", {"Event": "location_select", "EventKey": "LOCATION"},
                 "success", event=True),
            Step(f"{what} location", "location", {"Location_X": lat, "Location_Y": lng, "Scale": 16,
                                                  "Label": "现场"}, expect)]


def photo(what: str, expect: str) -> list[Step]:
    """The 拍照 button: the pic_sysphoto event (no reply), then the image (MediaId filled in per sampler)."""
    info = "<Count>1</Count><PicList><item><PicMd5Sum><![CDATA[x]]></PicMd5Sum></item></PicList>"
    return [Step(f"{what} pic_sysphoto", "event", {"Event": "pic_sysphoto", "EventKey": "PHOTO",
                                                  "SendPicsInfo": info}, "success", event=True),
            Step(f"{what} image", "image", {}, expect)]


def condition_answers(tags: frozenset[str]) -> list[tuple[str, str]]:
    """(field name, a valid answer) for every field the 采样工况 form asks on this visit."""
    from states.conditions import WORKING_CONDITIONS
    from states.forms import Kind

    answers = []
    for f in WORKING_CONDITIONS.applicable(tags):
        if f.kind == Kind.NUMBER:
            low, high = f.min if f.min is not None else 0, f.max if f.max is not None else 100
            answers.append((f.name, str(int((low + high) / 2))))
        elif f.kind == Kind.CHOICE:
            answers.append((f.name, "1"))
        else:
            answers.append((f.name, "无"))
    return answers


def trip_script(points: list[tuple[float, float]], answers: list[tuple[str, str]], lat: float, lng: float
                ) -> list[Step]:
    """The whole trip; `points` are where each planned point is sampled (its registered position)."""
    s = [text("采样任务", "您今天的采样任务", "tasks"), text("1", "已开始采样行程", "choose")]
    s += location(lat, lng, "进场签到已记录", "arrival")
    s += photo("arrival", "已收到第 1 张进场照片")
    s.append(text("1", "【采样仪器】", "arrival proceed"))
    s.append(text("确认", "点位 1/", "instruments confirm"))  # one instrument: recorded at each point unasked
    for i, (point_lat, point_lng) in enumerate(points, 1):
        s += location(point_lat, point_lng, "采样位置已记录", "point")
        s += photo("sampling", "已收到第 1 张采样照片")
        s.append(text("1", "仪器直接输出", "sampling proceed"))
        s += photo("output", "已收到第 1 张仪器输出照片")
        s.append(text("1", "请回复本点位的采样时间", "output proceed"))
        s.append(text("1", f"点位 {i + 1}/" if i < len(points) else "【采样工况 1/", "sample time"))
    for n, (name, value) in enumerate(answers, 1):
        expect = f"【采样工况 {n + 1}/" if n < len(answers) else "【采样工况】请核对"
        s.append(text(value, expect, f"condition {name}"))
    s.append(text("1", "【离场签到】", "conditions confirm"))
    s += location(lat, lng, "离场签到已记录", "departure")
    s += photo("departure", "已收到第 1 张离场照片")
    s.append(text("1", "【运输保存】", "departure proceed"))  # the demo plan's samples go to the laboratory
    s.append(text("确认", "样品离开现场", "transport confirm"))
    s.append(text("现在", "【提交前核对】", "left site"))
    s.append(text("1", "已提交", "submit"))
    return s


# --- a light HTTP client: one keep-alive connection per simulated user -----------------------------------

class Client:
    """http.client rather than requests: the load generator shares the 2 cores with the servers, and
    http.client costs a fraction of requests' CPU per call."""

    def __init__(self, port: int, timeout: float):
        self.port, self.timeout = port, timeout
        self.conn: http.client.HTTPConnection | None = None
        self.reconnects = 0

    def post(self, path: str, body: bytes) -> tuple[int, bytes]:
        for attempt in (1, 2):
            reused = self.conn is not None
            if self.conn is None:
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
            try:
                self.conn.request("POST", path, body=body, headers={"Content-Type": "text/xml"})
                response = self.conn.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                if reused and attempt == 1:  # an idle keep-alive connection the server had closed
                    self.reconnects += 1
                    continue
                raise
            except Exception:
                self.close()
                raise
            if response.will_close:  # gunicorn.conf.py (keepalive 0) and sync workers close after every response
                self.close()
            return response.status, data
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


# --- results ---------------------------------------------------------------------------------------------

@dataclass
class Results:
    latencies: list[float] = field(default_factory=list)
    by_step: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    completed: int = 0  # whole trips (or echo runs) finished
    duration: float = 0.0
    timed_out: bool = False
    reconnects: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def error(self, message: str) -> None:
        with self.lock:
            self.errors += 1
            if len(self.error_samples) < 8:
                self.error_samples.append(message)

    @property
    def messages(self) -> int:
        return len(self.latencies)

    @property
    def rate(self) -> float:
        return self.messages / self.duration if self.duration else 0.0

    def pct(self, q: float) -> float:
        return percentile(sorted(self.latencies), q)


def percentile(ordered: list[float], q: float) -> float:
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))]  # nearest rank


def report(title: str, r: Results, expected_messages: int, units: int, unit_name: str) -> None:
    slow = sum(1 for x in r.latencies if x >= SLOW)
    print(f"\n== {title} ==")
    print(f"{unit_name}: {r.completed}/{units}" + ("   (stopped by the time cap)" if r.timed_out else ""))
    print(f"messages: {r.messages} (planned {expected_messages})")
    print(f"duration: {r.duration:.2f} s")
    print(f"messages/s: {r.rate:.1f}")
    if r.latencies:
        print(f"reply latency: p50 {r.pct(50) * 1000:.1f} ms | p99 {r.pct(99) * 1000:.1f} ms | "
              f"max {max(r.latencies) * 1000:.1f} ms")
    print(f"errors: {r.errors}")
    print(f"replies >= {SLOW} s: {slow}")
    if r.reconnects:
        print(f"(stale keep-alive reconnects: {r.reconnects})")
    for sample in r.error_samples:
        print(f"  error: {sample}")


def report_steps(r: Results) -> None:
    print("\nEMSS latency per step (ms): step, count, mean, p50, p99, max — slowest mean first")
    rows = []
    for name, values in r.by_step.items():
        ordered = sorted(values)
        rows.append((sum(ordered) / len(ordered), name, len(ordered), percentile(ordered, 50),
                     percentile(ordered, 99), ordered[-1]))
    for mean, name, count, p50, p99, top in sorted(rows, reverse=True):
        figures = " ".join(f"{x * 1000:8.1f}" for x in (mean, p50, p99, top))
        print(f"  {name:<34} {count:>6} {figures}")


# --- driving the load ------------------------------------------------------------------------------------

def run_threads(count: int, target, deadline: float, results: Results) -> None:
    start = threading.Barrier(count + 1)
    stop = threading.Event()
    threads = [threading.Thread(target=target, args=(i, start, stop), daemon=True, name=f"user-{i}")
               for i in range(count)]
    for t in threads:
        t.start()
    start.wait(timeout=60)
    began = time.perf_counter()
    for t in threads:
        t.join(timeout=max(0.0, deadline - time.monotonic()))
        if t.is_alive():
            results.timed_out = True
            stop.set()  # every user stops before its next message (the one in flight has its timeout)
    for t in threads:
        t.join()
    results.duration = time.perf_counter() - began


def deliver(client: Client, openid: str, step: Step, xml: bytes, results: Results) -> bytes | None:
    began = time.perf_counter()
    try:
        status, body = client.post(signed_query(openid), xml)
    except Exception as exc:  # noqa: BLE001 - a timeout or a refused connection is an error of the run
        elapsed = time.perf_counter() - began
        with results.lock:
            results.latencies.append(elapsed)
            results.by_step[step.name].append(elapsed)
        results.error(f"{openid} {step.name}: {type(exc).__name__}: {exc}")
        return None
    elapsed = time.perf_counter() - began
    with results.lock:
        results.latencies.append(elapsed)
        results.by_step[step.name].append(elapsed)
    if status != 200 or not body:
        results.error(f"{openid} {step.name}: HTTP {status} {body[:200]!r}")
        return None
    return body


def drive_trips(port: int, samplers: list[dict], script: list[Step], args, deadline: float) -> Results:
    results = Results()

    def user(i: int, start: threading.Barrier, stop: threading.Event) -> None:
        sampler = samplers[i]
        openid, media_id = sampler["openid"], sampler["media_id"]
        client = Client(port, args.request_timeout)
        clock = int(time.time())
        start.wait(timeout=60)
        try:
            for step in script:
                if stop.is_set():
                    return
                clock += 1  # events are told apart by CreateTime: one per second, as a real user would
                fields = step.fields
                if step.msg_type == "image":
                    fields = {"PicUrl": f"http://mmbiz.example/{media_id}", "MediaId": media_id}
                xml = message_xml(openid, step.msg_type, fields, None if step.event else next(_msgids), clock)
                body = deliver(client, openid, step, xml, results)
                if body is None:
                    return  # the trip is off the rails: stop this user (counted as an error already)
                if step.expect.encode() not in body:
                    results.error(f"{openid} {step.name}: expected {step.expect!r}, got "
                                  f"{body.decode(errors='replace')[:300]!r}")
                    return
                if args.think_ms:
                    time.sleep(args.think_ms / 1000)
            with results.lock:
                results.completed += 1
        finally:
            with results.lock:
                results.reconnects += client.reconnects
            client.close()

    run_threads(len(samplers), user, deadline, results)
    return results


def drive_echo(port: int, users: int, per_user: int, args, deadline: float,
               prefix: str = "o_echo") -> Results:
    results = Results()

    def user(i: int, start: threading.Barrier, stop: threading.Event) -> None:
        openid = f"{prefix}_{i + 1:04d}"
        client = Client(port, args.request_timeout)
        clock = int(time.time())
        start.wait(timeout=60)
        try:
            for n in range(per_user):
                if stop.is_set():
                    return
                clock += 1
                content = f"echo {i}-{n}"
                step = Step("echo", "text", {"Content": content}, content)
                body = deliver(client, openid, step,
                               message_xml(openid, "text", step.fields, next(_msgids), clock), results)
                if body is None:
                    return
                if content.encode() not in body:
                    results.error(f"{openid} echo: got {body[:200]!r}")
                    return
                if args.think_ms:
                    time.sleep(args.think_ms / 1000)
            with results.lock:
                results.completed += 1
        finally:
            with results.lock:
                results.reconnects += client.reconnects
            client.close()

    run_threads(users, user, deadline, results)
    return results


# --- preparing the data ----------------------------------------------------------------------------------

def fresh_database(url: str) -> None:
    import psycopg
    from psycopg import sql
    from sqlalchemy.engine import make_url

    u = make_url(url)
    if u.host not in (None, "127.0.0.1", "localhost"):
        raise SystemExit(f"refusing a non-local database host: {u.host}")
    if "bench" not in (u.database or ""):  # it is dropped: never a real database by a slip of the option
        raise SystemExit(f"refusing to drop {u.database!r}: the benchmark database's name must contain "
                         "'bench'")
    with psycopg.connect(host=u.host or HOST, port=u.port or 5432, user=u.username, password=u.password,
                         dbname="postgres", autocommit=True, connect_timeout=10) as conn:
        name = sql.Identifier(u.database)
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(name))


def prepare(url: str, openids: list[str]) -> dict:
    """Schema, demo world, a sampler per OpenID with a binding and a visit each; returns what trips need."""
    from sqlalchemy import select
    from sqlalchemy.orm import sessionmaker

    from migrations import upgrade
    from models import Equipment, MonitoringTask, Role, User, Visit, WechatBinding, clock
    from services.core.runtime import make_engine
    from services.dev import demo
    from services.filing import filings
    from services.users.accounts import hash_password

    upgrade(url)
    engine = make_engine(url)
    try:
        with sessionmaker(engine)() as db:
            demo.load(db)
            db.commit()
            task = db.scalar(select(MonitoringTask).where(MonitoringTask.code == TASK_CODE))
            password_hash = hash_password("bench1234")  # once: hashing is deliberately slow
            today = clock.today()
            samplers, instruments = [], []
            for n, openid in enumerate(openids, 1):
                user = User(username=f"bench_{openid}", display_name=f"压测采样员{n:04d}",
                            role=Role.SAMPLER, agency_id=task.agency_id, password_hash=password_hash)
                # an instrument of its own: one instrument cannot be on two trips on site at once
                instrument = Equipment(agency_id=task.agency_id, name="压测采样仪", model="BENCH",
                                       asset_no=f"BENCH-{n:05d}", calibration_valid_until=today + timedelta(days=365))
                visit = Visit(task=task, day=today, starts=dtime(0, 0), ends=dtime(23, 59), samplers=[user],
                              equipment=[instrument])
                db.add_all([user, WechatBinding(openid=openid, user=user), visit])
                samplers.append({"openid": openid})
                instruments.append(instrument)
            db.flush()
            file_instruments(filings.filed_resources(db, task.agency_id), instruments)
            db.commit()
            polluter, points = task.polluter, task.planned_points
            # the form's context, as services.sampling.trips.visit_tags computes it for a trip on this task
            tags = frozenset(str(p.kind) for p in points)
            places = [(p.latitude, p.longitude) if p.latitude is not None else (polluter.latitude, polluter.longitude)
                      for p in points]
            return {"samplers": {s["openid"]: s for s in samplers}, "points": places, "tags": tags,
                    "lat": polluter.latitude, "lng": polluter.longitude}
    finally:
        engine.dispose()


def file_instruments(filing, instruments) -> None:
    """The bench's instruments join the demo agency's filing in force, as an approved update would add them."""
    entries = [{"id": e.id, "name": e.name, "model": e.model, "asset_no": e.asset_no,
                "calibration_valid_until": e.calibration_valid_until.isoformat()} for e in instruments]
    filing.snapshot = {**filing.snapshot, "equipment": [*filing.snapshot.get("equipment", []), *entries]}


def small_jpeg(seed: int) -> bytes:
    """A phone's own photo: a gradient with blocks placed by `seed`, so no two samplers send the same picture
    (identical bytes on every trip would make each photo a reused one, and each rescan compare every trip)."""
    import random

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 240))
    image.putdata([(x % 256, y % 256, (x * y) % 256) for y in range(240) for x in range(320)])
    draw, rng = ImageDraw.Draw(image), random.Random(seed)
    for _ in range(12):
        x, y = rng.randrange(0, 280), rng.randrange(0, 200)
        draw.rectangle((x, y, x + rng.randrange(20, 120), y + rng.randrange(20, 90)),
                       fill=tuple(rng.randrange(256) for _ in range(3)))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def upload_media(port: int, samplers: list[dict], timeout: float) -> None:
    """One photo per sampler in the fake WeChat API, as if each phone had uploaded it (not measured)."""
    import requests

    base = f"http://{HOST}:{port}/fake-wechat/cgi-bin/"
    with requests.Session() as http:
        grant = {"grant_type": "client_credential", "appid": APP_ID, "secret": APP_SECRET}
        token = http.get(base + "token", params=grant, timeout=timeout).json()["access_token"]
        for seed, sampler in enumerate(samplers):
            response = http.post(base + "media/upload", params={"access_token": token, "type": "image"},
                                 files={"media": ("photo.jpg", small_jpeg(seed), "image/jpeg")}, timeout=timeout)
            response.raise_for_status()
            sampler["media_id"] = response.json()["media_id"]


def photo_stats(url: str, redis_url: str) -> tuple[dict[str, int], int]:
    """Photos by status, and the length of the RQ queue."""
    import redis as redis_lib
    from sqlalchemy import func, select

    from models import Photo
    from services.core.jobs import QUEUE
    from services.core.runtime import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(select(Photo.status, func.count()).group_by(Photo.status)).all()
    finally:
        engine.dispose()
    queued = redis_lib.Redis.from_url(redis_url).llen(f"rq:queue:{QUEUE}")
    return {str(status): n for status, n in rows}, queued


# --- CPU accounting: who used the 2 cores during a measured phase ------------------------------------------

@dataclass(frozen=True)
class Proc:
    comm: str
    pgid: int
    started: int  # clock ticks after boot: tells a reused pid from the process that had it before
    own: float  # CPU seconds of the process itself
    children: float  # CPU seconds of its children it has reaped (RQ's work horses, for the RQ worker)
    database: str | None  # for a PostgreSQL backend: the database it serves


def cpu_snapshot() -> dict[int, Proc]:
    """Every process's CPU so far, from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    seen = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            raw = Path(f"/proc/{entry}/stat").read_text()
            comm = raw[raw.index("(") + 1:raw.rindex(")")]
            database = None
            if comm.startswith("postgres"):  # "postgres: 15/main: user database host(port) state"
                cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ")
                words = cmdline.decode(errors="replace").split()
                database = words[3] if len(words) > 3 and words[0] == "postgres:" else None
        except (OSError, ValueError):
            continue
        rest = raw[raw.rindex(")") + 2:].split()
        # after comm: state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
        # cutime cstime priority nice num_threads itrealvalue starttime
        seen[int(entry)] = Proc(comm, int(rest[2]), int(rest[19]), (int(rest[11]) + int(rest[12])) / tick,
                                (int(rest[13]) + int(rest[14])) / tick, database)
    return seen


OTHER = "other processes (not ours)"


def cpu_usage(before: dict[int, Proc], after: dict[int, Proc], groups: dict[int, str], database: str
              ) -> dict[str, float]:
    """CPU seconds per component between two snapshots. Reaped children count only for our own process
    groups (a shell elsewhere reaping a long test run would otherwise land its whole CPU in the phase)."""
    used: dict[str, float] = defaultdict(float)
    for pid, now in after.items():
        base = before.get(pid)
        if base is not None and base.started != now.started:
            base = None  # the pid was reused
        own = now.own - (base.own if base else 0.0)
        children = now.children - (base.children if base else 0.0)
        if pid == os.getpid():
            name = "load generator (this process)"
        elif now.pgid in groups:
            name, own = groups[now.pgid], own + children
        elif now.comm.startswith("postgres"):
            name = (f"PostgreSQL ({database} backends)" if now.database == database
                    else "PostgreSQL (shared background)" if now.database is None else OTHER)
        elif now.comm.startswith("redis"):
            name = "Redis (shared server)"
        else:
            name = OTHER
        if own > 0:
            used[name] += own
    return dict(used)


def cpu_report(used: dict[str, float], messages: int, wall: float) -> float:
    """Prints CPU per component and the CPU-bound ceiling; returns the share of the CPU that others took."""
    total = sum(used.values())
    cores = os.cpu_count() or 1
    print(f"CPU during the phase: {total:.1f} s of {wall * cores:.1f} s available "
          f"({cores} cores x {wall:.1f} s)")
    for name, seconds in sorted(used.items(), key=lambda kv: -kv[1]):
        per = f"{seconds / messages * 1000:6.2f} ms/message" if messages else ""
        print(f"  {name:<36} {seconds:7.2f} s  {100 * seconds / total if total else 0:5.1f}%  {per}")
    ours = total - used.get(OTHER, 0.0)
    if messages and ours:
        print(f"  ceiling if the benchmark had the {cores} cores to itself: "
              f"{cores * messages / ours:.0f} msg/s ({ours / messages * 1000:.2f} ms of CPU per message, "
              "all our processes)")
    share = used.get(OTHER, 0.0) / total if total else 0.0
    if share > 0.10:
        print(f"  WARNING: {100 * share:.0f}% of the CPU went to processes outside this benchmark; "
              "the figures above are depressed by that load")
    return share


# --- processes -------------------------------------------------------------------------------------------

class Processes:
    """Subprocesses we started, each in its own session so its whole group (gunicorn's master and workers,
    RQ's worker and work horse) is stopped by id."""

    def __init__(self, logdir: Path):
        self.logdir = logdir
        self.running: list[tuple[str, subprocess.Popen, object]] = []

    def start(self, name: str, argv: list[str], env: dict) -> subprocess.Popen:
        log = open(self.logdir / f"{name}.log", "wb")
        proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        self.running.append((name, proc, log))
        return proc

    def pid_of(self, name: str) -> int:
        return next(proc.pid for n, proc, _ in self.running if n == name)

    def log_tail(self, name: str, lines: int = 30) -> str:
        path = self.logdir / f"{name}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""

    def stop(self, name: str) -> None:
        for entry in [e for e in self.running if e[0] == name]:
            self._stop(*entry)
            self.running.remove(entry)

    def stop_all(self) -> None:
        for entry in reversed(self.running):
            self._stop(*entry)
        self.running.clear()

    @staticmethod
    def _stop(name: str, proc: subprocess.Popen, log) -> None:
        try:
            if proc.poll() is None and Path(proc.args[0]).name == "py-spy":
                proc.send_signal(signal.SIGINT)  # py-spy writes its file on SIGINT, then we stop the rest
                try:
                    proc.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    pass
            if proc.poll() is None:
                _signal_group(proc, signal.SIGTERM)
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    _signal_group(proc, signal.SIGKILL)
                    proc.wait(timeout=5)
            _signal_group(proc, signal.SIGKILL)  # leftovers of the group (an RQ work horse), if any
        finally:
            log.close()


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)  # the group we created with start_new_session: its id is our child's pid
    except (ProcessLookupError, PermissionError):
        pass


def gunicorn_setting(args) -> str:
    kind = args.worker_class or runpy.run_path(str(GUNICORN_CONF))["worker_class"] + " (gunicorn.conf.py)"
    return f"gunicorn -k {kind} -w {args.workers} --threads {args.threads}"


def gunicorn_argv(app: str, port: int, args) -> list[str]:
    kind = ["-k", args.worker_class] if args.worker_class else []
    argv = [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF), *kind, "-w", str(args.workers),
            "--threads", str(args.threads), "-b", f"{HOST}:{port}", "--graceful-timeout", "5", app]
    if args.py_spy and app.startswith("web:"):
        output = Path(args.py_spy).resolve()
        fmt = "raw" if output.suffix == ".txt" else "flamegraph"
        argv = [str(Path(sys.executable).parent / "py-spy"), "record", "--subprocesses", "--rate",
                "200", "--format", fmt, "-o", str(output), "--", *argv]
    return argv


def wait_ready(port: int, proc: subprocess.Popen, deadline: float, what: str, procs: Processes,
               name: str) -> None:
    """Until the app answers a signed GET /wechat (WeChat's URL check) with the echostr."""
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}:\n{procs.log_tail(name)}")
        conn = http.client.HTTPConnection(HOST, port, timeout=2)
        try:
            conn.request("GET", signed_query(echostr="ready"))
            response = conn.getresponse()
            if response.status == 200 and response.read() == b"ready":
                return
        except OSError:
            pass
        finally:
            conn.close()
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not answer on port {port} in time:\n{procs.log_tail(name)}")


def port_free(port: int) -> bool:
    import socket

    with socket.socket() as s:
        return s.connect_ex((HOST, port)) != 0


# --- main --------------------------------------------------------------------------------------------------

def main(argv=None) -> int:
    args = parse_args(argv)
    started = time.monotonic()
    deadline = started + args.time_cap

    def on_signal(signum, _frame):
        raise SystemExit(f"stopped by signal {signum}")
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGALRM, on_signal)
    signal.alarm(int(args.time_cap) + 60)  # backstop: the phases below check the deadline themselves

    from sqlalchemy.engine import make_url

    from services.core.config import Config

    args.database_url = Config(database_url=args.database_url).database_url
    args.db_name = make_url(args.database_url).database
    for port in (args.port, args.echo_port, args.floor_port):
        if not port_free(port):
            print(f"port {port} is already in use", file=sys.stderr)
            return 2
    tmp = Path(tempfile.mkdtemp(prefix="emss-bench-"))
    procs = Processes(tmp)
    try:
        emss, busy, script_length = run_emss(args, procs, tmp, deadline)
        echo = floor = None
        if args.skip_echo:
            pass
        elif time.monotonic() >= deadline:
            print("\n(time cap reached: echo phase skipped)")
        else:
            echo, echo_busy = run_echo(args, procs, script_length, deadline)
            busy = max(busy, echo_busy)
            if args.floor and echo.rate and time.monotonic() < deadline:
                floor, floor_busy = run_echo(args, procs, script_length, deadline, floor=True)
                busy = max(busy, floor_busy)
                print(f"\nfloor (echo + Redis claim + {args.floor_reads} SELECTs + one committed INSERT per message): "
                      f"{floor.rate:.1f} msg/s "
                      f"= {floor.rate / echo.rate:.2f} x echo; p99 {floor.pct(99) * 1000:.1f} ms")
        passed = verdict(args, emss, echo, busy, floor)
        print(f"{'PASS' if passed else 'FAIL'} (whole run {time.monotonic() - started:.0f} s)")
        return 0 if passed else 1
    finally:
        signal.alarm(0)
        procs.stop_all()
        shutil.rmtree(tmp, ignore_errors=True)


def run_emss(args, procs: Processes, tmp: Path, deadline: float) -> tuple[Results, float, int]:
    import redis as redis_lib

    print(f"preparing: database {args.database_url.rsplit('@', 1)[-1]}, redis {args.redis_url}, "
          f"{args.samplers} samplers", flush=True)
    t0 = time.perf_counter()
    fresh_database(args.database_url)
    redis_lib.Redis.from_url(args.redis_url).flushdb()
    warm_ids = [f"o_warm_{n:04d}" for n in range(1, args.warmup + 1)]
    bench_ids = [f"o_bench_{n:04d}" for n in range(1, args.samplers + 1)]
    world = prepare(args.database_url, warm_ids + bench_ids)
    warm = [world["samplers"][o] for o in warm_ids]
    samplers = [world["samplers"][o] for o in bench_ids]
    answers = condition_answers(world["tags"])
    script = trip_script(world["points"], answers, world["lat"], world["lng"])
    print(f"  {len(script)} messages per trip ({len(world['points'])} points, {len(answers)} 工况 fields: "
          f"{', '.join(n for n, _ in answers)}); prepared in {time.perf_counter() - t0:.1f} s", flush=True)

    base = f"http://{HOST}:{args.port}"
    env = {**os.environ, "DATABASE_URL": args.database_url, "REDIS_URL": args.redis_url, "EMSS_DEV": "1",
           "WECHAT_API_BASE": f"{base}/fake-wechat/", "PUBLIC_BASE_URL": base, "WECHAT_TOKEN": TOKEN,
           "WECHAT_APP_SECRET": APP_SECRET, "SECRET_KEY": SECRET_KEY,
           "EMSS_INSTANCE": str(tmp / "instance"), "MEDIA_ROOT": str(tmp / "instance" / "media"),
           "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    env.pop("EMSS_JOBS_INLINE", None)
    app = procs.start("emss", gunicorn_argv("web:create_app()", args.port, args), env)
    wait_ready(args.port, app, min(deadline, time.monotonic() + 60), "EMSS gunicorn", procs, "emss")
    upload_media(args.port, warm + samplers, args.request_timeout)
    if warm:
        warmup = drive_trips(args.port, warm, script, args, deadline)
        print(f"warm-up: {warmup.completed}/{len(warm)} trips, {warmup.messages} messages, "
              f"{warmup.errors} errors", flush=True)
        for error in warmup.error_samples:
            print(f"  warm-up error: {error}")
    groups = {app.pid: "EMSS gunicorn (master+workers)"}
    if args.rq_worker:
        rq = procs.start("rq-worker", [sys.executable, "-m", "web.cli", "worker"], env)
        groups[rq.pid] = RQ_GROUP
    print(f"EMSS up on :{args.port} ({gunicorn_setting(args)}), "
          f"RQ worker: {'1 running' if args.rq_worker else 'none (queue left to drain)'}; "
          f"driving {args.samplers} samplers ...", flush=True)

    photos_before, _ = photo_stats(args.database_url, args.redis_url)
    before = cpu_snapshot()
    emss = drive_trips(args.port, samplers, script, args, deadline)
    after = cpu_snapshot()
    photos, queued = photo_stats(args.database_url, args.redis_url)
    drained = drain_photos(args, photos, queued, emss.duration, deadline, groups) if args.rq_worker else None
    procs.stop("rq-worker")
    procs.stop("emss")  # before the echo phase, so it has the cores to itself (and py-spy writes its file)

    report(f"EMSS /wechat: {gunicorn_setting(args)}", emss,
           len(script) * args.samplers, args.samplers, "trips completed (已提交)")
    finished = sum(photos.get(k, 0) - photos_before.get(k, 0) for k in ("ready", "rejected", "failed"))
    print(f"photos after the phase: {', '.join(f'{k} {n}' for k, n in sorted(photos.items()))}; "
          f"RQ queue length {queued}; photo jobs finished during the phase: {finished}")
    used = cpu_usage(before, after, groups, args.db_name)
    busy = cpu_report(used, emss.messages, emss.duration)
    if used.get(RQ_GROUP) and finished > 0:
        print(f"  RQ worker CPU per finished photo job: {used[RQ_GROUP] / finished * 1000:.0f} ms")
    if drained is not None:
        report_drain(drained, emss.duration, finished)
    if args.steps:
        report_steps(emss)
    return emss, busy, len(script)


RQ_GROUP = "RQ worker (+ work horses)"
DRAIN_TARGET = 2.0  # with one worker, the photo queue drains within this many times the phase's duration


@dataclass(frozen=True)
class Drain:
    seconds: float  # from the phase's end until no photo is pending and the queue is empty, or the wait ended
    photos: int  # photo jobs finished meanwhile
    done: bool  # False: the wait was given up (twice the target, or the run's time cap)
    worker_cpu: float  # seconds of CPU the RQ worker used meanwhile: photo jobs only, its start-up is behind it


def drain_photos(args, photos: dict[str, int], queued: int, phase: float, deadline: float, groups) -> Drain:
    """Leave the RQ worker (and the app serving its media downloads) running until the photos are processed."""
    pending, start, before = photos.get("pending", 0), time.monotonic(), cpu_snapshot()
    give_up = min(deadline, start + 2 * DRAIN_TARGET * phase + 5)
    left, queue = pending, queued
    while (left or queue) and time.monotonic() < give_up:
        time.sleep(0.5)
        now, queue = photo_stats(args.database_url, args.redis_url)
        left = now.get("pending", 0)
    used = cpu_usage(before, cpu_snapshot(), groups, args.db_name)
    return Drain(time.monotonic() - start, pending - left, not (left or queue), used.get(RQ_GROUP, 0.0))


def report_drain(drain: Drain, phase: float, during_phase: int) -> None:
    """Time to drain after the phase, and what one worker gets through per second over phase and drain."""
    rate = (during_phase + drain.photos) / (phase + drain.seconds) if phase + drain.seconds else 0.0
    ok = drain.done and drain.seconds <= DRAIN_TARGET * phase
    state = f"drained in {drain.seconds:.1f} s" if drain.done else f"NOT drained after {drain.seconds:.1f} s"
    print(f"photo queue after the phase: {state}, {drain.photos} photo jobs meanwhile; one RQ worker: "
          f"{rate:.1f} photos/s over phase and drain")
    if drain.photos:
        print(f"  RQ worker CPU per photo job while draining: {drain.worker_cpu / drain.photos * 1000:.0f} ms "
              f"({drain.photos / drain.worker_cpu if drain.worker_cpu else 0:.1f} photos per CPU second)")
    print(f"  {'PASS' if ok else 'FAIL'}  queue drained within {DRAIN_TARGET:.0f} x the phase "
          f"({drain.seconds:.1f} s <= {DRAIN_TARGET * phase:.1f} s)")


def run_echo(args, procs: Processes, per_user: int, deadline: float,
             floor: bool = False) -> tuple[Results, float]:
    """The bare echo app, or (floor=True) the floor app: the same messages, the same concurrency."""
    name, port = ("floor", args.floor_port) if floor else ("echo", args.echo_port)
    env = {**os.environ, "WECHAT_TOKEN": TOKEN, "DATABASE_URL": args.database_url, "REDIS_URL": args.redis_url,
           "FLOOR_READS": str(args.floor_reads),
           "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    argv = gunicorn_argv(f"benchmarks.{name}_app:create_app()", port, args)
    app = procs.start(name, argv, env)
    wait_ready(port, app, min(deadline, time.monotonic() + 60), f"{name} gunicorn", procs, name)
    if args.warmup:
        drive_echo(port, args.warmup, per_user, args, deadline, prefix="o_warm")
    before = cpu_snapshot()
    echo = drive_echo(port, args.samplers, per_user, args, deadline)
    after = cpu_snapshot()
    procs.stop(name)
    title = "floor (echo + Redis claim + committed INSERT)" if floor else "bare WeRoBot echo"
    report(f"{title}: {gunicorn_setting(args)}", echo,
           per_user * args.samplers, args.samplers, "users completed")
    used = cpu_usage(before, after, {app.pid: f"{name} gunicorn (master+workers)"}, args.db_name)
    return echo, cpu_report(used, echo.messages, echo.duration)


def verdict(args, emss: Results, echo: Results | None, busy: float, floor: Results | None = None) -> bool:
    print("\n== verdict ==")
    checks = []
    if floor is not None and floor.rate:
        ratio, p99, limit = emss.rate / floor.rate, emss.pct(99), FLOOR_P99_TIMES * floor.pct(99)
        print(f"throughput ratio EMSS/floor: {emss.rate:.1f} / {floor.rate:.1f} = {ratio:.2f}")
        checks.append((f"throughput >= {FLOOR_RATIO} x floor", ratio >= FLOOR_RATIO))
        checks.append((f"p99 <= {FLOOR_P99_TIMES:.0f} x floor's p99 ({p99 * 1000:.1f} ms <= {limit * 1000:.1f} ms)",
                       p99 <= limit))
    elif args.floor:
        checks.append((f"throughput >= {FLOOR_RATIO} x floor (no floor figure)", False))
    if echo is not None and echo.rate:
        ratio = emss.rate / echo.rate
        print(f"throughput ratio EMSS/echo: {emss.rate:.1f} / {echo.rate:.1f} = {ratio:.2f}")
        checks.append((f"throughput >= {TARGET_RATIO} x echo", ratio >= TARGET_RATIO))
    else:
        checks.append((f"throughput >= {TARGET_RATIO} x echo (no echo figure)", False))
    p99 = emss.pct(99)
    checks.append((f"p99 < {TARGET_P99 * 1000:.0f} ms ({p99 * 1000:.1f} ms)", p99 < TARGET_P99))
    slow = sum(1 for x in emss.latencies if x >= SLOW)
    checks.append((f"no reply >= {SLOW} s ({slow})", slow == 0))
    unfinished = args.samplers - emss.completed
    checks.append((f"no errors and every trip submitted ({emss.errors} errors, {unfinished} unfinished)",
                   emss.errors == 0 and unfinished == 0 and not emss.timed_out))
    for name, ok in checks:
        print(f"  {'PASS' if ok else 'FAIL'}  {name}")
    if busy > 0.10:
        print(f"  NOTE: up to {100 * busy:.0f}% of a phase's CPU went to other processes on this machine: "
              "rerun on a quiet machine before trusting the figures")
    return all(ok for _, ok in checks)


if __name__ == "__main__":
    raise SystemExit(main())
