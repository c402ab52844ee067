"""The polluter's confirmation of a trip (排污单位确认): the links sent in template messages, and the decision.

Each submission of a trip opens a round: one pending `Confirmation` and, per bound polluter user, one
`ConfirmationLink` whose token travels only in that user's template message (we keep its sha256). A link
works for the user it was issued to, until it expires, once; the first decision of a round is the only one,
whether it comes through a link or the polluter's desktop page.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import (
    CheckInKind,
    Confirmation,
    ConfirmationLink,
    ConfirmationStatus,
    OmConfirmation,
    Role,
    SamplingTrip,
    TaskEvent,
    TripEvent,
    User,
    WechatBinding,
    clock,
)
from services.core import links
from services.core.uow import transaction
from services.field import decisions
from services.field.decisions import ConfirmationProblem
from services.field.fieldwork import TRIP
from services.notifying import notify, rejections
from states.templates import OM_CONFIRM, TRIP_CONFIRM
from states.trip import Step

# long enough for a polluter who only sees the message the next working day; a later link is refused and
# the polluter confirms on its desktop page instead
LINK_LIFETIME = timedelta(hours=72)
# the crew checks out, then reviews and submits; a decision this soon after the check-out was taken while
# they were still at the gate, later ones are marked "after departure" for the regulator
DEPARTURE_GRACE = timedelta(minutes=30)

@dataclass(frozen=True)
class Invitation:
    """A polluter user's WeChat, asked to confirm through its own link."""

    openid: str
    url: str


# --- a round of confirmation and its links ----------------------------------------------------------------

def request(uow, trip: SamplingTrip, resubmitted: bool = False) -> list:
    """Ask every bound user of the polluter to confirm the trip: a new round, and a template message each
    linking to that user's own confirmation page."""
    return notify.ask_to_confirm(uow, trip, open_round(uow, trip), resubmitted)


def open_round(uow, trip: SamplingTrip) -> list[Invitation]:
    """A new pending confirmation of the trip, with a fresh link for every bound polluter user."""
    confirmation = Confirmation(status=ConfirmationStatus.PENDING)
    trip.confirmations.append(confirmation)
    return [Invitation(openid, issue_link(uow, confirmation, user))
            for user, openid in bound_confirmers(uow.session, trip.visit.task.polluter_id)]


def bound_confirmers(db: Session, polluter_id: int) -> list[tuple[User, str]]:
    """The polluter's active confirmers bound to WeChat, with their OpenIDs."""
    query = (
        select(User, WechatBinding.openid)
        .join(WechatBinding, WechatBinding.user_id == User.id)
        .where(User.polluter_id == polluter_id, User.role == Role.POLLUTER_CONFIRMER, User.active)
        .order_by(WechatBinding.id)
    )
    return [(user, openid) for user, openid in db.execute(query)]


def issue_link(uow, confirmation, user: User) -> str:
    """A single-use link for `user` to decide `confirmation` (a trip's `Confirmation` or an O&M visit's
    `OmConfirmation`); only its hash is stored."""
    token = secrets.token_urlsafe(32)
    confirmation.links.append(ConfirmationLink(token_hash=digest(token), user=user,
                                               expires_at=clock.now() + LINK_LIFETIME))
    template = OM_CONFIRM if isinstance(confirmation, OmConfirmation) else TRIP_CONFIRM
    return links.url(uow.config.public_base_url, template.page, token)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def find_link(db: Session, token: str, kind: type = Confirmation) -> ConfirmationLink:
    """The link of `token` to a round of `kind` (a trip's `Confirmation` or an O&M visit's `OmConfirmation`),
    still the current round of its trip or visit; ConfirmationProblem otherwise. A link to a round of the
    other kind is unknown here: each kind has its own page."""
    link = db.scalar(select(ConfirmationLink).where(ConfirmationLink.token_hash == digest(token)))
    decided = None if link is None else round_of(link)
    if decided is None or not isinstance(decided, kind):
        raise ConfirmationProblem("unknown")
    rounds = decided.visit.confirmations if isinstance(decided, OmConfirmation) else decided.trip.confirmations
    if decided is not rounds[-1]:
        raise ConfirmationProblem("superseded")  # resubmitted after a rejection: a newer message was sent
    return link


