"""Upgrading to accounts with scopes: today's regulators keep what their pages promised (a district, or the whole
city for those with none, whose pages said 全部辖区), and today's polluter users keep managing their colleagues."""
from __future__ import annotations

import sqlite3

from sqlalchemy import text

from migrations import upgrade
from services.core.runtime import make_engine

USERS = [("jinshan", "regulator", "金山区"), ("city", "regulator", None), ("wang", "polluter_confirmer", None),
         ("zhang", "sampler", None)]


def test_existing_accounts_get_their_scope_and_manager_flag(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    upgrade(url, "0016_scale")  # the revision before accounts with scopes
    with sqlite3.connect(tmp_path / "old.sqlite3") as connection:
        connection.executemany(
            "INSERT INTO user_account (username, password_hash, display_name, role, district, active, created_at) "
            "VALUES (?, 'x', ?, ?, ?, 1, '2026-11-20 01:00:00.000000')",
            [(name, name, role, district) for name, role, district in USERS])
    upgrade(url)
    engine = make_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT username, scope, manages_accounts, session_epoch, "
                                       "must_change_password FROM user_account ORDER BY id")).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [("jinshan", "district", 0, 0, 0), ("city", "city", 0, 0, 0),
                                        ("wang", None, 1, 0, 0), ("zhang", None, 0, 0, 0)]
