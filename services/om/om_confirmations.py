"""The polluter's signed, same-day confirmation of an O&M visit (运维内容确认): the round opened on submission,
the decision (确认 with a handwritten signature, or 退回 with a reason) and the agency's resubmission.

As for trips (services/sampling/confirmations.py, whose links and token rules are shared): each submission opens one
pending `OmConfirmation` and, per bound polluter user, one single-use expiring link; the first decision of a
round is the only one. A round decided after 24:00 (China time) of the visit day — the day of the arrival
check-in, else the due date — is late (逾期确认); one still pending then is shown as 逾期未确认.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import (
    ConfirmationLink,
    ConfirmationStatus,
    OmConfirmation,
    OmPlan,
    OmVisit,
    OmVisitEvent,
    Role,
    User,
    clock,
)
from services.adapters import signatures
from services.core.uow import transaction
from services.field import checkins, decisions
from services.field.decisions import REASON_MAX, ConfirmationProblem
from services.field.fieldwork import OM_VISIT
from services.notifying import notify, rejections
from services.sampling.confirmations import Invitation, bound_confirmers, issue_link
from states.om_visit import Step

PENDING = str(ConfirmationStatus.PENDING)
# who may resubmit a rejected visit for the agency (policy.AGENCY_ROLES also has samplers, who do no O&M)
RESUBMITTERS = (Role.AGENCY_ADMIN, Role.OM_CREW)


def request(uow, visit: OmVisit, resubmitted: bool = False) -> list:
    """Ask every bound user of the polluter to check and sign the visit's records the same day: a new round,
    and a template message each linking to that user's own page."""
    return notify.ask_to_sign(uow, visit, open_round(uow, visit), resubmitted)


def open_round(uow, visit: OmVisit) -> list[Invitation]:
    """A new pending confirmation of the visit, with a fresh link for every bound polluter user."""
    confirmation = OmConfirmation(status=PENDING)
    visit.confirmations.append(confirmation)
    return [Invitation(openid, issue_link(uow, confirmation, user))
            for user, openid in bound_confirmers(uow.session, visit.plan.polluter_id)]


def latest(visit: OmVisit) -> OmConfirmation | None:
    return visit.confirmations[-1] if visit.confirmations else None


def pending(visit: OmVisit) -> OmConfirmation | None:
    """The round waiting for the polluter's signature, if the visit is waiting for one."""
    current = latest(visit)
    waiting = visit.state == Step.AWAITING_CONFIRMATION and current is not None
    return current if waiting and current.status == PENDING else None


def awaiting(db: Session, polluter_id: int) -> list[OmVisit]:
    """The polluter's O&M visits submitted and waiting for its signature, oldest first."""
    query = (
        select(OmVisit)
        .join(OmPlan, OmPlan.id == OmVisit.plan_id)
        .where(OmPlan.polluter_id == polluter_id, OmVisit.state == Step.AWAITING_CONFIRMATION)
        .order_by(OmVisit.submitted_at, OmVisit.id)
    )
    return list(db.scalars(query))


# --- the same-day deadline ------------------------------------------------------------------------------------

visit_day = checkins.om_visit_day


def deadline(db: Session, visit: OmVisit) -> datetime:
    """24:00 of the visit day, China time: a decision from this moment on is late."""
    return clock.at_local(visit_day(db, visit) + timedelta(days=1), time(0, 0))


def is_late(db: Session, visit: OmVisit, moment: datetime) -> bool:
    return moment >= deadline(db, visit)


def overdue(db: Session, confirmation: OmConfirmation, now: datetime | None = None) -> bool:
    """A round still waiting after 24:00 of the visit day (逾期未确认)."""
    return confirmation.status == PENDING and is_late(db, confirmation.visit, now or clock.now())


def mark_late(db: Session, now: datetime | None = None) -> int:
    """The daily run: every round still pending after 24:00 of its visit day is marked late (逾期), so the
    record says so even if the polluter never signs; a signature that comes later keeps the mark."""
    now = now or clock.now()
    pending = db.scalars(select(OmConfirmation).where(OmConfirmation.status == PENDING,
                                                      OmConfirmation.late.is_(False))).all()
    overdue_rounds = [c for c in pending if is_late(db, c.visit, now)]
    for confirmation in overdue_rounds:
        confirmation.late = True
    return len(overdue_rounds)


# --- the decision -----------------------------------------------------------------------------------------------

