"""One incoming message: its unit of work, chat session, sender and delivery key."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from services import accounts
from services.uow import UnitOfWork


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
