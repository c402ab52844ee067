"""What every machine declared in `states/` shares: transitions written with StrEnum members, one machine per
declaration whose triggers are attached once per loaded row, with the state read from and written to a column of
that row."""
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


# one machine per declared machine (its steps, transitions and state column), built on first use: building a
# `Machine` (its states, transitions and events) for every loaded row cost more than the trigger it then fired
_SHARED: dict[tuple, tuple[list[dict], Machine]] = {}


def shared(steps: type[StrEnum], transitions: list[dict], attribute: str = "state") -> Machine:
    """The one machine of these steps and transitions, with no model of its own."""
    key = (steps, id(transitions), attribute)
    known = _SHARED.get(key)
    if known is None or known[0] is not transitions:  # the list is kept, so its id is never another list's
        machine = Machine(model=[], states=[s.value for s in steps], transitions=transitions, initial=None,
                          model_attribute=attribute, auto_transitions=False, send_event=False)
        known = _SHARED[key] = (transitions, machine)
    return known[1]


def attach(row, steps: type[StrEnum], transitions: list[dict], initial: StrEnum, attribute: str = "state") -> Machine:
    """Give `row` the triggers of its machine (`row.proceed()`, `row.may_proceed()`; once per loaded row),
    starting from the state stored in `row.<attribute>`. The row is added to the shared machine and removed
    again at once: transitions documents that a removed model keeps its triggers, and the machine then holds no
    reference to rows that outlive their session."""
    machine = shared(steps, transitions, attribute)
    if "_machine" not in row.__dict__:
        machine.add_model(row, initial=str(getattr(row, attribute) or initial))
        machine.remove_model(row)
        row.__dict__["_machine"] = machine
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
