"""One incoming message: its unit of work, chat session, sender and delivery key."""
from __future__ import annotations

from dataclasses import dataclass

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

    @property
    def runtime(self):
        return self.uow.runtime

    @property
    def user(self):
        if "_user" not in self.__dict__:
            self.__dict__["_user"] = accounts.user_for_openid(self.db, self.openid)
        return self.__dict__["_user"]
