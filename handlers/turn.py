"""One incoming message: its unit of work, chat session, sender and delivery key."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from services import accounts
from services.uow import UnitOfWork


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
