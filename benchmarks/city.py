"""A city on PostgreSQL for the benchmarks (benchmarks/desk.py, and the findings benchmark): 16 districts,
agencies, polluters, tasks, and N sampling trips with their visits, crews, check-ins, photos' hashes,
confirmations and some findings, plus O&M plans and visits with some findings.

Every table is filled by INSERT ... SELECT over generate_series with ids computed from the row number, in
batches of trips, with the foreign-key triggers off for the loading session (session_replication_role =
replica, as pg_restore does): no ORM objects, no per-row round trips. The data is deterministic in its
shape (which agency, which day, which finding) so that measurements can be repeated.

Shape: trips spread evenly over the last `days` days (the newest ids on the most recent days); a task per
(polluter, agency) pair with agencies spread across the city; 5 % of trips and O&M visits carry one to two
findings (of which a tenth are decided: confirmed or cleared); 2 % of trips have an arrival outside the fence;
a thirty-third of the last three days' trips await the polluter's confirmation.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass

from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

DISTRICTS = ("黄浦区", "徐汇区", "长宁区", "静安区", "普陀区", "虹口区", "杨浦区", "闵行区", "宝山区", "嘉定区",
             "浦东新区", "金山区", "松江区", "青浦区", "奉贤区", "崇明区")
# the codes a benchmark city's findings carry, with their severity (states/findings.py)
FINDING_CODES = (("outside_fence", "medium"), ("photo_reused", "high"), ("short_visit", "medium"),
                 ("off_schedule", "low"), ("confirmation_missing", "low"), ("exif_time_mismatch", "medium"),
                 ("overlapping_visits", "high"))
# what each code's rule records (the desk words it, services/findings/summary.py)
EVIDENCE = {
    "outside_fence": {"check_in": 0, "kind": "arrival", "distance_m": 900, "fence_m": 300, "person": 0},
    "photo_reused": {"photo": 0, "sha256": "", "others": [{"photo": 0, "subject": "trip:0"}]},
    "short_visit": {"minutes_on_site": 6, "minimum_minutes": 10, "counted": []},
    "off_schedule": {"arrival": "2026-11-20T07:00", "window_from": "2026-11-20T09:00",
                     "window_to": "2026-11-20T12:00", "minutes_outside": 90},
    "confirmation_missing": {"state": "awaiting_confirmation", "confirmation_status": "pending"},
    "exif_time_mismatch": {"photo": 0, "exif_time": "2026-11-19T09:00", "window_from": "2026-11-20T09:00",
                           "window_to": "2026-11-20T10:30", "minutes_outside": 1440},
    "overlapping_visits": {"person": 0, "other": "trip:0", "other_site": "城市排污单位", "this_window": [],
                           "other_window": [], "overlap_minutes": 45},
    "after_departure": {"confirmation": 0, "decided_at": "2026-11-20T12:00", "departure": "2026-11-20T10:30"},
    "planned_sheet_missing": {"plan_item": 0, "sheet": "daily_inspection", "sheet_title": "日常巡检记录表",
                              "instrument": None, "point": "DW001"},
}
BASE = 1_000_000  # ids of the city's rows start above the demo's
PLACEMENT = "day, agency_id, polluter_id"  # a finding's copy of its subject's (models/findings.py)


@dataclass(frozen=True)
class City:
    trips: int = 1_000_000
    agencies: int = 300
    polluters: int = 8_000
    tasks: int = 40_000
    samplers_per_agency: int = 5
    photos_per_trip: int = 3
    om_plans: int = 2_000
    om_visits: int = 100_000
    days: int = 365
    batch: int = 250_000

    @property
    def districts(self) -> int:
        return len(DISTRICTS)

    # the id of the n-th (1-based) row of each kind, above the demo's rows
    def agency(self, n: str) -> str:
        return f"({BASE} + {n})"

    def sampler(self, agency_n: str, k: str) -> str:
        return f"({BASE} + {self.agencies} + (({agency_n}) - 1) * {self.samplers_per_agency} + ({k}))"

    def confirmer(self, polluter_n: str) -> str:
        return f"({BASE} + {self.agencies} * (1 + {self.samplers_per_agency}) + ({polluter_n}))"

    def regulator(self, district_n: str) -> str:
        return f"({BASE} + {self.agencies} * (1 + {self.samplers_per_agency}) + {self.polluters} + ({district_n}))"

    def task_agency(self, task_n: str) -> str:
        """Agencies work across the city: a task's agency is spread by a large prime."""
        return f"(((({task_n}) - 1) * 7919) % {self.agencies} + 1)"

    def om_agency(self, plan_n: str) -> str:
        """Every tenth agency is an O&M agency (运维机构); plans are spread over them."""
        return f"(((({plan_n}) - 1) % {self.agencies // 10} + 1) * 10)"

    def om_polluter(self, plan_n: str) -> str:
        return f"({BASE} + (({plan_n}) * 3) % {self.polluters} + 1)"

    def day(self, n: str, total: int) -> str:
        return f"(current_date - ((({total} - ({n})) * {self.days}) / {total})::int)"


