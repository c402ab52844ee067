"""A reviewer's decision on a finding: confirmed (irregular) or cleared (explained), with who, when and why."""
from __future__ import annotations

from sqlalchemy.orm import Session

from models import Finding, FindingStatus, Role, User, clock
from services.core.refusal import Refusal
from services.findings import log
from services.findings.facts import Subject

REASON_MAX = 500
DECIDERS = (Role.REGULATOR, Role.SYSTEM_ADMIN)


class FindingProblem(Refusal):
    """A decision refused; `code`: not_allowed | bad_status | reason_needed | reason_too_long."""

    domain = "finding"


def decide(db: Session, finding: Finding, user: User, status: str, reason: str) -> None:
    """Confirm or clear a finding; a rescan keeps the decision. Deciding again replaces the earlier decision."""
    if user.role not in DECIDERS:
        raise FindingProblem("not_allowed")
    if status not in (FindingStatus.CONFIRMED, FindingStatus.CLEARED):
        raise FindingProblem("bad_status")
    reason = (reason or "").strip()
    if not reason:
        raise FindingProblem("reason_needed")
    if len(reason) > REASON_MAX:
        raise FindingProblem("reason_too_long", limit=REASON_MAX)
    finding.status = FindingStatus(status)
    finding.decided_by_id, finding.decided_at, finding.reason = user.id, clock.now(), reason
    # into the subject's hash-chained log: who decided what and why cannot be changed afterwards unseen
    log.write(db, Subject.of(finding.trip_id, finding.om_visit_id), "decided", finding.code, finding.instance, user,
              status=finding.status, reason=reason)
    db.flush()