def round_of(link: ConfirmationLink) -> Confirmation | OmConfirmation | None:
    """The round the link decides: a trip's or an O&M visit's."""
    return link.confirmation if link.confirmation is not None else link.om_confirmation


def check_usable(link: ConfirmationLink) -> None:
    """Refuse a link already used for a decision, or past its expiry."""
    if link.used_at is not None:
        raise ConfirmationProblem("used")
    if clock.now() >= link.expires_at:
        raise ConfirmationProblem("expired")


def holder_verified(db: Session, link: ConfirmationLink, openid: str | None) -> bool:
    """Whether `openid` (verified through WeChat OAuth) is bound to the very user the link was issued to."""
    if not openid or not link.user.active:
        return False
    return db.scalar(select(WechatBinding.id).where(WechatBinding.openid == openid,
                                                    WechatBinding.user_id == link.user_id)) is not None


def latest(trip: SamplingTrip) -> Confirmation | None:
    return trip.confirmations[-1] if trip.confirmations else None


def pending(trip: SamplingTrip) -> Confirmation | None:
    """The round waiting for the polluter's decision, if the trip is waiting for one."""
    current = latest(trip)
    waiting = trip.state == Step.AWAITING_CONFIRMATION and current is not None
    return current if waiting and current.status == ConfirmationStatus.PENDING else None


# --- the decision -----------------------------------------------------------------------------------------

@transaction
def confirm(uow, confirmation: Confirmation, user: User, link: ConfirmationLink | None = None) -> bool:
    """确认: the trip is completed. True when this call decided; False when the round was already decided
    (a double tap, a replayed form, a colleague first) — then nothing changes."""
    trip = confirmation.trip
    decisions.check_decider(user, trip.visit.task.polluter_id)
    now = clock.now()
    late = after_departure(trip, now)
    if not decisions.decide(uow, TRIP, trip, confirmation, user, "approve", link, now, after_departure=late):
        return False
    log(trip, user, "approve", "trip_confirmed", via=decisions.via(link), confirmation=confirmation.id,
        after_departure=late)
    return True


@transaction
def reject(uow, confirmation: Confirmation, user: User, reason: str, link: ConfirmationLink | None = None) -> bool:
    """退回 with a reason: the trip goes back to the agency to correct and resubmit. True when this call decided."""
    trip = confirmation.trip
    decisions.check_decider(user, trip.visit.task.polluter_id)
    reason = decisions.reason_given(reason)
    if not decisions.decide(uow, TRIP, trip, confirmation, user, "reject", link, clock.now(), reason=reason):
        return False
    log(trip, user, "reject", "trip_rejected", via=decisions.via(link), confirmation=confirmation.id, reason=reason)
    rejections.trip_rejected(uow, trip, confirmation.id, reason)
    return True


def after_departure(trip: SamplingTrip, moment: datetime) -> bool:
    """Whether a decision at `moment` came after the crew left (their departure check-in, plus the grace)."""
    departure = trip.latest_check_in(CheckInKind.DEPARTURE)
    return departure is not None and moment > departure.at + DEPARTURE_GRACE


def log(trip: SamplingTrip, user: User, action: str, task_action: str, **detail) -> None:
    """Append to the trip's event log, and to its task's log what the agency's task page must show.
    The web side's entries carry no WeChat message key."""
    now = clock.now()
    trip.events.append(TripEvent(at=now, actor_id=user.id, action=action, detail=detail))
    trip.visit.task.events.append(TaskEvent(at=now, actor_id=user.id, action=task_action,
                                            detail={"trip": trip.id, **detail}))
