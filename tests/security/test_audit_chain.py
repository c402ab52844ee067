"""The tamper-evident record: trip and O&M visit events are hash-chained per subject, each day's root is sealed,
and `emss audit verify` finds a row changed, removed or forged behind the app's back."""
from __future__ import annotations

import threading
from datetime import time, timedelta

import pytest
from sqlalchemy import event, select, text

from models import OmVisitEvent, SamplingTrip, TripEvent, clock
from models import audit as chain
from models.audit import GENESIS
from services.core import audit
from tests.support import om as om_support
from tests.support import records
from web import cli


@pytest.fixture
def trip_id(demo_world, runtime, phone):
    return records.confirmed_trip(runtime, phone)


@pytest.fixture
def command_line(config, monkeypatch):
    """`emss` run against the test database and Redis."""
    monkeypatch.setenv("DATABASE_URL", config.database_url)
    monkeypatch.setenv("REDIS_URL", config.redis_url or "")
    monkeypatch.setenv("EMSS_DEV", "1")


def _events(runtime, trip_id: int) -> list[TripEvent]:
    with runtime.sessions() as s:
        return list(s.scalars(select(TripEvent).where(TripEvent.trip_id == trip_id).order_by(TripEvent.id)))


def _sql(runtime, statement: str, **values) -> None:
    with runtime.engine.begin() as connection:
        connection.execute(text(statement), values)


def _verify(runtime, since=None):
    with runtime.sessions() as s:
        return audit.verify(s, since)


def _append(runtime, trip_id: int, action: str, **values) -> None:
    with runtime.sessions() as s:
        s.add(TripEvent(trip_id=trip_id, action=action, detail={"note": action}, **values))
        s.commit()


def test_a_chat_trip_and_its_confirmation_leave_one_unbroken_chain(trip_id, runtime):
    events = _events(runtime, trip_id)
    assert len(events) > 3 and events[0].prev_hash == GENESIS
    assert [e.prev_hash for e in events[1:]] == [e.entry_hash for e in events[:-1]]
    assert _verify(runtime) is None


def test_an_om_visit_log_is_chained_too(demo_world, app, runtime):
    visit_id = om_support.awaiting_visit(app)
    with runtime.sessions() as s:
        s.add(OmVisitEvent(visit_id=visit_id, action="opened", detail={"distance_m": 18.5}))
        s.add(OmVisitEvent(visit_id=visit_id, action="signed"))
        s.commit()
        first, second = s.scalars(select(OmVisitEvent).order_by(OmVisitEvent.id)).all()[-2:]
    assert second.prev_hash == first.entry_hash
    assert _verify(runtime) is None


def test_an_event_edited_in_sql_is_caught_naming_the_trip_and_the_entry(trip_id, runtime):
    edited = _events(runtime, trip_id)[2]
    _sql(runtime, "UPDATE trip_event SET action = 'forged' WHERE id = :id", id=edited.id)
    broken = _verify(runtime)
    assert f"采样行程 #{trip_id}" in str(broken) and f"第 {edited.id} 号记录" in str(broken)
    assert "内容与其哈希不符" in broken.reason


def test_a_deleted_entry_is_caught_at_the_one_that_followed_it(trip_id, runtime):
    events = _events(runtime, trip_id)
    _sql(runtime, "DELETE FROM trip_event WHERE id = :id", id=events[1].id)
    broken = _verify(runtime)
    assert f"第 {events[2].id} 号记录" in broken.where and "接不上" in broken.reason


def test_a_forged_entry_inserted_in_sql_is_caught(trip_id, runtime):
    tip = _events(runtime, trip_id)[-1]
    _sql(runtime, "INSERT INTO trip_event (trip_id, at, action, detail, prev_hash, entry_hash) "
                  "VALUES (:trip, :at, 'approve', '{}', :prev, :fake)",
         trip=trip_id, at=clock.now(), prev=tip.entry_hash, fake="f" * 64)
    broken = _verify(runtime)
    assert f"采样行程 #{trip_id}" in broken.where and "伪造" in broken.reason


