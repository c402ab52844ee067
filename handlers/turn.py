"""One incoming message: its unit of work, chat session, sender and delivery key.

The chat session holds one flow at a time (handlers/flows.py), in one layout for every flow:
`session["flow"] = {"name": ..., "subject": id, "choices": [ids], ...}` — hints only, the database stays the truth.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from services.core.uow import UnitOfWork
from services.users import accounts

FLOW = "flow"  # the session's one key for the conversation's flow


@dataclass(frozen=True)
class Place:
    """A location message's content as bot/schema.py converted it; `problem` names what was unusable."""
    latitude: float | None
    longitude: float | None
    precision: float | None
    label: str | None
    problem: str | None


@dataclass(frozen=True)
class Picture:
    """An image message's content as bot/schema.py converted it; `problem` names what was unusable."""
    media_id: str
    pic_url: str | None
    problem: str | None


@dataclass
class Turn:
    uow: UnitOfWork
    message: object
    session: dict
    openid: str
    key: str | None

    @property
    def db(self):
        return self.uow.session

    @cached_property
    def user(self):
        """The bound user, or None; binding during this turn assigns it."""
        return accounts.user_for_openid(self.db, self.openid)

    @property
    def place(self) -> Place:
        checked = self.message.checked
        return Place(checked.get("Location_X"), checked.get("Location_Y"), checked.get("Precision"),
                     checked.get("Label"), checked.problem)

    @property
    def picture(self) -> Picture:
        checked = self.message.checked
        return Picture(checked.get("MediaId", ""), checked.get("PicUrl"), checked.problem)

    def flow(self, name: str | None = None) -> dict:
        """The state of the flow holding the conversation ({} when none). With `name`: that flow's state, begun
        when no flow holds the conversation, or a detached {} while another one does (so its hints are not kept)."""
        state = self.session.get(FLOW) or {}
        if name is None or state.get("name") == name:
            return state
        return {"name": name} if state else self.enter(name)

    def enter(self, name: str, **values) -> dict:
        """Make `name` the flow holding the conversation (another flow's state is dropped); set `values`."""
        state = self.session.get(FLOW) or {}
        if state.get("name") != name:
            state = {"name": name}
        state.update(values)
        self.session[FLOW] = state
        return state

    def leave(self) -> dict:
        """End the flow holding the conversation; its last state."""
        return self.session.pop(FLOW, None) or {}

    def tidy(self) -> None:
        """A flow begun by a mere look, with nothing noted, is not kept in the session."""
        if self.session.get(FLOW) == {"name": self.flow().get("name")}:
            self.leave()
