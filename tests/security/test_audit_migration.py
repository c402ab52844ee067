"""Upgrading an instance that already holds event logs chains them in the order they were written."""
from __future__ import annotations

import sqlite3

from sqlalchemy import text
from sqlalchemy.orm import Session

from migrations import upgrade
from models.audit import GENESIS
from services.core import audit
from services.core.runtime import make_engine

ROWS = [(1, "2026-11-20 01:00:00.000000", "start", '{"distance_m": 18.5}'),
        (2, "2026-11-20 01:05:00.000000", "start", "{}"),
        (1, "2026-11-20 02:00:00.000000", "check_in_arrival", '{"inside": true}')]


def test_existing_trip_events_are_chained_in_order_by_the_upgrade(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    upgrade(url, "0006_neardup")
    with sqlite3.connect(tmp_path / "old.sqlite3") as connection:  # written before the record was chained
        connection.executemany("INSERT INTO trip_event (trip_id, at, action, detail) VALUES (?, ?, ?, ?)", ROWS)
    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        assert audit.verify(session) is None
        chain = session.execute(text("SELECT prev_hash, entry_hash FROM trip_event WHERE trip_id = 1 "
                                     "ORDER BY id")).all()
    engine.dispose()
    assert [link.prev_hash for link in chain] == [GENESIS, chain[0].entry_hash]
