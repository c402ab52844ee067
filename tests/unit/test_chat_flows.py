"""The flow table (handlers/flows.py): every command and menu key has one owner, roles not allowed to start a flow
are told so in Chinese, and sessions of any layout are read without failing."""
from __future__ import annotations

import re

import pytest

from bot.menu import MENU
from handlers import flows, inbox
from handlers.flows import FLOWS, GENERAL, STEPS
from handlers.turn import Turn
from models import Role, User

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _turn(role: Role | None, session: dict | None = None) -> Turn:
    turn = Turn(uow=None, message=None, session=session if session is not None else {}, openid="o_x", key=None)
    turn.__dict__["user"] = User(username="x", display_name="某某", role=role) if role else None
    return turn


def test_every_word_and_menu_key_names_exactly_one_command():
    words = [word for command in GENERAL for word in command.words]
    words += [word for flow in FLOWS.values() for command in flow.commands for word in command.words]
    assert len(words) == len(set(words))
    names = [command.name for command in GENERAL] + [c.name for flow in FLOWS.values() for c in flow.commands]
    assert len(names) == len(set(names))


def test_every_menu_button_key_starts_one_flow_or_is_a_general_command():
    clicks = [button["key"] for group in MENU["button"] for button in group.get("sub_button", [group])
              if button.get("type") == "click"]
    table = flows.commands()
    owners = {key: table[key][1] for key in clicks}
    assert owners == {"SAMPLING_TASKS": FLOWS["trip"], "OM_TASKS": FLOWS["om"], "ACCOUNT_INFO": FLOWS["account"],
                      "PRESENCE": FLOWS["presence"], "STATUS": None, "HELP": None}
    for key, flow in owners.items():
        starting = [f for f in FLOWS.values() if any(key in c.words for c in f.commands)]
        assert starting == ([flow] if flow else [])


def test_the_step_commands_are_answered_by_every_field_work():
    for flow in FLOWS.values():
        if flow.work:
            assert all(callable(flow.work.step(step)) for step in STEPS)
    assert flows.work_of(Role.OM_CREW) is FLOWS["om"].work
    assert flows.work_of(Role.SAMPLER) is FLOWS["trip"].work
    assert flows.work_of(Role.REGULATOR) is flows.DEFAULT_WORK


@pytest.mark.parametrize("flow", [f for f in FLOWS.values() if f.refusal], ids=lambda f: f.name)
def test_a_role_that_may_not_start_a_flow_is_refused_in_chinese(flow):
    for command in flow.commands:
        for role in Role:
            if role in command.by:
                continue
            reply = inbox.command(_turn(role), command.words[0])
            assert reply == flow.refusal and CHINESE.search(reply), (flow.name, role)


def test_an_unbound_user_may_only_bind_or_read_the_help():
    for word, (command, _) in flows.commands().items():
        if command.name not in ("help", "account"):
            assert "尚未绑定" in inbox.command(_turn(None), word)


# --- sessions -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("old", "new"), [
    ({"choices": [3, 4], "trip": 7, "cancel": 7, "live": {"count": 1, "until": 0}},
     {"flow": {"name": "trip", "choices": [3, 4], "subject": 7, "cancel": 7}, "live": {"count": 1, "until": 0}}),
    ({"om_choices": [5], "om_visit": 9, "om_cancel": 9, "om_shown": [9, "sheet_form", 2, "flow"]},
     {"flow": {"name": "om", "choices": [5], "subject": 9, "cancel": 9, "shown": [9, "sheet_form", 2, "flow"]}}),
    ({"receipt": {"choices": [11, 12]}}, {"flow": {"name": "receipt", "choices": [11, 12]}}),
    ({"receipt": {"task": 11}}, {"flow": {"name": "receipt", "subject": 11}}),
    ({"bind": {"step": "password", "username": "sampler1"}},
     {"flow": {"name": "account", "step": "password", "username": "sampler1"}}),
    ({"unbind": True, "trip": 7}, {"flow": {"name": "account", "step": "unbind"}}),
], ids=["trip", "om", "receipt-list", "receipt-task", "bind", "unbind"])
def test_a_session_in_the_old_layout_is_read_in_the_new_one(old, new):
    flows.restore(old)
    assert old == new


@pytest.mark.parametrize("strange", [
    {"flow": "trip"}, {"flow": {"name": "nonsense"}}, {"flow": {"name": "trip", "subject": "7"}},
    {"flow": {"name": "om", "choices": "1,2"}}, {"flow": {"name": "trip", "cancel": True}},
    {"flow": {"name": "account"}}, {"trip": "x"}, {"choices": [None]}, {"om_visit": [1]}, {"om_choices": 5},
    {"om_visit": 3, "om_shown": [3]}, {"flow": {"name": "trip", "choices": {"1": 2}}},
])
def test_a_session_of_a_strange_shape_is_read_as_empty(strange):
    flows.restore(strange)
    assert "flow" not in strange and not set(strange) & {"trip", "choices", "om_visit"}


def test_a_flow_begun_by_a_mere_look_is_not_kept():
    turn = _turn(Role.SAMPLER)
    assert turn.flow("trip") == {"name": "trip"}
    turn.tidy()
    assert turn.session == {}
    turn.flow("trip")["subject"] = 3
    turn.tidy()
    assert turn.session == {"flow": {"name": "trip", "subject": 3}}


def test_another_flow_holding_the_conversation_keeps_its_state():
    turn = _turn(Role.SAMPLER, {"flow": {"name": "account", "step": "unbind"}})
    turn.flow("trip")["subject"] = 3  # a hint of the trip while the unbind question is open: not kept
    assert turn.session == {"flow": {"name": "account", "step": "unbind"}}
    turn.enter("trip", choices=[1])
    assert turn.session == {"flow": {"name": "trip", "choices": [1]}}