@transaction
def confirm(uow, confirmation: OmConfirmation, user: User, signature_url: str | None,
            link: ConfirmationLink | None = None) -> bool:
    """确认签名: the visit is confirmed, with the signature drawn on the phone stored beside it. True when this
    call decided; False when the round was already decided (a double tap, a colleague first) — then nothing
    changes. SignatureProblem (nothing recorded) when the drawing is no usable signature."""
    visit = confirmation.visit
    decisions.check_decider(user, visit.plan.polluter_id)
    image = signatures.read(signature_url)
    now = clock.now()
    late = is_late(uow.session, visit, now)
    path = signatures.store(uow.config.media_root, _signature_path(confirmation, user, now), image)
    if not decisions.decide(uow, OM_VISIT, visit, confirmation, user, "approve", link, now, late=late,
                            signature_path=path, signature_hash=signatures.stroke_hash(image)):
        signatures.discard(uow.config.media_root, path)
        return False
    log(visit, user, "approve", via=decisions.via(link), confirmation=confirmation.id, late=late, signature=path)
    return True


@transaction
def reject(uow, confirmation: OmConfirmation, user: User, reason: str, link: ConfirmationLink | None = None) -> bool:
    """退回 with a reason: the visit goes back to the O&M agency to correct and resubmit. True when this call
    decided."""
    visit = confirmation.visit
    decisions.check_decider(user, visit.plan.polluter_id)
    reason = decisions.reason_given(reason)
    now = clock.now()
    late = is_late(uow.session, visit, now)
    if not decisions.decide(uow, OM_VISIT, visit, confirmation, user, "reject", link, now, late=late, reason=reason):
        return False
    log(visit, user, "reject", via=decisions.via(link), confirmation=confirmation.id, late=late, reason=reason)
    rejections.visit_rejected(uow, visit, confirmation.id, reason)
    return True


def _signature_path(confirmation: OmConfirmation, user: User, now: datetime) -> str:
    """One file per attempt, so a losing concurrent attempt never overwrites the winner's signature."""
    return f"om/{confirmation.visit_id}/signature_{confirmation.id}_{user.id}_{now.strftime('%Y%m%d%H%M%S%f')}.png"


def log(visit: OmVisit, user: User, action: str, key: str | None = None, **detail) -> None:
    visit.events.append(OmVisitEvent(at=clock.now(), actor_id=user.id, action=action, detail=detail,
                                     message_key=key))


# --- the agency's resubmission ----------------------------------------------------------------------------------

@transaction
def resubmit(uow, visit: OmVisit, user: User, note: str = "") -> list:
    """重新提交 a visit the polluter rejected (after correcting it): a new round, new template messages.
    ConfirmationProblem not_yours (another agency, or not its staff) or not_rejected."""
    if user.role not in RESUBMITTERS or user.agency_id != visit.plan.agency_id:
        raise ConfirmationProblem("not_yours")
    if not OM_VISIT.can(visit, "resubmit"):
        raise ConfirmationProblem("not_rejected")
    OM_VISIT.fire(visit, "resubmit")
    visit.submitted_at = clock.now()
    log(visit, user, "resubmit", note=(note or "").strip()[:REASON_MAX])
    messages = request(uow, visit, resubmitted=True)
    rejections.visit_resubmitted(uow, visit, visit.confirmations[-1].id)
    return messages


# --- the polluter's desktop list (业务管理 → 污染源运维) ----------------------------------------------------------

def polluter_visit(db: Session, polluter_id: int, visit_id: int) -> OmVisit | None:
    """One submitted O&M visit on the polluter's own site, or None (another tenant's, or never submitted)."""
    return db.scalar(select(OmVisit).join(OmPlan, OmPlan.id == OmVisit.plan_id)
                     .where(OmVisit.id == visit_id, OmPlan.polluter_id == polluter_id,
                            OmVisit.submitted_at.is_not(None)))


def recently_decided(db: Session, polluter_id: int, limit: int = 20) -> list[OmConfirmation]:
    query = (
        select(OmConfirmation)
        .join(OmVisit, OmVisit.id == OmConfirmation.visit_id)
        .join(OmPlan, OmPlan.id == OmVisit.plan_id)
        .where(OmPlan.polluter_id == polluter_id, OmConfirmation.status != PENDING)
        .order_by(OmConfirmation.decided_at.desc(), OmConfirmation.id.desc())
        .limit(limit)
    )
    return list(db.scalars(query))
