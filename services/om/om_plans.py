"""运维计划 (O&M plans): an O&M agency's plan for one polluter's site under its contract — crew, equipment and
items (a record sheet on a point's instrument every N days) — and the site visits the plan generates.

Frequencies default to the standards' (states/om_frequencies.py); one longer than the standard allows is
refused, naming the clause. Visits are generated for each item every `frequency_days` from the plan's start,
from the day the plan was made (no backlog of visits before it existed) through a horizon; items due the same
day share one visit. Generating again creates nothing twice. A visit not submitted (state not in the visit
machine's FINAL) by its due date is overdue.

Each use case checks, changes the rows and leaves the commit to the caller's unit of work; a refusal raises
`PlanRefused` with the reason in Chinese, ready to show.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session, joinedload, selectinload

from models import (
    Agency,
    AgencyKind,
    Contract,
    Equipment,
    Instrument,
    MonitoringPoint,
    OmPlan,
    OmPlanItem,
    OmVisit,
    Polluter,
    Role,
    User,
    clock,
)
from services.core import policy
from services.core.refusal import Refusal
from services.core.uow import UnitOfWork, transaction
from services.filing import filings
from states.om_frequencies import medium_of, standard_for
from states.om_sheets import SHEETS
from states.om_visit import FINAL, Step

HORIZON_DAYS = 30  # visits are generated this far ahead
OM_AGENCIES = (AgencyKind.OM, AgencyKind.SELF_MONITORING_OM)
SUBMITTED = "submitted"
FINAL_STATES = tuple(str(s) for s in FINAL)


class PlanRefused(Refusal):
    """A use case refused; services/texts/refusals.py words the code."""

    domain = "om_plan"


@dataclass
class ItemDraft:
    """One line of the plan form: a record sheet on a point (and instrument), every `frequency_days` days
    (None: the standard's default). `id` names an existing item being kept."""

    point_id: int
    sheet: str
    instrument_id: int | None = None
    frequency_days: int | None = None
    id: int | None = None


@dataclass
class PlanDraft:
    """What the O&M agency admin typed into the plan form (运维计划)."""

    name: str = ""
    contract_id: int | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    crew_ids: list[int] = field(default_factory=list)
    equipment_ids: list[int] = field(default_factory=list)
    items: list[ItemDraft] = field(default_factory=list)


def contracts_for_plans(db: Session, agency_id: int) -> list[Contract]:
    """The agency's submitted contracts, which plans are made under."""
    return list(db.scalars(select(Contract).where(Contract.agency_id == agency_id, Contract.status == SUBMITTED)
                           .order_by(Contract.id.desc())))


def crew_of(db: Session, agency_id: int) -> list[User]:
    """The agency's O&M crew (运维人员) who may be put on a plan."""
    return list(db.scalars(select(User).where(User.agency_id == agency_id, User.role == Role.OM_CREW,
                                              User.active.is_(True)).order_by(User.id)))


def equipment_of(db: Session, agency_id: int) -> list[Equipment]:
    return list(db.scalars(select(Equipment).where(Equipment.agency_id == agency_id, Equipment.active.is_(True))
                           .order_by(Equipment.id)))


def site_instruments(db: Session, polluter: Polluter) -> list[tuple[MonitoringPoint, list[Instrument]]]:
    """The polluter's flue-gas and wastewater points with their registered, active instruments (仪器备案)."""
    points = [p for p in polluter.points if p.kind in ("flue_gas", "wastewater")]
    instruments = db.scalars(select(Instrument).where(Instrument.point_id.in_([p.id for p in points]),
                                                      Instrument.active.is_(True)).order_by(Instrument.id)).all()
    return [(p, [i for i in instruments if i.point_id == p.id]) for p in points]


def standard(point: MonitoringPoint, instrument: Instrument | None, sheet: str):
    """The standard's rule (default frequency, maximum, clause) for a sheet on that point's instrument."""
    analyte = instrument.analyte_class if instrument is not None else None
    auto = instrument.auto_calibration if instrument is not None else False
    return standard_for(sheet, medium_of(point.kind, analyte), analyte, auto)


def describe(point: MonitoringPoint, instrument: Instrument | None, sheet: str) -> str:
    """How an item is named in messages: 点位 DA001 烟气排口 SO2 分析仪的日常巡检记录单."""
    what = f"{point.code} {point.name}" + (f" {instrument.name}" if instrument is not None else "")
    return f"{what}的{SHEETS[sheet].title}" if sheet in SHEETS else what


@transaction
def save_plan(uow: UnitOfWork, user: User, draft: PlanDraft, plan: OmPlan | None = None,
              today: date | None = None) -> OmPlan:
    """新建/修改运维计划: checked against the contract, the agency's crew and equipment, the site's points and
    instruments, and the standards' frequencies; then its visits are generated through the horizon."""
    db = uow.session
    agency = db.get(Agency, user.agency_id) if user.agency_id else None
    return save_agency_plan(db, agency, draft, plan, today)


def save_agency_plan(db: Session, agency: Agency | None, draft: PlanDraft, plan: OmPlan | None = None,
                     today: date | None = None) -> OmPlan:
    """The checks and rows of `save_plan` for the agency itself (a scenario's agency has no admin to act)."""
    today = today or clock.today()
    if agency is None or agency.kind not in OM_AGENCIES:
        raise PlanRefused("not_om")
    if not filings.may_run_tasks(db, agency.id):
        raise PlanRefused("not_filed")
    name = (draft.name or "").strip()
    if not name:
        raise PlanRefused("name_required")
    contract = _contract(db, agency, draft)
    _check_period(draft, contract)
    crew = _crew(db, agency, draft.crew_ids)
    equipment = _equipment(db, agency, draft.equipment_ids)
    items = _items(db, contract.polluter, draft.items)
    if plan is None:
        plan = OmPlan(agency_id=agency.id)
        db.add(plan)
    plan.polluter_id, plan.contract_id, plan.name = contract.polluter_id, contract.id, name
    plan.starts_on, plan.ends_on = draft.starts_on, draft.ends_on
    plan.crew, plan.equipment = crew, equipment
    _replace_items(db, plan, items)
    db.flush()
    # pending visits from today on are re-planned from the new items and frequencies
    for visit in list(plan.visits):
        if visit.due_on >= today and _untouched(visit):
            plan.visits.remove(visit)
            db.delete(visit)
    db.flush()
    generate(db, plan, today)
    return plan


def _contract(db: Session, agency: Agency, draft: PlanDraft) -> Contract:
    contract = db.get(Contract, draft.contract_id) if draft.contract_id else None
    if contract is None or contract.agency_id != agency.id:
        raise PlanRefused("contract_required")
    if contract.status != SUBMITTED:
        raise PlanRefused("contract_not_submitted", code=contract.code)
    return contract


def _check_period(draft: PlanDraft, contract: Contract) -> None:
    if draft.starts_on is None or draft.ends_on is None:
        raise PlanRefused("period_required")
    if draft.ends_on < draft.starts_on:
        raise PlanRefused("period_order")
    if (contract.period_start and draft.starts_on < contract.period_start) or \
            (contract.period_end and draft.ends_on > contract.period_end):
        raise PlanRefused("outside_contract", starts=draft.starts_on, ends=draft.ends_on, code=contract.code,
                          period=f"{contract.period_start or '—'} 至 {contract.period_end or '—'}")


def _crew(db: Session, agency: Agency, ids: list[int]) -> list[User]:
    if not ids:
        raise PlanRefused("crew_required")
    people = []
    for ident in dict.fromkeys(ids):
        person = db.get(User, ident)
        if person is None or person.agency_id != agency.id or person.role != Role.OM_CREW or not person.active:
            raise PlanRefused("not_crew", name=person.display_name if person is not None else f"用户 {ident}")
        people.append(person)
    return people


def _equipment(db: Session, agency: Agency, ids: list[int]) -> list[Equipment]:
    chosen = []
    for ident in dict.fromkeys(ids):
        item = db.get(Equipment, ident)
        if item is None or item.agency_id != agency.id or not item.active:
            raise PlanRefused("not_equipment")
        chosen.append(item)
    return chosen


def _items(db: Session, polluter: Polluter, drafts: list[ItemDraft]) -> list[OmPlanItem]:
    """Checked items, not yet attached: existing rows (by id) updated in memory, new ones created."""
    if not drafts:
        raise PlanRefused("items_required")
    items = []
    for draft in drafts:
        point = db.get(MonitoringPoint, draft.point_id)
        if point is None or point.polluter_id != polluter.id:
            raise PlanRefused("not_point", polluter=polluter.name)
        instrument = db.get(Instrument, draft.instrument_id) if draft.instrument_id else None
        if draft.instrument_id and (instrument is None or instrument.point_id != point.id or not instrument.active):
            raise PlanRefused("not_instrument", point=f"{point.code} {point.name}")
        if draft.sheet not in SHEETS:
            raise PlanRefused("not_sheet", sheet=draft.sheet)
        rule = standard(point, instrument, draft.sheet)
        what = describe(point, instrument, draft.sheet)
        days = draft.frequency_days if draft.frequency_days is not None else rule.days
        if not 1 <= days <= 366:
            raise PlanRefused("bad_frequency", what=what)
        if rule.maximum is not None and days > rule.maximum:
            raise PlanRefused("too_rare", what=what, days=days, maximum=rule.maximum, clause=rule.clause)
        item = OmPlanItem(point_id=point.id, instrument_id=instrument.id if instrument else None,
                          sheet=draft.sheet, frequency_days=days, clause=rule.clause)
        item.id = draft.id
        items.append(item)
    return items


def _replace_items(db: Session, plan: OmPlan, checked: list[OmPlanItem]) -> None:
    """Keep the items named by id (updated), add the new ones, drop the others — unless a visit already
    started with them (its record refers to them)."""
    existing = {item.id: item for item in plan.items}
    kept = {c.id for c in checked if c.id in existing}
    for item in existing.values():
        if item.id in kept:
            continue
        if any(item.id in (v.planned or []) and v.state != Step.NEW for v in plan.visits):
            raise PlanRefused("item_in_use", what=describe(item.point, item.instrument, item.sheet))
    for c in checked:
        if c.id in existing:
            row = existing[c.id]
            row.point_id, row.instrument_id, row.sheet = c.point_id, c.instrument_id, c.sheet
            row.frequency_days, row.clause = c.frequency_days, c.clause
        else:
            c.id = None
            plan.items.append(c)
    dropped = set(existing) - kept
    for ident in dropped:
        plan.items.remove(existing[ident])
        db.delete(existing[ident])
    for visit in list(plan.visits):  # not-started visits forget dropped items; empty ones go
        if dropped & set(visit.planned or []):
            visit.planned = [i for i in visit.planned if i not in dropped]
            if not visit.planned and _untouched(visit):
                plan.visits.remove(visit)
                db.delete(visit)


def _untouched(visit: OmVisit) -> bool:
    """Not started and nothing recorded on it: it may be re-planned."""
    return visit.state == Step.NEW and not visit.events and not visit.sheets


def due_dates(item: OmPlanItem, plan: OmPlan, since: date, until: date) -> list[date]:
    """The item's due dates in [since, until]: every frequency_days from the plan's start."""
    step = item.frequency_days
    first = plan.starts_on
    if since > first:
        first += timedelta(days=-(-(since - first).days // step) * step)
    last = min(until, plan.ends_on)
    days = []
    while first <= last:
        days.append(first)
        first += timedelta(days=step)
    return days


@transaction
def generate(db: Session, plan: OmPlan, today: date | None = None, horizon_days: int = HORIZON_DAYS) -> list[OmVisit]:
    """生成现场运维任务: visits for every item's due dates from the day the plan was made (or its start, if
    later) through today + horizon; items due on one day share one visit. Idempotent: an existing visit of
    that day takes the items it lacks while not yet started, otherwise the day is left as it is."""
    today = today or clock.today()
    if not plan.active or not plan.items:
        return []
    made = clock.local(plan.created_at).date() if plan.created_at else today
    since = max(plan.starts_on, min(made, today))
    until = today + timedelta(days=horizon_days)
    wanted: dict[date, list[int]] = {}
    for item in plan.items:
        for day in due_dates(item, plan, since, until):
            wanted.setdefault(day, []).append(item.id)
    existing = {visit.due_on: visit for visit in plan.visits}
    created = []
    for day in sorted(wanted):
        visit = existing.get(day)
        if visit is None:
            visit = OmVisit(due_on=day, planned=wanted[day], state=Step.NEW)
            plan.visits.append(visit)
            created.append(visit)
        elif visit.state == Step.NEW:
            missing = [i for i in wanted[day] if i not in (visit.planned or [])]
            if missing:
                visit.planned = [*(visit.planned or []), *missing]
    db.flush()
    return created


@transaction
def generate_all(db: Session, today: date | None = None, agency_id: int | None = None) -> int:
    """Generate for every active plan (of one agency, if given): what a daily run or a page opening calls."""
    query = select(OmPlan).where(OmPlan.active.is_(True))
    if agency_id is not None:
        query = query.where(OmPlan.agency_id == agency_id)
    return sum(len(generate(db, plan, today)) for plan in db.scalars(query).all())


def is_overdue(visit: OmVisit, today: date | None = None) -> bool:
    """Not submitted (state not in FINAL) and its due date has passed."""
    return visit.due_on < (today or clock.today()) and visit.state not in FINAL_STATES


def overdue(db: Session, agency_id: int, today: date | None = None) -> list[OmVisit]:
    """The agency's overdue visits (逾期未完成), oldest first."""
    today = today or clock.today()
    return list(db.scalars(select(OmVisit).join(OmPlan).where(
        OmPlan.agency_id == agency_id, OmVisit.due_on < today, OmVisit.state.not_in(FINAL_STATES))
        .order_by(OmVisit.due_on, OmVisit.id)))


PER_PAGE = 50
# what a row of the visit list shows, loaded with the page rather than per row
VISIT_ROW_LOADS = (joinedload(OmVisit.plan).joinedload(OmPlan.polluter), joinedload(OmVisit.started_by),
                   joinedload(OmVisit.plan).selectinload(OmPlan.crew),
                   joinedload(OmVisit.plan).selectinload(OmPlan.items).joinedload(OmPlanItem.point),
                   joinedload(OmVisit.plan).selectinload(OmPlan.items).joinedload(OmPlanItem.instrument),
                   selectinload(OmVisit.confirmations))


def visit_page(db: Session, user: User, show: str, after: tuple[date, int] | None = None,
               per_page: int = PER_PAGE) -> list[OmVisit]:
    """One page of the visits of `user`'s plans — not submitted yet ("open"), overdue, or "all" — the earliest
    due first, after the cursor `after` (the previous page's last (due day, visit id)): filtered, ordered and
    paged by the database, so a deep page reads no more rows than the first."""
    query = policy.scoped(user, OmVisit).options(*VISIT_ROW_LOADS)
    if show in ("open", "overdue"):
        query = query.where(OmVisit.state.not_in(FINAL_STATES))
    if show == "overdue":
        query = query.where(OmVisit.due_on < clock.today())
    if after is not None:
        day, ident = after
        query = query.where(OmVisit.due_on >= day, tuple_(OmVisit.due_on, OmVisit.id) > (day, ident))
    return list(db.scalars(query.order_by(OmVisit.due_on, OmVisit.id).limit(per_page)))


def open_visits(db: Session, agency_id: int, today: date | None = None, crew: User | None = None) -> list[OmVisit]:
    """Visits due today or overdue and not submitted — what the crew works on (of plans `crew` is on, if
    given), oldest first."""
    today = today or clock.today()
    query = select(OmVisit).join(OmPlan).where(OmPlan.agency_id == agency_id, OmPlan.active.is_(True),
                                               OmVisit.due_on <= today, OmVisit.state.not_in(FINAL_STATES))
    if crew is not None:
        query = query.where(OmPlan.crew.any(User.id == crew.id))
    return list(db.scalars(query.order_by(OmVisit.due_on, OmVisit.id)))


