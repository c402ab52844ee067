"""The open API's lists (开放接口): findings, sampling trips and O&M visits in a regulator's scope, filtered
and paged by an opaque keyset cursor.

The scope is the regulator's desk's (services/core/policy.py): a row outside it is not found. Pages are ordered by
id, newest first, and the cursor names the last id served, so rows added while a client pages through never
shift a page or repeat a row.
"""
from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, exists, select
from sqlalchemy.orm import Session

from models import Finding, FindingStatus, MonitoringTask, OmPlan, OmVisit, Polluter, SamplingTrip, User, Visit
from services.core import policy
from services.desk.supervision import FilterError, check_range, owner_filters, parse_date, parse_id
from states.findings import BY_CODE

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
LISTS = ("findings", "trips", "om-visits")


@dataclass
class ApiFilter:
    """Filters common to the three lists: the day of the trip or visit, where, who, and its findings."""

    date_from: date | None = None
    date_to: date | None = None
    district: str = ""
    agency_id: int | None = None
    polluter_id: int | None = None
    code: str = ""
    status: str = ""


def parse_filter(args) -> ApiFilter:
    """The filters of a request's query string; FilterError names a value that cannot be used."""
    flt = ApiFilter(date_from=parse_date(args.get("date_from", ""), "date_from"),
                    date_to=parse_date(args.get("date_to", ""), "date_to"),
                    district=args.get("district", "").strip(),
                    agency_id=parse_id(args.get("agency", ""), "agency"),
                    polluter_id=parse_id(args.get("polluter", ""), "polluter"),
                    code=args.get("code", "").strip(), status=args.get("status", "").strip())
    check_range(flt.date_from, flt.date_to)
    if flt.code and flt.code not in BY_CODE:
        raise FilterError("unknown_rule", field="code", rule=flt.code)
    if flt.status and flt.status not in {s.value for s in FindingStatus}:
        raise FilterError("bad_status", field="status")
    return flt


def parse_limit(value: str) -> int:
    if not value:
        return DEFAULT_LIMIT
    if not value.isdigit() or not 1 <= int(value) <= MAX_LIMIT:
        raise FilterError("bad_limit", field="limit", most=MAX_LIMIT)
    return int(value)


# --- the cursor ------------------------------------------------------------------------------------------

def encode_cursor(name: str, last_id: int) -> str:
    return base64.urlsafe_b64encode(f"v1:{name}:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(name: str, cursor: str) -> int | None:
    """The last id served before this page, None for the first page; FilterError for a cursor not ours."""
    if not cursor:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise FilterError("bad_cursor", field="cursor") from None
    version, _, rest = text.partition(":")
    listed, _, last = rest.partition(":")
    if version != "v1" or not last.isdigit():
        raise FilterError("bad_cursor", field="cursor")
    if listed != name:
        raise FilterError("other_list_cursor", field="cursor")
    return int(last)


# --- the scoped, filtered subjects -------------------------------------------------------------------------

def trip_ids(user: User, flt: ApiFilter) -> Select:
    """The ids of the sampling trips in `user`'s scope matching the where/who/when filters."""
    query = policy.scoped(user, SamplingTrip, select(SamplingTrip.id)
                          .join(Visit, Visit.id == SamplingTrip.visit_id)
                          .join(MonitoringTask, MonitoringTask.id == Visit.task_id)
                          .join(Polluter, Polluter.id == MonitoringTask.polluter_id))
    return _where(query, flt, Visit.day, MonitoringTask)


def om_visit_ids(user: User, flt: ApiFilter) -> Select:
    """The ids of the O&M visits in `user`'s scope matching the where/who/when filters."""
    query = policy.scoped(user, OmVisit, select(OmVisit.id)
                          .join(OmPlan, OmPlan.id == OmVisit.plan_id)
                          .join(Polluter, Polluter.id == OmPlan.polluter_id))
    return _where(query, flt, OmVisit.due_on, OmPlan)


def _where(query: Select, flt: ApiFilter, day, owner) -> Select:
    """The desk's filters (services/desk/supervision.py), and the polluter's district the API also takes."""
    query = owner_filters(query, flt, day, owner)
    return query.where(Polluter.district == flt.district) if flt.district else query


def _finding_terms(flt: ApiFilter) -> list:
    terms = []
    if flt.code:
        terms.append(Finding.code == flt.code)
    if flt.status:
        terms.append(Finding.status == flt.status)
    return terms


# --- the three lists ---------------------------------------------------------------------------------------

def _scoped_findings(user: User, flt: ApiFilter) -> Select:
    """The findings in `user`'s scope matching the filters, by the placement each finding records."""
    query = policy.scoped(user, Finding, select(Finding).join(Polluter, Polluter.id == Finding.polluter_id))
    return _where(query, flt, Finding.day, Finding).where(*_finding_terms(flt))


def findings(db: Session, user: User, flt: ApiFilter, after: int | None, limit: int) -> list[Finding]:
    return _page(db, _scoped_findings(user, flt), Finding.id, after, limit)


def trips(db: Session, user: User, flt: ApiFilter, after: int | None, limit: int) -> list[SamplingTrip]:
    query = select(SamplingTrip).where(SamplingTrip.id.in_(trip_ids(user, flt)))
    if terms := _finding_terms(flt):
        query = query.where(exists().where(Finding.trip_id == SamplingTrip.id, *terms))
    return _page(db, query, SamplingTrip.id, after, limit)


def om_visits(db: Session, user: User, flt: ApiFilter, after: int | None, limit: int) -> list[OmVisit]:
    query = select(OmVisit).where(OmVisit.id.in_(om_visit_ids(user, flt)))
    if terms := _finding_terms(flt):
        query = query.where(exists().where(Finding.om_visit_id == OmVisit.id, *terms))
    return _page(db, query, OmVisit.id, after, limit)


def _page(db: Session, query: Select, key, after: int | None, limit: int) -> list:
    if after is not None:
        query = query.where(key < after)
    # one more than asked: whether a next page exists, without counting the scope
    return list(db.scalars(query.order_by(key.desc()).limit(limit + 1)))


def one(db: Session, user: User, name: str, ident: int):
    """One trip, O&M visit or finding in `user`'s scope, or None (the API answers 404)."""
    model = {"trips": SamplingTrip, "om-visits": OmVisit}.get(name)
    if model is not None:
        return policy.get(db, user, model, ident)
    return db.scalar(_scoped_findings(user, ApiFilter()).where(Finding.id == ident))