def fresh_schema(url: str) -> None:
    """The database (created if missing) emptied and migrated, with the demo's accounts (regulator1, admin1)."""
    from migrations import upgrade
    from services.dev import demo

    admin = create_engine(url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    name = url.rsplit("/", 1)[1]
    with admin.connect() as connection:
        if not connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}):
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    upgrade(url)
    with Session(engine) as session:
        demo.load(session)
        session.commit()
    engine.dispose()


def fill(url: str, city: City, log=print) -> float:
    """Fill the city; returns the seconds it took."""
    engine = create_engine(url)
    started = time.perf_counter()
    with engine.begin() as connection:
        connection.execute(text("SET session_replication_role = replica"))
        for statement in directory(city):
            connection.execute(text(statement))
    log(f"  directory: {city.agencies} agencies, {city.polluters} polluters, {city.tasks} tasks "
        f"({time.perf_counter() - started:.0f} s)")
    for first in range(1, city.trips + 1, city.batch):
        last = min(first + city.batch - 1, city.trips)
        with engine.begin() as connection:
            connection.execute(text("SET session_replication_role = replica"))
            for statement in trips(city, first, last):
                connection.execute(text(statement))
        log(f"  {last:,} trips ({time.perf_counter() - started:.0f} s)")
    with engine.begin() as connection:
        connection.execute(text("SET session_replication_role = replica"))
        for statement in om(city):
            connection.execute(text(statement))
        for table in ("agency", "user_account", "polluter", "monitoring_point", "monitoring_task", "visit",
                      "sampling_trip", "check_in", "photo", "confirmation", "finding", "om_plan", "om_visit"):
            connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                    f"(SELECT max(id) FROM {table}))"))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))
    log(f"  O&M visits and ANALYZE ({time.perf_counter() - started:.0f} s)")
    engine.dispose()
    return time.perf_counter() - started


