"""督促: a regulator urges an agency or a polluter of its scope to act; every active account that can act on it
(the agency's administrators, the polluter's confirmers) is told on the desk and in WeChat, and the reply is
recorded with the urging and told back to the regulator."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Agency, Notice, Polluter, Role, Urging, User, clock
from services.core import policy
from services.core.refusal import Refusal
from services.core.uow import UnitOfWork
from services.notifying import notices

REASONS = {
    "unconfirmed_trips": "采样记录未确认",
    "overdue_reports": "监测报告逾期未上传",
    "overdue_om_visits": "现场运维逾期未完成",
    "missing_signatures": "运维记录未签名确认",
    "other": "其他事项",
}
TARGETS = {"agency": (Agency, Role.AGENCY_ADMIN, User.agency_id), "polluter": (Polluter, Role.POLLUTER_CONFIRMER,
                                                                               User.polluter_id)}
MAX_TEXT = 500


class UrgingRefused(Refusal):
    """The urging or the reply cannot be sent as written; the code says why."""

    domain = "urging"


def urge(uow: UnitOfWork, regulator: User, kind: str, target_id: int | None, reason: str, text: str) -> Urging:
    if kind not in TARGETS:
        raise UrgingRefused("kind_required")
    model, role, column = TARGETS[kind]
    target = policy.get(uow.session, regulator, model, target_id) if target_id else None
    if target is None:
        raise UrgingRefused("target_required")
    if reason not in REASONS:
        raise UrgingRefused("reason_required")
    text = text.strip()
    if not 5 <= len(text) <= MAX_TEXT:
        raise UrgingRefused("bad_text", most=MAX_TEXT)
    recipients = list(uow.session.scalars(select(User).where(column == target.id, User.role == role, User.active)))
    if not recipients:
        raise UrgingRefused("nobody_to_tell", name=target.name)
    urging = Urging(sent_by_id=regulator.id, reason=reason, text=text, **{f"{kind}_id": target.id})
    uow.session.add(urging)
    uow.session.flush()
    sender = _sender(regulator)
    for user in recipients:
        notices.notify_user(uow, user, f"urging:{urging.id}", f"督促：{REASONS[reason]}", text, sender, urging)
    uow.commit()
    return urging


def _sender(regulator: User) -> str:
    """Who urges, as the recipient knows them: the district's bureau, the city's, or the park's committee."""
    scope = policy.scope_of(regulator)
    if scope == policy.DISTRICT:
        return f"{regulator.district}生态环境局"
    if scope == policy.PARK and regulator.park is not None:
        return regulator.park.name
    return "市生态环境局" if scope == policy.CITY else "生态环境管理部门"


def reply(uow: UnitOfWork, user: User, urging_id: int, text: str) -> Urging:
    """The reply of one who was urged (the first reply stands; the regulator is told)."""
    urging = uow.session.get(Urging, urging_id)
    told = urging is not None and uow.session.scalar(select(Notice.id).where(
        Notice.urging_id == urging.id, Notice.user_id == user.id)) is not None
    if not told:
        raise UrgingRefused("not_found")
    if urging.reply:
        raise UrgingRefused("already_replied")
    text = text.strip()
    if not 2 <= len(text) <= MAX_TEXT:
        raise UrgingRefused("bad_reply", most=MAX_TEXT)
    urging.reply, urging.replied_by_id, urging.replied_at = text, user.id, clock.now()
    target = urging.agency or urging.polluter
    notices.notify_user(uow, urging.sent_by, f"urging-reply:{urging.id}", f"督促已答复：{target.name}", text,
                        target.name)
    uow.commit()
    return urging


def sent(db: Session, regulator: User, limit: int = 100) -> list[Urging]:
    """The urgings of the regulator and the colleagues of the same scope, newest first."""
    colleagues = select(User.id).where(policy.colleagues(regulator))
    return list(db.scalars(select(Urging).where(Urging.sent_by_id.in_(colleagues))
                           .order_by(Urging.sent_at.desc()).limit(limit)))


def targets(db: Session, regulator: User) -> dict[str, list]:
    return {kind: list(db.scalars(policy.scoped(regulator, model).order_by(model.name)))
            for kind, (model, _role, _column) in TARGETS.items()}
