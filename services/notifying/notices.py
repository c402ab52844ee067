"""站内通知: what a user is told, on the desk and — when their WeChat is bound — as a 工作提醒 template message.
Once per cause: the cause names why (e.g. "urging:12"), so a retried run or a second click tells nobody twice."""
from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import Notice, Role, Urging, User, clock
from services.core import links
from services.core.uow import UnitOfWork
from services.notifying import notify
from states.templates import WORK_NOTICE

DESK_PATH = "/notices"


def notify_user(uow: UnitOfWork, user: User, cause: str, title: str, body: str, sender: str,
                urging: Urging | None = None) -> Notice | None:
    """The new notice, or None when this user was already told of this cause."""
    db = uow.session
    if db.scalar(select(Notice.id).where(Notice.user_id == user.id, Notice.cause == cause)) is not None:
        return None
    notice = Notice(user_id=user.id, cause=cause, title=title, body=body, link=DESK_PATH, urging=urging)
    try:
        with db.begin_nested():  # the same cause told at the same moment by another process
            db.add(notice)
    except IntegrityError:
        return None
    if user.binding is not None:
        notify.send_template(uow, user.binding.openid, WORK_NOTICE,
                             links.url(uow.config.public_base_url, WORK_NOTICE.page, None),
                             keyword1=title, keyword2=sender, keyword3=clock.fmt(clock.now()), keyword4=body)
    return notice


def agency_admins(db: Session, agency_id: int) -> list[User]:
    """The active administrators of an agency: who is told what the agency must act on."""
    return list(db.scalars(select(User).where(User.agency_id == agency_id, User.active,
                                              User.role == Role.AGENCY_ADMIN)))


def polluter_confirmers(db: Session, polluter_id: int) -> list[User]:
    """The active confirmers of a polluter: who is told what the polluter must check or sign."""
    return list(db.scalars(select(User).where(User.polluter_id == polluter_id, User.active,
                                              User.role == Role.POLLUTER_CONFIRMER)))


def of_user(db: Session, user: User, limit: int = 100) -> list[Notice]:
    return list(db.scalars(select(Notice).where(Notice.user_id == user.id)
                           .order_by(Notice.created_at.desc(), Notice.id.desc()).limit(limit)))


def unread(db: Session, user: User) -> int:
    return db.scalar(select(func.count()).select_from(Notice).where(Notice.user_id == user.id,
                                                                     Notice.read_at.is_(None))) or 0


def mark_read(uow: UnitOfWork, user: User) -> None:
    uow.session.execute(update(Notice).where(Notice.user_id == user.id, Notice.read_at.is_(None))
                        .values(read_at=clock.now()))
    uow.commit()
