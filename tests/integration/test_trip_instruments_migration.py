"""Upgrading to trips that confirm their instruments: a trip that has not reached the instruments step yet gets its
schedule's list to confirm, as a new trip does; a trip past it keeps none (nothing says which instruments it used)."""
from __future__ import annotations

import sqlite3

from sqlalchemy import text

from migrations import upgrade
from services.core.runtime import make_engine
from tests.integration.test_finding_placement_migration import NOW

ROWS = [
    "INSERT INTO agency (id, name, kind, filing_status, created_at) "
    "VALUES (7, '检测机构', 'monitoring', 'approved', :now)",
    "INSERT INTO polluter (id, name, credit_code, district, address, latitude, longitude, fence_radius_m, created_at) "
    "VALUES (21, '甲厂', '913100000000000021', '金山区', '路 1 号', 30.8, 121.3, 300, :now)",
    "INSERT INTO monitoring_task (id, code, name, category, agency_id, polluter_id, status, created_at) "
    "VALUES (31, 'T31', '自行监测', 'wastewater', 7, 21, 'sampling', :now)",
    "INSERT INTO visit (id, task_id, day, starts, ends) VALUES (41, 31, '2026-11-18', '09:00:00.000000', "
    "'12:00:00.000000'), (42, 31, '2026-11-19', '09:00:00.000000', '12:00:00.000000')",
    "INSERT INTO equipment (id, agency_id, name, model, asset_no, calibration_valid_until, created_at) "
    "VALUES (91, 7, 'pH 计', 'PHB-4', 'EQ-1', '2027-01-01', :now), "
    "(92, 7, '烟气测试仪', '3012H', 'EQ-2', '2027-01-01', :now)",
    "INSERT INTO visit_equipment (visit_id, equipment_id) VALUES (41, 91), (41, 92), (42, 91)",
    "INSERT INTO user_account (id, username, password_hash, display_name, role, agency_id, active, created_at) "
    "VALUES (11, 'sampler', 'x', '采样员', 'sampler', 7, 1, :now)",
    "INSERT INTO sampling_trip (id, visit_id, state, point_index, started_by_id, created_at) "
    "VALUES (51, 41, 'arrival_photo', 0, 11, :now), (52, 42, 'completed', 0, 11, :now)",
]


def test_a_trip_before_the_instruments_step_gets_its_schedules_list_and_a_finished_one_none(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    upgrade(url, "0021_transport")  # the revision before trips confirmed their instruments
    with sqlite3.connect(tmp_path / "old.sqlite3") as connection:
        for statement in ROWS:
            connection.execute(statement, {"now": NOW})
    upgrade(url)
    engine = make_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT trip_id, equipment_id, confirmed_at, added_by_id FROM trip_instrument "
                                       "ORDER BY trip_id, equipment_id")).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [(51, 91, None, None), (51, 92, None, None)]