def test_a_sealed_day_root_exposes_a_removed_last_entry_the_chain_alone_cannot(trip_id, runtime):
    yesterday = clock.today() - timedelta(days=1)
    for hour in (10, 11):
        _append(runtime, trip_id, f"late_note_{hour}", at=clock.at_local(yesterday, time(hour)))
    with runtime.sessions() as s:
        sealed, new = audit.seal(s, yesterday)
        s.commit()
        assert new and sealed.chains == 1
        again, new = audit.seal(s, yesterday)
        assert (again.root, new) == (sealed.root, False)
    _sql(runtime, "DELETE FROM trip_event WHERE id = :id", id=_events(runtime, trip_id)[-1].id)
    broken = _verify(runtime, since=yesterday)
    assert yesterday.isoformat() in broken.where and "封存" in broken.reason


def test_today_cannot_be_sealed_before_it_is_over(runtime):
    with runtime.sessions() as s, pytest.raises(audit.NotOver, match="not_over"):
        audit.seal(s, clock.today())


def test_two_writers_appending_at_once_do_not_fork_the_chain(trip_id, runtime):
    first = runtime.sessions()
    first.add(TripEvent(trip_id=trip_id, action="writer_a"))
    first.flush()  # holds the trip's chain (its row lock, or SQLite's write lock) until it commits
    second = threading.Thread(target=_append, args=(runtime, trip_id, "writer_b"))
    second.start()
    second.join(timeout=0.3)
    assert second.is_alive(), "the second writer should wait for the first"
    first.commit()
    first.close()
    second.join(timeout=30)
    events = _events(runtime, trip_id)
    assert [e.action for e in events[-2:]] == ["writer_a", "writer_b"]
    assert events[-1].prev_hash == events[-2].entry_hash and _verify(runtime) is None


def test_a_trip_the_use_case_locked_itself_is_not_locked_again_for_its_log_until_the_next_transaction(trip_id, runtime):
    locks = []

    def count(_conn, _cursor, statement, *_):
        if "FOR UPDATE" in statement and "sampling_trip" in statement:
            locks.append(statement)

    event.listen(runtime.engine, "before_cursor_execute", count)
    try:
        with runtime.sessions() as s:
            trip = s.scalar(select(SamplingTrip).where(SamplingTrip.id == trip_id).with_for_update())
            chain.hold(s, trip)
            s.add(TripEvent(trip_id=trip_id, action="held", detail={}))
            s.commit()  # ends the transaction: its lock and what it noted are gone
            held_locks = len(locks)
            s.add(TripEvent(trip_id=trip_id, action="after", detail={}))
            s.commit()
    finally:
        event.remove(runtime.engine, "before_cursor_execute", count)
    on_postgresql = runtime.engine.dialect.name == "postgresql"  # SQLite serialises writers without row locks
    assert (held_locks, len(locks)) == ((1, 2) if on_postgresql else (0, 0))
    events = _events(runtime, trip_id)
    assert [e.action for e in events[-2:]] == ["held", "after"] and _verify(runtime) is None


def test_the_command_line_says_whole_then_names_the_break(trip_id, runtime, command_line, capsys):
    assert cli.main(["audit", "verify"]) == 0 and "记录完整" in capsys.readouterr().out
    edited = _events(runtime, trip_id)[0]
    _sql(runtime, "UPDATE trip_event SET detail = '{\"x\": 1}' WHERE id = :id", id=edited.id)
    assert cli.main(["audit", "verify", "--since", clock.today().isoformat()]) == 1
    assert f"采样行程 #{trip_id} 的第 {edited.id} 号记录" in capsys.readouterr().err


def test_the_regulator_desk_shows_today_s_root_and_the_sealed_days(trip_id, runtime, client, login):
    yesterday = clock.today() - timedelta(days=1)
    _append(runtime, trip_id, "late_note", at=clock.at_local(yesterday, time(9)))
    with runtime.sessions() as s:
        sealed, _ = audit.seal(s, yesterday)
        s.commit()
        today_root, _ = audit.root_of(s, clock.today())
    login("regulator1")
    page = client.get("/regulator/").get_data(as_text=True)
    block = page.split("今日记录根哈希")[1]
    assert clock.today().isoformat() in block and today_root in block
    assert yesterday.isoformat() in block and sealed.root in block


