"""The `emss` command line on a fresh instance folder (the embedded default)."""
from __future__ import annotations

import sqlite3

import pytest

from web import cli


@pytest.fixture
def instance(tmp_path, monkeypatch):
    for name in ("DATABASE_URL", "REDIS_URL", "MEDIA_ROOT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("EMSS_INSTANCE", str(tmp_path))
    monkeypatch.setenv("EMSS_DEV", "1")  # the demo world is for development only
    return tmp_path


def _count(folder, table: str) -> int:
    with sqlite3.connect(folder / "emss.sqlite3") as connection:
        return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_upgrade_then_demo_twice_loads_the_demo_once(instance, capsys):
    assert cli.main(["db", "upgrade"]) == 0
    assert cli.main(["demo"]) == 0
    users, visits = _count(instance, "user_account"), _count(instance, "visit")
    assert cli.main(["demo"]) == 0
    assert (_count(instance, "user_account"), _count(instance, "visit")) == (users, visits)
    out = capsys.readouterr().out
    assert "演示数据已加载" in out and "未重复加载" in out and "demo1234" in out


def test_the_demo_world_is_refused_in_production(instance, monkeypatch, capsys):
    """Its accounts share a published password: loaded on a real city's server they would be open doors."""
    monkeypatch.delenv("EMSS_DEV")
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    assert cli.main(["db", "upgrade"]) == 0
    assert cli.main(["demo"]) == 2
    assert "演示数据只用于开发和测试" in capsys.readouterr().err
    assert _count(instance, "user_account") == 0


def test_a_worker_needs_a_real_redis(instance, capsys):
    assert cli.main(["worker"]) == 2
    assert "REDIS_URL" in capsys.readouterr().err


def test_the_daily_run_generates_the_om_plans_visits_once(instance, capsys):
    assert cli.main(["db", "upgrade"]) == 0 and cli.main(["demo"]) == 0
    visits = _count(instance, "om_visit")
    capsys.readouterr()
    assert cli.main(["om-visits"]) == 0  # the demo plan's visits through the next 30 days
    generated = _count(instance, "om_visit")
    assert f"已生成 {generated - visits} 个现场运维任务" in capsys.readouterr().out
    assert cli.main(["om-visits"]) == 0 and _count(instance, "om_visit") == generated
    assert "已生成 0 个现场运维任务" in capsys.readouterr().out


def test_rehash_indexes_the_photos_stored_before_near_duplicates_were_searched(instance, capsys):
    from services.adapters.field_pictures import chimney, encode
    from services.adapters.photos import dct_hash_of
    from states.neardup import BANDS

    assert cli.main(["db", "upgrade"]) == 0 and cli.main(["demo"]) == 0
    (instance / "media" / "trips").mkdir(parents=True)
    data = encode(chimney(1))
    (instance / "media" / "trips" / "1.jpg").write_bytes(data)
    with sqlite3.connect(instance / "emss.sqlite3") as connection:
        for photo_id, path in ((1, "trips/1.jpg"), (2, "trips/gone.jpg")):  # the second original was deleted
            connection.execute(
                "INSERT INTO photo (id, purpose, sent_by_id, received_at, media_id, live, status, original_path) "
                "VALUES (?, 'arrival', 1, '2026-11-20 01:00:00', 'm', 0, 'ready', ?)", (photo_id, path))
    capsys.readouterr()
    assert cli.main(["photos", "rehash"]) == 0
    assert "已为 1 张照片补算感知哈希" in capsys.readouterr().out
    assert _count(instance, "photo_band") == BANDS
    with sqlite3.connect(instance / "emss.sqlite3") as connection:
        stored = connection.execute("SELECT dct_hash FROM photo WHERE id = 1").fetchone()[0]
    assert stored == dct_hash_of(data)


def test_a_scenario_loaded_from_the_command_line_finds_its_findings_without_an_app(instance, capsys, caplog):
    """The embedded default runs jobs inline: a one-shot command has no Flask app, its jobs get the runtime."""
    assert cli.main(["db", "upgrade"]) == 0
    assert cli.main(["scenario", "load", "examples/scenario-planted.json"]) == 0
    assert not [r for r in caplog.records if "failed" in r.getMessage()]
    assert _count(instance, "finding") > 0
    assert cli.main(["reminders"]) == 0 and "条提醒" in capsys.readouterr().out
