"""Upgrading to the two filing stages: each filing of today becomes a 备案基本信息 version and a 二审 version with
the same number, state and reviews, so an agency in force stays in force and one under review stays there."""
from __future__ import annotations

import json
import sqlite3

from sqlalchemy import select
from sqlalchemy.orm import Session

from migrations import upgrade
from models import Filing, FilingStage
from services.core.runtime import make_engine
from services.filing import filings

AT = "2026-11-20 01:00:00.000000"
BASIC = {"name": "老机构", "address": "金山区老路 1 号"}
SNAPSHOT = {"staff": [{"id": 1, "name": "张伟"}], "equipment": [{"id": 1, "name": "pH 计"}]}


def test_todays_filings_map_onto_both_stages_with_their_status_and_reviews(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    upgrade(url, "0017_accounts")  # the revision before the two stages
    with sqlite3.connect(tmp_path / "old.sqlite3") as connection:
        connection.executemany(
            "INSERT INTO agency (id, name, kind, filing_status, created_at) VALUES (?, ?, 'monitoring', ?, ?)",
            [(1, "在册机构", "approved", AT), (2, "审核中机构", "submitted", AT)])
        connection.execute("INSERT INTO user_account (id, username, password_hash, display_name, role, active, "
                           "created_at) VALUES (1, 'regulator1', 'x', '金山区', 'regulator', 1, ?)", (AT,))
        connection.executemany(
            "INSERT INTO filing (id, agency_id, version, state, basic, snapshot, submitted_at, decided_at, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(1, 1, 1, "approved", json.dumps(BASIC), json.dumps(SNAPSHOT), AT, AT, AT),
             (2, 2, 1, "first_approved", json.dumps(BASIC), json.dumps(SNAPSHOT), AT, None, AT)])
        connection.execute("INSERT INTO filing_review (filing_id, reviewer_id, stage, decision, at) "
                           "VALUES (2, 1, 'first', 'approve', ?)", (AT,))
    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as s:
        rows = s.scalars(select(Filing).order_by(Filing.agency_id, Filing.stage)).all()
        assert [(r.agency_id, r.stage, r.version, r.state) for r in rows] == [
            (1, "basic", 1, "approved"), (1, "resources", 1, "approved"),
            (2, "basic", 1, "first_approved"), (2, "resources", 1, "first_approved")]
        basic, resources = rows[2], rows[3]
        assert (basic.basic, basic.snapshot) == (BASIC, {}) and (resources.basic, resources.snapshot) == ({}, SNAPSHOT)
        assert [(r.round, r.decision, r.reviewer_id) for r in resources.reviews] == [("first", "approve", 1)]
        assert [(r.round, r.decision) for r in basic.reviews] == [("first", "approve")]
        assert filings.may_run_tasks(s, 1) and not filings.may_run_tasks(s, 2)
        assert filings.filed_resources(s, 1).snapshot == SNAPSHOT
        assert filings.in_force(s, 1, FilingStage.BASIC).basic == BASIC
    engine.dispose()
