"""The polluter's decision on a round of confirmation (确认 or 退回), one for sampling trips
(services/sampling/confirmations.py) and O&M visits (services/om/om_confirmations.py).

The first decision of a round is the only one, whichever way it comes (a link in a template message, the
polluter's desktop page) and however many arrive at once: the round is decided by one conditional UPDATE that
only a pending round passes, so of two concurrent decisions exactly one wins on every backend. The winner fires
the visit's machine and uses up the link it came through.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import update

from models import ConfirmationLink, ConfirmationStatus, Role, User
from services.core.refusal import Refusal
from services.field.fieldwork import Core

REASON_MAX = 500
# the verdict's trigger on the visit's machine, and the round's status it records
VERDICTS = {"approve": ConfirmationStatus.CONFIRMED, "reject": ConfirmationStatus.REJECTED}


class ConfirmationProblem(Refusal):
    """A link or a decision refused (the view words the code for the user): unknown | superseded | expired |
    used (links), reason_needed | reason_too_long | not_yours | not_rejected | bad_verdict (decisions)."""

    domain = "confirmation"


def check_decider(user: User, polluter_id: int) -> None:
    """Only the polluter's own confirmers decide its rounds."""
    if user.role != Role.POLLUTER_CONFIRMER or user.polluter_id != polluter_id:
        raise ConfirmationProblem("not_yours")


def reason_given(reason: str | None) -> str:
    """The rejection's reason, trimmed: required, and at most REASON_MAX characters."""
    reason = (reason or "").strip()
    if not reason:
        raise ConfirmationProblem("reason_needed")
    if len(reason) > REASON_MAX:
        raise ConfirmationProblem("reason_too_long", limit=REASON_MAX)
    return reason


def decide(uow, core: Core, subject, confirmation, user: User, verdict: str, link: ConfirmationLink | None,
           now: datetime, **values) -> bool:
    """Record `verdict` ("approve" | "reject") on the round `confirmation` of `subject` (a trip or an O&M visit,
    whose machine `core` fires). True when this call decided; False when the round was already decided or
    superseded (a double tap, a replayed form, a colleague first) — then nothing changes."""
    if confirmation is not subject.confirmations[-1] or not core.can(subject, verdict):
        return False
    db = uow.session
    model = type(confirmation)
    won = db.execute(
        update(model)
        .where(model.id == confirmation.id, model.status == ConfirmationStatus.PENDING)
        .values(status=VERDICTS[verdict], decided_by_id=user.id, decided_at=now, **values)
        .execution_options(synchronize_session=False)
    ).rowcount == 1
    db.refresh(confirmation)
    if not won:
        return False
    core.fire(subject, verdict)
    if link is not None:
        link.used_at = now
    return True


def via(link: ConfirmationLink | None) -> str:
    """How the decision came, for the event log: through a template message's link, or the desktop page."""
    return "wechat" if link is not None else "web"
