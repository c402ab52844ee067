"""Services own the transactions: a use case commits when it returns, one called by another commits with it, a
refused one commits nothing; a chat turn is one use case however many it calls."""
from __future__ import annotations

import pytest
from sqlalchemy import event, func, select

from models import OutboundMessage
from services.core.uow import UnitOfWork, transaction, use_case


class Refused(Exception):
    pass


@transaction
def note(uow: UnitOfWork, openid: str) -> OutboundMessage:
    message = OutboundMessage(kind="text", openid=openid, payload={"content": "你好"})
    uow.session.add(message)
    uow.session.flush()
    return message


@transaction
def note_twice(uow: UnitOfWork, openid: str, refuse_after: bool = False) -> None:
    note(uow, openid)
    note(uow, openid)
    if refuse_after:
        raise Refused


def stored(runtime, openid: str) -> int:
    with runtime.sessions() as s:
        return s.scalar(select(func.count(OutboundMessage.id)).where(OutboundMessage.openid == openid))


def commits_of(uow: UnitOfWork) -> list[int]:
    counted: list[int] = []
    event.listen(uow.session, "after_commit", lambda _session: counted.append(1))
    return counted


def test_a_use_case_keeps_what_it_did_without_the_caller_committing(runtime):
    with UnitOfWork(runtime) as uow:
        note(uow, "o-single")
    assert stored(runtime, "o-single") == 1


def test_a_use_case_inside_another_commits_once_with_the_outer_one(runtime):
    with UnitOfWork(runtime) as uow:
        counted = commits_of(uow)
        note_twice(uow, "o-nested")
    assert stored(runtime, "o-nested") == 2 and len(counted) == 1


def test_a_refused_use_case_keeps_nothing_of_what_its_inner_use_cases_did(runtime):
    with UnitOfWork(runtime) as uow:
        with pytest.raises(Refused):
            note_twice(uow, "o-refused", refuse_after=True)
    assert stored(runtime, "o-refused") == 0


def test_a_refusal_leaves_nothing_pending_for_the_view_that_shows_it(runtime):
    """The page that says no reads what is recorded: the refused use case's half-made rows are gone at once, not
    flushed by the page's next query and not waiting for a rollback the view would have to remember."""
    with UnitOfWork(runtime) as uow:
        with pytest.raises(Refused):
            note_twice(uow, "o-page", refuse_after=True)
        assert not uow.session.new and uow.session.scalar(
            select(func.count(OutboundMessage.id)).where(OutboundMessage.openid == "o-page")) == 0
        note(uow, "o-page-next")  # the next use case of the same request commits only its own work
    assert stored(runtime, "o-page") == 0 and stored(runtime, "o-page-next") == 1


def test_a_chat_turn_is_one_use_case_however_many_it_calls(runtime):
    with UnitOfWork(runtime) as uow:
        counted = commits_of(uow)
        with use_case(uow.session):
            note(uow, "o-turn")
            note(uow, "o-turn")
        assert len(counted) == 1
    assert stored(runtime, "o-turn") == 2


def test_a_use_case_handed_a_row_commits_the_rows_session(runtime):
    with UnitOfWork(runtime) as uow:
        message = note(uow, "o-row")
        mark_sent(message)
    with runtime.sessions() as s:
        assert s.scalars(select(OutboundMessage.status).where(OutboundMessage.openid == "o-row")).one() == "sent"


@transaction
def mark_sent(message: OutboundMessage) -> None:
    message.status = "sent"



def test_a_person_who_leaves_the_agency_loses_entry_and_account_in_one_commit(demo_world, runtime):
    from models import Staff, User
    from services.users import staff_accounts

    with UnitOfWork(runtime) as uow:
        person = uow.session.scalars(select(Staff).join(Staff.user).where(Staff.active, User.active)).first()
        admin = uow.session.scalars(select(User).where(User.username == "agency1")).one()
        counted = commits_of(uow)
        assert staff_accounts.leaves(uow.session, admin, person) is True
        assert len(counted) == 1
        staff_id = person.id
    with runtime.sessions() as s:
        person = s.get(Staff, staff_id)
        assert not person.active and not person.user.active and person.user.binding is None
