"""What every machine declared in `states/` shares: transitions written with StrEnum members, attached once
per loaded row, with the state read from and written to a column of that row."""
from __future__ import annotations

from enum import StrEnum

from transitions import Machine


def as_values(transitions: list[dict]) -> list[dict]:
    """The transitions with states as plain strings: transitions treats Enum members by name, the database
    holds the values."""
    def value(states):
        return [str(s) for s in states] if isinstance(states, list) else str(states)
    return [{**t, "source": value(t["source"]), "dest": value(t["dest"])} for t in transitions]


def attach(row, steps: type[StrEnum], transitions: list[dict], initial: StrEnum) -> Machine:
    """The machine of `row` (created once per loaded row), starting from the state stored in `row.state`."""
    machine = row.__dict__.get("_machine")
    if machine is None:
        machine = row.__dict__["_machine"] = Machine(
            model=row, states=[s.value for s in steps], transitions=transitions,
            initial=str(row.state or initial), model_attribute="state", auto_transitions=False, send_event=False)
    return machine


def may(row, trigger: str) -> bool:
    """Whether `trigger` is allowed from the row's state and its guards pass (the machine attached)."""
    return getattr(row, f"may_{trigger}")()
