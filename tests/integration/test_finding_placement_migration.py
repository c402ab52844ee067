"""Upgrading to findings that record where their subject stands: the findings already stored get the day, agency
and polluter of their trip (its visit and task) or O&M visit (its due day and plan), so the desk lists them."""
from __future__ import annotations

import sqlite3

from sqlalchemy import text

from migrations import upgrade
from services.core.runtime import make_engine

NOW = "2026-11-20 01:00:00.000000"
ROWS = [
    "INSERT INTO agency (id, name, kind, filing_status, created_at) "
    "VALUES (7, '检测机构', 'monitoring', 'approved', :now), (8, '运维机构', 'om', 'approved', :now)",
    "INSERT INTO polluter (id, name, credit_code, district, address, latitude, longitude, fence_radius_m, created_at) "
    "VALUES (21, '甲厂', '913100000000000021', '金山区', '路 1 号', 30.8, 121.3, 300, :now)",
    "INSERT INTO polluter (id, name, credit_code, district, address, latitude, longitude, fence_radius_m, created_at) "
    "VALUES (22, '乙厂', '913100000000000022', '松江区', '路 2 号', 31.0, 121.2, 300, :now)",
    "INSERT INTO monitoring_task (id, code, name, category, agency_id, polluter_id, status, created_at) "
    "VALUES (31, 'T31', '自行监测', 'wastewater', 7, 21, 'sampling', :now)",
    "INSERT INTO visit (id, task_id, day, starts, ends) VALUES (41, 31, '2026-11-18', '09:00:00.000000', "
    "'12:00:00.000000')",
    "INSERT INTO user_account (id, username, password_hash, display_name, role, agency_id, active, created_at) "
    "VALUES (11, 'sampler', 'x', '采样员', 'sampler', 7, 1, :now)",
    "INSERT INTO sampling_trip (id, visit_id, state, point_index, started_by_id, created_at) "
    "VALUES (51, 41, 'completed', 0, 11, :now)",
    "INSERT INTO om_plan (id, agency_id, polluter_id, name, starts_on, ends_on, active, created_at) "
    "VALUES (61, 8, 22, '运维计划', '2026-01-01', '2026-12-31', 1, :now)",
    "INSERT INTO om_visit (id, plan_id, due_on, planned, state, created_at) "
    "VALUES (71, 61, '2026-11-19', '[]', 'completed', :now)",
    "INSERT INTO finding (id, trip_id, code, instance, severity, evidence, first_seen_at, last_seen_at, status) "
    "VALUES (81, 51, 'outside_fence', '', 'medium', '{}', :now, :now, 'open')",
    "INSERT INTO finding (id, om_visit_id, code, instance, severity, evidence, first_seen_at, last_seen_at, status) "
    "VALUES (82, 71, 'off_schedule', '', 'low', '{}', :now, :now, 'cleared')",
]


def test_stored_findings_get_the_place_of_their_trip_or_om_visit(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    upgrade(url, "0018_filing_stages")  # the revision before findings recorded their placement
    with sqlite3.connect(tmp_path / "old.sqlite3") as connection:
        for statement in ROWS:
            connection.execute(statement, {"now": NOW})
    upgrade(url)
    engine = make_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, day, agency_id, polluter_id FROM finding ORDER BY id")).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [(81, "2026-11-18", 7, 21), (82, "2026-11-19", 8, 22)]