def band_statement() -> tuple[str, dict]:
    """INSERT of the near-duplicate index (photo_band) of the photos with ids in (:after, :upto], each band's
    value cut from the stored DCT hash in SQL as services/neardup.py cuts it."""
    from states.neardup import BANDS, HASH_BITS

    starts = [band * HASH_BITS // BANDS for band in range(BANDS + 1)]
    sql = ("INSERT INTO photo_band (photo_id, band, value) "
           "SELECT p.id, b.ord - 1, lpad(substring(('x' || p.dct_hash)::bit(256) FROM b.start + 1 "
           "FOR b.width)::text, 32, '0')::bit(32)::int "
           "FROM photo p CROSS JOIN unnest(CAST(:starts AS int[]), CAST(:widths AS int[])) "
           "WITH ORDINALITY AS b(start, width, ord) WHERE p.id > :after AND p.id <= :upto AND p.dct_hash IS NOT NULL")
    return sql, {"starts": starts[:-1], "widths": [b - a for a, b in zip(starts, starts[1:], strict=False)]}


def photo_bands(url: str, batch: int = 1_000_000, log=print) -> float:
    """Index every photo's hash (photo_band) in batches of photo ids, the lookup index built after, as a bulk
    load would; returns the seconds it took."""
    engine = create_engine(url)
    started = time.perf_counter()
    sql, params = band_statement()
    with engine.begin() as connection:
        connection.execute(text("DROP INDEX IF EXISTS ix_photo_band_lookup"))
        top = connection.scalar(text("SELECT coalesce(max(id), 0) FROM photo"))
    for after in range(0, top, batch):
        with engine.begin() as connection:
            connection.execute(text("SET session_replication_role = replica"))
            connection.execute(text(sql), {**params, "after": after, "upto": after + batch})
        log(f"  bands of {min(after + batch, top):,} photos ({time.perf_counter() - started:.0f} s)")
    with engine.begin() as connection:
        connection.execute(text("CREATE INDEX ix_photo_band_lookup ON photo_band (band, value, photo_id)"))
        connection.execute(text("ANALYZE photo_band"))
    engine.dispose()
    return time.perf_counter() - started


def _districts() -> str:
    return "ARRAY[" + ", ".join(f"'{d}'" for d in DISTRICTS) + "]"


def directory(c: City) -> list[str]:
    d = _districts()
    return [
        f"INSERT INTO agency (id, name, kind, filing_status, code, district, created_at) "
        f"SELECT {c.agency('a')}, '城市检测机构' || a, CASE WHEN a % 10 = 0 THEN 'om' ELSE 'monitoring' END, "
        f"'approved', 'B' || a, "
        f"({d})[(a - 1) % {c.districts} + 1], now() FROM generate_series(1, {c.agencies}) a",
        f"INSERT INTO polluter (id, name, credit_code, district, address, latitude, longitude, fence_radius_m, "
        f"created_at) SELECT {BASE} + p, '城市排污单位' || p, 'B' || lpad(p::text, 17, '0'), "
        f"({d})[(p - 1) % {c.districts} + 1], '城市路 ' || p || ' 号', 30.7 + (p % 100) * 0.006, "
        f"121.0 + (p / 100) * 0.01, 300, now() FROM generate_series(1, {c.polluters}) p",
        f"INSERT INTO monitoring_point (id, polluter_id, code, name, kind) "
        f"SELECT {BASE} + p, {BASE} + p, 'DW001', '废水总排口', 'wastewater' FROM generate_series(1, {c.polluters}) p",
        f"INSERT INTO user_account (id, username, password_hash, display_name, role, agency_id, active, created_at) "
        f"SELECT {c.agency('a')}, 'bench_admin_' || a, :hash, '机构管理员' || a, 'agency_admin', {c.agency('a')}, "
        f"true, now() FROM generate_series(1, {c.agencies}) a".replace(":hash", "'" + _hash() + "'"),
        f"INSERT INTO user_account (id, username, password_hash, display_name, role, agency_id, active, created_at) "
        f"SELECT {c.sampler('a', 'k')}, 'bench_s_' || a || '_' || k, 'x', '采样员' || a || '-' || k, 'sampler', "
        f"{c.agency('a')}, true, now() FROM generate_series(1, {c.agencies}) a, "
        f"generate_series(1, {c.samplers_per_agency}) k",
        f"INSERT INTO user_account (id, username, password_hash, display_name, role, polluter_id, active, created_at) "
        f"SELECT {c.confirmer('p')}, 'bench_p_' || p, '{_hash()}', '排污单位' || p, 'polluter_confirmer', "
        f"{BASE} + p, true, now() FROM generate_series(1, {c.polluters}) p",
        f"INSERT INTO user_account (id, username, password_hash, display_name, role, district, active, created_at) "
        f"SELECT {c.regulator('n')}, 'bench_reg_' || n, '{_hash()}', ({d})[n] || '生态环境局', 'regulator', "
        f"({d})[n], true, now() FROM generate_series(1, {c.districts}) n",
        f"INSERT INTO monitoring_task (id, code, name, category, agency_id, polluter_id, status, created_at) "
        f"SELECT {BASE} + t, 'BT' || t, '自行监测 ' || t, 'wastewater', {c.agency(c.task_agency('t'))}, "
        f"{BASE} + (t - 1) % {c.polluters} + 1, 'sampling', now() - ((t % {c.days}) || ' days')::interval "
        f"FROM generate_series(1, {c.tasks}) t",
    ]


def trips(c: City, first: int, last: int) -> list[str]:
    """Visits, crews, trips, check-ins, photos, confirmations and findings of trips first..last."""
    rows = f"generate_series({first}, {last}) v"
    task = f"((v - 1) % {c.tasks} + 1)"
    # an agency's trips of a day are 300 apart in v: its samplers take turns, each one trip in the morning and one
    # in the afternoon (v and v + 1500), so a trip's crew has a handful of other trips around it, as in a city
    sampler = c.sampler(c.task_agency(task), f"((v / {c.agencies}) % {c.samplers_per_agency} + 1)")
    half = f"((v / {c.agencies * c.samplers_per_agency}) % 2) * interval '5 hours'"
    day = c.day("v", c.trips)
    at = f"({day} + time '09:05' + {half})::timestamp AT TIME ZONE 'Asia/Shanghai'"
    codes = _array(code for code, _ in FINDING_CODES)
    severities = _array(s for _, s in FINDING_CODES)
    evidence = _array(json.dumps(EVIDENCE[code], ensure_ascii=False) for code, _ in FINDING_CODES)
    # district = (v - 1) % 16: which trips carry a finding is chosen by blocks of 16 so every district has some
    outside = "((v / 16) % 50 = 3)"
    awaiting = f"(v % 33 = 0 AND v > {c.trips - 3 * c.trips // c.days})"  # the last 3 days' trips, some unconfirmed
    pick = f"(((v / 320) % {len(FINDING_CODES)}) + 1)"
    placement = f"{day}, {c.agency(c.task_agency(task))}, {BASE} + ({task} - 1) % {c.polluters} + 1"
    return [
        f"INSERT INTO visit (id, task_id, day, starts, ends) SELECT {BASE} + v, {BASE} + {task}, {day}, "
        f"time '09:00' + {half}, time '12:00' + {half} FROM {rows}",
        f"INSERT INTO visit_sampler (visit_id, user_id) SELECT {BASE} + v, {sampler} FROM {rows}",
        f"INSERT INTO sampling_trip (id, visit_id, state, point_index, started_by_id, submitted_at, created_at) "
        f"SELECT {BASE} + v, {BASE} + v, CASE WHEN {awaiting} THEN 'awaiting_confirmation' ELSE 'completed' END, "
        f"0, {sampler}, {at} + interval '90 minutes', {at} FROM {rows}",
        f"INSERT INTO check_in (trip_id, kind, user_id, at, latitude, longitude, datum, distance_m, inside_fence) "
        f"SELECT {BASE} + v, k, {sampler}, {at} + CASE k WHEN 'arrival' THEN interval '0' ELSE interval '90 minutes' "
        f"END, 30.8, 121.3, 'GCJ-02', CASE WHEN {outside} AND k = 'arrival' THEN 900 ELSE 40 END, "
        f"NOT ({outside} AND k = 'arrival') FROM {rows}, unnest(ARRAY['arrival', 'departure']) k",
        f"INSERT INTO photo (trip_id, purpose, point_id, sent_by_id, received_at, media_id, live, status, sha256, "
        f"dct_hash) SELECT {BASE} + v, 'sampling', {BASE} + ({task} - 1) % {c.polluters} + 1, {sampler}, "
        f"{at} + (n || ' minutes')::interval, 'bench', true, 'ready', md5(v || '-' || n) || md5(n || '-' || v), "
        f"md5(random()::text) || md5(random()::text) FROM {rows}, generate_series(1, {c.photos_per_trip}) n",
        f"INSERT INTO confirmation (trip_id, status, decided_at, after_departure, created_at) "
        f"SELECT {BASE} + v, 'confirmed', {at} + interval '80 minutes', false, {at} FROM {rows} WHERE NOT {awaiting}",
        f"INSERT INTO finding (trip_id, code, instance, severity, evidence, first_seen_at, last_seen_at, status, "
        f"{PLACEMENT}) "
        f"SELECT {BASE} + v, ({codes})[{pick}], '', ({severities})[{pick}], ({evidence})[{pick}]::json, {at}, {at}, "
        f"CASE WHEN (v / 16) % 200 = 0 THEN 'confirmed' WHEN (v / 16) % 200 = 100 THEN 'cleared' ELSE 'open' END, "
        f"{placement} FROM {rows} WHERE (v / 16) % 20 = 0",
        f"INSERT INTO finding (trip_id, code, instance, severity, evidence, first_seen_at, last_seen_at, status, "
        f"{PLACEMENT}) "
        f"SELECT {BASE} + v, 'after_departure', '', 'low', {_literal(EVIDENCE['after_departure'])}, {at}, {at}, "
        f"'open', {placement} FROM {rows} WHERE (v / 16) % 60 = 7",
    ]


def om(c: City) -> list[str]:
    day = c.day("m", c.om_visits)
    plan = f"((m - 1) % {c.om_plans} + 1)"
    return [
        f"INSERT INTO om_plan (id, agency_id, polluter_id, name, starts_on, ends_on, active, created_at) "
        f"SELECT {BASE} + n, {c.agency(c.om_agency('n'))}, {c.om_polluter('n')}, '运维计划 ' || n, "
        f"current_date - {c.days}, current_date + 30, true, now() FROM generate_series(1, {c.om_plans}) n",
        f"INSERT INTO om_visit (id, plan_id, due_on, planned, state, started_at, submitted_at, created_at) "
        f"SELECT {BASE} + m, {BASE} + {plan}, {day}, '[]', 'confirmed', "
        f"({day} + time '09:00') AT TIME ZONE 'Asia/Shanghai', ({day} + time '11:00') AT TIME ZONE 'Asia/Shanghai', "
        f"now() FROM generate_series(1, {c.om_visits}) m",
        f"INSERT INTO finding (om_visit_id, code, instance, severity, evidence, first_seen_at, last_seen_at, status, "
        f"{PLACEMENT}) "
        f"SELECT {BASE} + m, CASE WHEN m % 40 = 0 THEN 'planned_sheet_missing' ELSE 'off_schedule' END, '', "
        f"CASE WHEN m % 40 = 0 THEN 'medium' ELSE 'low' END, CASE WHEN m % 40 = 0 THEN "
        f"{_literal(EVIDENCE['planned_sheet_missing'])} ELSE {_literal(EVIDENCE['off_schedule'])} END, now(), now(), "
        f"'open', {day}, {c.agency(c.om_agency(plan))}, {c.om_polluter(plan)} "
        f"FROM generate_series(1, {c.om_visits}) m WHERE m % 20 = 0",
    ]


def _array(values) -> str:
    return "ARRAY[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def _literal(evidence: dict) -> str:
    return "'" + json.dumps(evidence, ensure_ascii=False).replace("'", "''") + "'::json"


def _hash() -> str:
    from services.dev import demo

    return demo._demo_hash()  # the demo password, so a benchmark signs in as any of these users
