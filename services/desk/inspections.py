"""检查记录: what an inspection of an agency, a polluter, a trip or an O&M visit found. Its outcome confirms or
clears the findings it examined (services/findings/decisions.py), so the ranking and each rule's confirmation
rate follow what inspectors saw on site."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import (
    Agency,
    Finding,
    FindingStatus,
    Inspection,
    InspectionFile,
    InspectionVerdict,
    OmVisit,
    Outcome,
    Polluter,
    SamplingTrip,
    SpotCheckDraw,
    User,
    clock,
)
from services.adapters import uploads
from services.core import policy
from services.core.refusal import Refusal
from services.core.uow import UnitOfWork
from services.findings import decisions
from states.findings import RULES

OUTCOME_NAMES = {Outcome.TRUE: "属实", Outcome.PARTLY: "部分属实", Outcome.FALSE: "不属实"}
SUBJECTS = {"agency": Agency, "polluter": Polluter, "trip": SamplingTrip, "om_visit": OmVisit}
SUBJECT_NAMES = {"agency": "机构", "polluter": "排污单位", "trip": "采样行程", "om_visit": "现场运维"}
ATTACHMENT = uploads.Policy("检查附件", ("pdf", "jpg", "png"), 20 * uploads.MB)
MAX_FILES = 10


class InspectionRefused(Refusal):
    """The record cannot be kept as filled in; the code says why."""

    domain = "inspection"


@dataclass
class Record:
    """An inspection as the form filled it in."""

    inspected_on: date | None
    inspectors: str
    subject_kind: str
    subject_id: int | None
    outcome: str
    notes: str = ""
    verdicts: dict[int, str] = field(default_factory=dict)  # finding id → confirmed | cleared
    files: list[tuple[str, bytes]] = field(default_factory=list)  # (name, content)
    draw_id: int | None = None


def subject(db: Session, user: User, kind: str, ident: int | None):
    """The subject the user may inspect, or None."""
    model = SUBJECTS.get(kind)
    return policy.get(db, user, model, ident) if model is not None and ident else None


def open_findings(db: Session, kind: str, ident: int) -> list[Finding]:
    """The open findings an inspection of this subject can examine (none for agencies and polluters: their
    findings are examined on the trip or visit they belong to)."""
    column = {"trip": Finding.trip_id, "om_visit": Finding.om_visit_id}.get(kind)
    if column is None:
        return []
    return list(db.scalars(select(Finding).where(column == ident, Finding.status == FindingStatus.OPEN)
                           .order_by(Finding.id)))


def record(uow: UnitOfWork, user: User, form: Record, media_root: Path) -> Inspection:
    db = uow.session
    target = subject(db, user, form.subject_kind, form.subject_id)
    _check(form, target)
    examined = {f.id: f for f in open_findings(db, form.subject_kind, target.id)}
    if set(form.verdicts) - set(examined):
        raise InspectionRefused("finding_not_open")
    _check_consistent(form)
    checked = [(name, data, uploads.check(data, ATTACHMENT)) for name, data in form.files]
    inspection = Inspection(inspected_on=form.inspected_on, inspectors=form.inspectors.strip(),
                            subject_kind=form.subject_kind, outcome=Outcome(form.outcome), notes=form.notes.strip(),
                            recorded_by_id=user.id, draw_id=_draw(db, user, form.draw_id),
                            **{f"{form.subject_kind}_id": target.id})
    db.add(inspection)
    db.flush()
    reason = (f"现场检查（{form.inspected_on.isoformat()}，{inspection.inspectors}）："
              f"{OUTCOME_NAMES[inspection.outcome]}")
    for finding_id, verdict in form.verdicts.items():
        decisions.decide(db, examined[finding_id], user, verdict, reason)
        inspection.verdicts.append(InspectionVerdict(finding_id=finding_id, verdict=verdict))
    for n, (name, data, extension) in enumerate(checked, 1):
        path = uploads.write(media_root, Path("inspections") / f"{inspection.id}-{n}.{extension}", data)
        inspection.files.append(InspectionFile(path=path, name=name[:128] or f"附件{n}.{extension}"))
    uow.commit()
    return inspection


def _check(form: Record, target) -> None:
    if target is None:
        raise InspectionRefused("subject_required")
    if form.inspected_on is None or form.inspected_on > clock.today():
        raise InspectionRefused("bad_date")
    if not form.inspectors.strip() or len(form.inspectors) > 200:
        raise InspectionRefused("inspectors_required")
    if form.outcome not in OUTCOME_NAMES:
        raise InspectionRefused("outcome_required")
    if len(form.files) > MAX_FILES:
        raise InspectionRefused("too_many_files", most=MAX_FILES)
    if any(v not in (FindingStatus.CONFIRMED, FindingStatus.CLEARED) for v in form.verdicts.values()):
        raise InspectionRefused("verdict_required")


def _check_consistent(form: Record) -> None:
    """The conclusion must agree with the verdicts on the findings examined."""
    verdicts = set(form.verdicts.values())
    if form.outcome == Outcome.TRUE and FindingStatus.CLEARED in verdicts:
        raise InspectionRefused("true_but_cleared")
    if form.outcome == Outcome.FALSE and FindingStatus.CONFIRMED in verdicts:
        raise InspectionRefused("false_but_confirmed")
    if form.outcome == Outcome.PARTLY and len(form.verdicts) > 1 and len(verdicts) < 2:
        raise InspectionRefused("partly_but_one_way")


def _draw(db: Session, user: User, draw_id: int | None) -> int | None:
    if not draw_id:
        return None
    row = db.get(SpotCheckDraw, draw_id)
    return row.id if row is not None and row.drawn_by_id == user.id else None


def of_subject(db: Session, kind: str, ident: int) -> list[Inspection]:
    column = getattr(Inspection, f"{kind}_id")
    return list(db.scalars(select(Inspection).where(column == ident).order_by(Inspection.inspected_on.desc())))


def recent(db: Session, user: User, limit: int = 50) -> list[Inspection]:
    """The inspections recorded by the regulators of the user's scope (the user's own and colleagues')."""
    colleagues = select(User.id).where(policy.colleagues(user))
    return list(db.scalars(select(Inspection).where(Inspection.recorded_by_id.in_(colleagues))
                           .order_by(Inspection.recorded_at.desc()).limit(limit)))


@dataclass(frozen=True)
class RuleRate:
    code: str
    title: str
    open: int
    confirmed: int
    cleared: int

    @property
    def rate(self) -> str:
        """The share of decided findings that were confirmed: a noisy rule shows a low rate."""
        decided = self.confirmed + self.cleared
        return f"{100 * self.confirmed / decided:.0f}%" if decided else "—"


def rule_rates(db: Session) -> list[RuleRate]:
    counts: dict[tuple[str, str], int] = dict(
        ((code, status), n) for code, status, n in db.execute(
            select(Finding.code, Finding.status, func.count()).group_by(Finding.code, Finding.status)))
    return [RuleRate(r.code, r.title, counts.get((r.code, FindingStatus.OPEN), 0),
                     counts.get((r.code, FindingStatus.CONFIRMED), 0), counts.get((r.code, FindingStatus.CLEARED), 0))
            for r in RULES if r.active]
