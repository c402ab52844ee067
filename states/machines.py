"""What every machine declared in `states/` shares: transitions written with StrEnum members, attached once
per loaded row, with the state read from and written to a column of that row."""
from __future__ import annotations

from enum import StrEnum

from transitions import Machine


def as_values(transitions: list[dict]) -> list[dict]:
    """The transitions with states as plain strings: transitions treats Enum members by name, the database
    holds the values."""
    def value(states):  # a list of states, one state, or None (an internal transition)
        if states is None:
            return None
        return [str(s) for s in states] if isinstance(states, list) else str(states)
    return [{**t, "source": value(t["source"]), "dest": value(t["dest"])} for t in transitions]


def attach(row, steps: type[StrEnum], transitions: list[dict], initial: StrEnum, attribute: str = "state") -> Machine:
    """The machine of `row` (created once per loaded row), starting from the state stored in `row.<attribute>`."""
    machine = row.__dict__.get("_machine")
    if machine is None:
        machine = row.__dict__["_machine"] = Machine(
            model=row, states=[s.value for s in steps], transitions=transitions,
            initial=str(getattr(row, attribute) or initial), model_attribute=attribute, auto_transitions=False,
            send_event=False)
    return machine


def state_names(steps: type[StrEnum], labels: dict) -> dict[str, str]:
    """Each step's Chinese label (as pages, chat and event logs show it), keyed by the stored value. Declared
    beside the machine, once: a step left without a label fails at import rather than on a page."""
    missing = [str(s) for s in steps if s not in labels]
    if missing:
        raise ValueError(f"{steps.__module__}: no label for {', '.join(missing)}")
    return {str(s): labels[s] for s in steps}


def may(row, trigger: str) -> bool:
    """Whether `trigger` is allowed from the row's state and its guards pass (the machine attached)."""
    return getattr(row, f"may_{trigger}")()
