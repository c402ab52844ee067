"""The open API's items as JSON-ready dicts: English field names, Chinese texts, local times in ISO 8601.

One shape per kind (a trip, an O&M visit, a finding), read for a whole page at once: the check-ins and
findings of a page are two queries, not two per item.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Agency, CheckIn, Finding, OmVisit, Polluter, SamplingTrip, User, Visit, clock
from services.findings.summary import KIND_NAMES, SENTENCES, STATUS_NAMES
from states.findings import BY_CODE, SEVERITY_NAMES
from states.om_visit import STATE_NAMES as VISIT_STATES
from states.trip import STATE_NAMES as TRIP_STATES


def when(moment: datetime | None) -> str | None:
    return clock.local(moment).isoformat(timespec="seconds") if moment else None


def _window(day: date, starts: time | None, ends: time | None) -> dict:
    return {"from": when(clock.at_local(day, starts or time(0, 0))),
            "to": when(clock.at_local(day, ends or time(23, 59)))}


def _person(user: User | None) -> dict | None:
    return {"id": user.id, "username": user.username, "name": user.display_name} if user else None


def _agency(agency: Agency) -> dict:
    return {"id": agency.id, "name": agency.name, "ref": agency.ref}


def _polluter(polluter: Polluter) -> dict:
    return {"id": polluter.id, "name": polluter.name, "ref": polluter.ref, "district": polluter.district,
            "latitude": polluter.latitude, "longitude": polluter.longitude, "fence_m": polluter.fence_radius_m}


def _check_in(row: CheckIn) -> dict:
    return {"id": row.id, "kind": row.kind, "kind_name": KIND_NAMES.get(row.kind, row.kind), "at": when(row.at),
            "person": _person(row.user), "latitude": row.latitude, "longitude": row.longitude, "datum": row.datum,
            "precision_m": row.precision_m, "distance_m": round(row.distance_m, 1),
            "inside_fence": row.inside_fence}


def finding(row: Finding, subject_ref: str | None = None) -> dict:
    rule = BY_CODE[row.code]
    subject = {"kind": "trip", "id": row.trip_id} if row.trip_id else {"kind": "om_visit", "id": row.om_visit_id}
    return {"id": row.id, "code": row.code, "title": rule.title, "severity": rule.severity,
            "severity_name": SEVERITY_NAMES[rule.severity], "status": row.status,
            "status_name": STATUS_NAMES[row.status], "summary": SENTENCES[row.code](row.evidence),
            "evidence": row.evidence, "subject": {**subject, "ref": subject_ref},
            "first_seen_at": when(row.first_seen_at), "last_seen_at": when(row.last_seen_at),
            "decided_at": when(row.decided_at), "reason": row.reason}


class Page:
    """The check-ins and findings of a page of trips or O&M visits, read once."""

    def __init__(self, db: Session, column_of_check_in, column_of_finding, ids: list[int]):
        self.check_ins: dict[int, list[CheckIn]] = defaultdict(list)
        self.findings: dict[int, list[Finding]] = defaultdict(list)
        if not ids:
            return
        for row in db.scalars(select(CheckIn).where(column_of_check_in.in_(ids)).order_by(CheckIn.id)):
            self.check_ins[getattr(row, column_of_check_in.key)].append(row)
        for row in db.scalars(select(Finding).where(column_of_finding.in_(ids)).order_by(Finding.id)):
            self.findings[getattr(row, column_of_finding.key)].append(row)


def trips(db: Session, rows: list[SamplingTrip]) -> list[dict]:
    page = Page(db, CheckIn.trip_id, Finding.trip_id, [t.id for t in rows])
    return [trip(t, page) for t in rows]


def trip(row: SamplingTrip, page: Page) -> dict:
    visit, task = row.visit, row.visit.task
    return {"id": row.id, "kind": "trip", "ref": visit.ref, "state": row.state,
            "state_name": TRIP_STATES.get(row.state, row.state), "visit_id": visit.id,
            "task": {"id": task.id, "code": task.code, "name": task.name},
            "agency": _agency(task.agency), "polluter": _polluter(task.polluter),
            "points": [{"id": p.id, "code": p.code, "name": p.name} for p in task.planned_points],
            "day": visit.day.isoformat(), "scheduled": _window(visit.day, visit.starts, visit.ends),
            "crew": [_person(u) for u in visit.samplers], "started_by": _person(row.started_by),
            "submitted_at": when(row.submitted_at),
            "check_ins": [_check_in(c) for c in page.check_ins[row.id]],
            "findings": [finding(f, visit.ref) for f in page.findings[row.id]]}


def om_visits(db: Session, rows: list[OmVisit]) -> list[dict]:
    page = Page(db, CheckIn.om_visit_id, Finding.om_visit_id, [v.id for v in rows])
    return [om_visit(v, page) for v in rows]


def om_visit(row: OmVisit, page: Page) -> dict:
    plan = row.plan
    return {"id": row.id, "kind": "om_visit", "ref": row.ref, "state": row.state,
            "state_name": VISIT_STATES.get(row.state, row.state),
            "plan": {"id": plan.id, "name": plan.name},
            "agency": _agency(plan.agency), "polluter": _polluter(plan.polluter),
            "points": [{"id": p.id, "code": p.code, "name": p.name} for p in row.points()],
            "day": row.due_on.isoformat(), "scheduled": _window(row.due_on, row.starts, row.ends),
            "crew": [_person(u) for u in plan.crew], "started_by": _person(row.started_by),
            "started_at": when(row.started_at), "submitted_at": when(row.submitted_at),
            "check_ins": [_check_in(c) for c in page.check_ins[row.id]],
            "findings": [finding(f, row.ref) for f in page.findings[row.id]]}


def findings(db: Session, rows: list[Finding]) -> list[dict]:
    """Findings with their subject's external reference (two queries for the page)."""
    trip_refs = dict(db.execute(select(SamplingTrip.id, Visit.ref).join(Visit, Visit.id == SamplingTrip.visit_id)
                                .where(SamplingTrip.id.in_({f.trip_id for f in rows if f.trip_id}))).all())
    om_refs = dict(db.execute(select(OmVisit.id, OmVisit.ref).where(
        OmVisit.id.in_({f.om_visit_id for f in rows if f.om_visit_id}))).all())
    return [finding(f, trip_refs.get(f.trip_id) if f.trip_id else om_refs.get(f.om_visit_id)) for f in rows]