def test_the_daily_seal_stores_yesterday_once_and_refuses_today(runtime, command_line, capsys):
    yesterday = (clock.today() - timedelta(days=1)).isoformat()
    assert cli.main(["audit", "seal"]) == 0 and f"{yesterday} 记录根哈希已封存" in capsys.readouterr().out
    assert cli.main(["audit", "seal", yesterday]) == 0 and "此前已封存，未改动" in capsys.readouterr().out
    assert cli.main(["audit", "seal", clock.today().isoformat()]) == 2 and "尚未结束" in capsys.readouterr().err
    with pytest.raises(SystemExit, match="2"):
        cli.main(["audit", "verify", "--since", "昨天"])
    assert "日期格式应为 YYYY-MM-DD" in capsys.readouterr().err


def test_findings_raised_and_decided_join_the_chain_and_a_decision_edited_in_sql_is_caught(client, runtime):
    """Issue 12 §5: a finding's appearance and the regulator's decision on it are entries of the trip's chained
    findings log (kept apart from the log the agency and the polluter read); rewriting the reason of a clearance
    afterwards breaks the chain."""
    from models import Finding, TripFindingLog, User
    from services.findings import decisions
    from tests.integration.test_scenario_planted import planted

    assert client.post("/fake-wechat/scenario", json=planted()).status_code == 200
    with runtime.sessions() as s:
        finding = s.scalars(select(Finding).where(Finding.code == "outside_fence")).one()
        trip = finding.trip_id
        logged = s.scalars(select(TripFindingLog).where(TripFindingLog.trip_id == trip)).all()
        assert [(e.action, e.code, e.actor_id) for e in logged] == [("raised", "outside_fence", None)]
        assert not s.scalars(select(TripEvent).where(TripEvent.trip_id == trip,
                                                     TripEvent.action.like("finding%"))).all()
        regulator = s.scalars(select(User).where(User.role == "regulator")).first()
        decisions.decide(s, finding, regulator, "cleared", "现场核实：围栏登记有误")
        s.commit()
        decided = s.scalars(select(TripFindingLog).where(TripFindingLog.trip_id == trip,
                                                         TripFindingLog.action == "decided")).one()
        assert (decided.detail, decided.actor_id) == ({"status": "cleared", "reason": "现场核实：围栏登记有误"},
                                                      regulator.id)
        assert decided.prev_hash == logged[0].entry_hash
    assert _verify(runtime) is None
    _sql(runtime, "UPDATE trip_finding_log SET detail = :detail WHERE id = :id",
         detail='{"status": "cleared", "reason": "无"}', id=decided.id)
    broken = _verify(runtime)
    assert f"采样行程的异常线索记录 #{trip}" in broken.where and "内容与其哈希不符" in broken.reason


def test_a_finding_that_no_longer_holds_is_logged_as_withdrawn(client, runtime):
    from models import Finding, TripFindingLog
    from services.findings import engine
    from services.findings.facts import Subject
    from tests.integration.test_scenario_planted import planted

    assert client.post("/fake-wechat/scenario", json=planted()).status_code == 200
    with runtime.sessions() as s:
        finding = s.scalars(select(Finding).where(Finding.code == "outside_fence")).one()
        trip = finding.trip_id
        s.execute(text("UPDATE polluter SET fence_radius_m = 5000"))  # the fence was registered too small
        engine.rescan(s, Subject("trip", trip))
        s.commit()
        assert s.get(Finding, finding.id) is None
        assert [e.action for e in s.scalars(select(TripFindingLog).where(TripFindingLog.trip_id == trip)
                                            .order_by(TripFindingLog.id))] == ["raised", "withdrawn"]
    assert _verify(runtime) is None
