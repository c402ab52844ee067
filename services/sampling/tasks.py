"""Use cases of a monitoring task's first steps: 委托任务申请 (application) and 方案编制 (plan), the moves of
the task machine (states/task.py), the task's event log, and the filtered task list.

Each use case checks, changes the task, appends to its event log (TaskEvent: who, what, when, detail) and
leaves the commit to the caller's unit of work. A refusal raises `TaskRefused` with the reason in Chinese.
The schedule (采样计划) is in services/sampling/scheduling.py.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from models import (
    Agency,
    Contract,
    MonitoringPoint,
    MonitoringTask,
    PlanItem,
    PointFactor,
    PointKind,
    Polluter,
    TaskEvent,
    TaskStatus,
    User,
    clock,
)
from services.core import policy
from services.core.refusal import Refusal
from services.core.uow import UnitOfWork, transaction
from services.filing import filings
from services.sampling.contracts import SAMPLE_SOURCES, SUBMITTED
from services.texts.names import SCHEME_MODE_NAMES
from states.holding_times import STORAGE_CONDITIONS
from states.task import STATUS_NAMES, TRANSITIONS, bind, can

CATEGORIES = ("自行监测", "委托监测", "竣工验收监测", "环境影响评价监测", "其他")
MAX_SAMPLES_PER_VISIT = 50
# the code of a point added to the directory, by its kind (DW001 废水总排口, DA001 废气排放口 ...)
POINT_PREFIX = {PointKind.WASTEWATER: "DW", PointKind.FLUE_GAS: "DA", PointKind.FUGITIVE: "WZ", PointKind.NOISE: "ZS"}

# why a trigger of the machine cannot fire from its own source status (its guard failed)
BLOCKED = {"submit_plan": "plan_empty", "submit_schedule": "no_visits", "reopen_plan": "plan_has_visits"}


class TaskRefused(Refusal):
    """A use case refused; services/texts/refusals.py words the code."""

    domain = "task"


# --- the event log (任务日志) --------------------------------------------------------------------------

def log(task: MonitoringTask, actor: User | None, action: str, **detail) -> TaskEvent:
    """Append to the task's event log: who did what, when, with the details (JSON-ready values)."""
    record = TaskEvent(at=clock.now(), actor_id=actor.id if actor else None, action=action,
                       detail={k: _plain(v) for k, v in detail.items()})
    task.events.append(record)
    return record


def _plain(value):
    if isinstance(value, date | time):
        return value.isoformat(timespec="minutes") if isinstance(value, time) else value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


# --- moving the task along ------------------------------------------------------------------------------

@transaction
def advance(task: MonitoringTask, actor: User, trigger: str, **detail) -> None:
    """Fire one trigger of the task machine and log the move; refused with the reason when it cannot fire."""
    if not can(task, trigger):
        sources = {s for t in TRANSITIONS if t["trigger"] == trigger for s in _as_list(t["source"])}
        if str(task.status) in sources and trigger in BLOCKED:
            raise TaskRefused(BLOCKED[trigger])
        raise TaskRefused("wrong_status", status=STATUS_NAMES[TaskStatus(task.status)])
    before = str(task.status)
    getattr(bind(task), trigger)()
    log(task, actor, trigger, **{"from": before, "to": str(task.status)}, **detail)


def _as_list(source) -> list[str]:
    return source if isinstance(source, list) else [source]


# --- 委托任务申请 (application) -------------------------------------------------------------------------

@dataclass
class Application:
    """What the clerk typed into the application form."""

    name: str = ""
    category: str = ""
    polluter_id: int | None = None
    contract_id: int | None = None
    address: str = ""
    sampling_needed: bool = True  # False: analysis of delivered samples only (送样)
    analysis_needed: bool = True


def own_site(db: Session, agency_id: int) -> Polluter | None:
    """A self-monitoring agency's own site in the directory (Polluter.own_agency_id)."""
    return db.scalar(select(Polluter).where(Polluter.own_agency_id == agency_id))


def choosable_polluters(db: Session, user: User) -> list[Polluter]:
    """The monitored objects the agency may apply for: its own site when it monitors itself, otherwise the
    polluters it has a submitted contract with."""
    if user.agency.self_monitoring:
        site = own_site(db, user.agency_id)
        return [site] if site else []
    contracted = select(Contract.polluter_id).where(Contract.agency_id == user.agency_id,
                                                    Contract.status == SUBMITTED)
    return list(db.scalars(select(Polluter).where(Polluter.id.in_(contracted)).order_by(Polluter.name)))


@transaction
def apply(uow: UnitOfWork, user: User, application: Application) -> MonitoringTask:
    """新建委托任务: only an agency with a filing in force; the task starts at the application step."""
    db = uow.session
    if not filings.may_run_tasks(db, user.agency_id):
        raise TaskRefused("not_filed")
    polluter, contract = _check_application(db, user, application)
    task = MonitoringTask(agency_id=user.agency_id, status=TaskStatus.APPLICATION)
    _fill(task, application, polluter, contract)
    _insert_with_code(db, task, user.agency)
    log(task, user, "applied", code=task.code, name=task.name, polluter=polluter.name,
        contract=contract.code if contract else None, sampling_needed=task.sampling_needed,
        analysis_needed=task.analysis_needed)
    return task


@transaction
def revise_application(uow: UnitOfWork, user: User, task: MonitoringTask, application: Application) -> None:
    """修改委托申请: only before it is submitted."""
    if task.status != TaskStatus.APPLICATION:
        raise TaskRefused("application_closed")
    polluter, contract = _check_application(uow.session, user, application)
    _fill(task, application, polluter, contract)
    log(task, user, "application_revised", name=task.name, polluter=polluter.name,
        contract=contract.code if contract else None, sampling_needed=task.sampling_needed,
        analysis_needed=task.analysis_needed)


def _fill(task: MonitoringTask, application: Application, polluter: Polluter, contract: Contract | None) -> None:
    task.name = application.name.strip()
    task.category = application.category
    task.polluter = polluter
    task.contract = contract
    task.address = application.address.strip() or polluter.address
    task.sampling_needed = application.sampling_needed
    task.analysis_needed = application.analysis_needed


def _check_application(db: Session, user: User, application: Application) -> tuple[Polluter, Contract | None]:
    if not application.name.strip():
        raise TaskRefused("name_required")
    if application.category not in CATEGORIES:
        raise TaskRefused("bad_category")
    if user.agency.self_monitoring:
        return _own_object(db, user, application), None
    polluter = db.get(Polluter, application.polluter_id) if application.polluter_id else None
    if polluter is None:
        raise TaskRefused("polluter_required")
    return polluter, _linkable_contract(db, user, application.contract_id, polluter)


def _own_object(db: Session, user: User, application: Application) -> Polluter:
    """A self-monitoring agency monitors its own site, with no contract."""
    site = own_site(db, user.agency_id)
    if site is None:
        raise TaskRefused("own_site_missing")
    if application.polluter_id not in (None, site.id):
        raise TaskRefused("own_site_only")
    return site


def _linkable_contract(db: Session, user: User, contract_id: int | None, polluter: Polluter) -> Contract:
    if contract_id is None:
        raise TaskRefused("contract_required")
    contract = db.get(Contract, contract_id)
    if contract is None or contract.agency_id != user.agency_id:
        raise TaskRefused("contract_not_found")
    if contract.status != SUBMITTED:
        raise TaskRefused("contract_not_submitted", code=contract.code)
    if contract.polluter_id != polluter.id:
        raise TaskRefused("contract_other_polluter", code=contract.code, polluter=contract.polluter.name)
    return contract


def _insert_with_code(db: Session, task: MonitoringTask, agency: Agency) -> None:
    """Give the task the agency's next code of the year (RW-LC-2026-0001). The agency row is locked first, so
    applications at the same moment take their numbers one after the other."""
    db.execute(select(Agency.id).where(Agency.id == agency.id).with_for_update())
    prefix = f"RW-{agency.code or agency.id}-{clock.today().year}-"
    taken = db.scalars(select(MonitoringTask.code).where(MonitoringTask.code.startswith(prefix)))
    last = max((int(c.removeprefix(prefix)) for c in taken if c.removeprefix(prefix).isdigit()), default=0)
    task.code = f"{prefix}{last + 1:04d}"
    db.add(task)
    db.flush()


# --- 方案编制 (plan) --------------------------------------------------------------------------------

@dataclass(frozen=True)
class PlanLine:
    """One line of the plan: a factor of a directory point, its method and samples per visit."""

    point_id: int
    factor: str
    method: str
    samples_per_visit: int = 1
    container: str | None = None
    preservative: str | None = None
    storage: str | None = None  # 保存条件: one of STORAGE_CONDITIONS, or none chosen


@transaction
def save_plan(uow: UnitOfWork, user: User, task: MonitoringTask, lines: list[PlanLine]) -> None:
    """保存方案: the plan becomes exactly `lines`; points and factors only from the polluter's directory lists, and
    a factor its self-monitoring scheme (自行监测方案) lists is monitored by the scheme's method standard."""
    if task.status != TaskStatus.PLANNING:
        raise TaskRefused("plan_closed")
    points = {p.id: p for p in task.polluter.points}
    wanted: dict[tuple[int, str], PlanLine] = {}
    for line in lines:
        point = _check_line(points, line, task.sampling_needed)
        if (line.point_id, line.factor) in wanted:
            raise TaskRefused("duplicate_line", point=point.code, factor=line.factor)
        wanted[line.point_id, line.factor] = line
    added, removed, changed = _apply_plan(uow.session, task, wanted, points)
    if added or removed or changed:
        log(task, user, "plan_saved", added=added, removed=removed, changed=changed)


def _check_line(points: dict[int, MonitoringPoint], line: PlanLine, sampling: bool) -> MonitoringPoint:
    """`sampling`: the task's samples are taken by the agency on site (True) or delivered to it (送样, False)."""
    point = points.get(line.point_id)
    if point is None:
        raise TaskRefused("point_not_listed")
    where = {"point": point.code, "factor": line.factor}
    if line.factor not in {f.name for f in point.factors}:
        raise TaskRefused("factor_not_listed", **where)
    if not line.method.strip():
        raise TaskRefused("method_required", **where)
    if len(line.method.strip()) > 128:
        raise TaskRefused("method_too_long", **where)
    scheme = next((item for item in point.scheme if item.factor == line.factor), None)
    if scheme is not None and not follows_standard(line.method, scheme.method_standard):
        raise TaskRefused("method_not_in_scheme", standard=scheme.method_standard, **where)
    if scheme is not None and scheme.sampling != sampling:
        # 采样 in the scheme: the agency samples on site; 仅分析: the polluter samples and delivers
        raise TaskRefused("mode_not_in_scheme", scheme_mode=SCHEME_MODE_NAMES[scheme.sampling],
                          task_mode=SAMPLE_SOURCES["sampling" if sampling else "delivered"], **where)
    if not 1 <= line.samples_per_visit <= MAX_SAMPLES_PER_VISIT:
        raise TaskRefused("samples_range", most=MAX_SAMPLES_PER_VISIT, **where)
    if line.storage and line.storage not in STORAGE_CONDITIONS:
        raise TaskRefused("storage_unknown", choices="、".join(STORAGE_CONDITIONS), **where)
    return point


# a method standard's number: HJ 828-2017, GB/T 16157-1996, HJ/T 399-2007, DB31/ 199-2018 …
STANDARD_NUMBER = re.compile(r"(?:GB|HJ|DB\d*)\s*/?\s*T?\s*[\d.]+\s*-\s*\d{4}", re.IGNORECASE)


def follows_standard(method: str, standard: str) -> bool:
    """Whether a plan's method names the scheme's method standard: by its number where it has one (the method may
    add the technique, 重铬酸盐法), else by its whole text; spaces and letter case aside."""
    def plain(text: str) -> str:
        return re.sub(r"\s+", "", text).upper()
    number = STANDARD_NUMBER.search(standard)
    return plain(number.group(0) if number else standard) in plain(method)


def _apply_plan(db: Session, task: MonitoringTask, wanted: dict, points: dict) -> tuple[list, list, list]:
    """Add, change and remove plan items to match `wanted`; returns what changed, as "DW001 化学需氧量"."""
    def label(point_id: int, factor: str) -> str:
        return f"{points[point_id].code} {factor}"

    added, removed, changed = [], [], []
    for item in list(task.plan):
        line = wanted.pop((item.point_id, item.factor), None)
        if line is None:
            removed.append(label(item.point_id, item.factor))
            task.plan.remove(item)
            db.delete(item)
        elif _set_line(item, line):
            changed.append(label(item.point_id, item.factor))
    for line in wanted.values():
        item = PlanItem(point_id=line.point_id, point=points[line.point_id], factor=line.factor)
        _set_line(item, line)
        task.plan.append(item)
        added.append(label(line.point_id, line.factor))
    return added, removed, changed


def _set_line(item: PlanItem, line: PlanLine) -> bool:
    """Copy the line's method and sampling details onto the item; whether anything changed."""
    values = {"method": line.method.strip(), "samples_per_visit": line.samples_per_visit,
              "container": (line.container or "").strip()[:64] or None,
              "preservative": (line.preservative or "").strip()[:64] or None,
              "storage": line.storage or None}
    changed = any(getattr(item, k) != v for k, v in values.items())
    for key, value in values.items():
        setattr(item, key, value)
    return changed


@dataclass(frozen=True)
class NewPoint:
    """A monitoring point the polluter's directory entry lacks (新增点位)."""

    kind: str
    name: str
    factors: list[str]
    latitude: float | None = None
    longitude: float | None = None


@transaction
def add_point(uow: UnitOfWork, user: User, task: MonitoringTask, new: NewPoint) -> MonitoringPoint:
    """新增点位: allowed only when the polluter has no point of that kind in the directory."""
    if task.status != TaskStatus.PLANNING:
        raise TaskRefused("plan_closed")
    if new.kind not in set(PointKind):
        raise TaskRefused("bad_kind")
    polluter = task.polluter
    same_kind = [f"{p.code} {p.name}" for p in polluter.points if p.kind == new.kind]
    if same_kind:
        raise TaskRefused("point_kind_exists", points="、".join(same_kind))
    name = new.name.strip()[:100]
    factors = list(dict.fromkeys(f.strip()[:64] for f in new.factors if f.strip()))
    if not name:
        raise TaskRefused("point_name_required")
    if not factors:
        raise TaskRefused("point_factors_required")
    point = MonitoringPoint(code=_free_point_code(polluter, new.kind), name=name, kind=new.kind,
                            latitude=new.latitude, longitude=new.longitude,
                            factors=[PointFactor(name=f) for f in factors])
    polluter.points.append(point)
    uow.session.flush()
    log(task, user, "point_added", point=point.code, name=name, kind=new.kind, factors=factors)
    return point


def _free_point_code(polluter: Polluter, kind: str) -> str:
    codes = {p.code for p in polluter.points}
    n = 1
    while f"{POINT_PREFIX[kind]}{n:03d}" in codes:
        n += 1
    return f"{POINT_PREFIX[kind]}{n:03d}"


# --- the task list (监测任务列表) -------------------------------------------------------------------------

@dataclass
class TaskFilter:
    """The list's filters: status, monitored object, application date range (local days), keyword."""

    status: str | None = None
    polluter_id: int | None = None
    start: date | None = None
    end: date | None = None
    keyword: str | None = None


def find(db: Session, user: User, wanted: TaskFilter) -> list[MonitoringTask]:
    """The tasks `user` may see that match the filters, newest first."""
    query = policy.scoped(user, MonitoringTask, select(MonitoringTask).join(MonitoringTask.polluter))
    if wanted.status:
        query = query.where(MonitoringTask.status == wanted.status)
    if wanted.polluter_id:
        query = query.where(MonitoringTask.polluter_id == wanted.polluter_id)
    if wanted.start:
        query = query.where(MonitoringTask.created_at >= clock.at_local(wanted.start, time.min))
    if wanted.end:
        query = query.where(MonitoringTask.created_at < clock.at_local(wanted.end + timedelta(days=1), time.min))
    if wanted.keyword:
        word = wanted.keyword.strip().lower()
        query = query.where(or_(*(func.lower(column).contains(word, autoescape=True) for column in (
            MonitoringTask.code, MonitoringTask.name, MonitoringTask.address, Polluter.name))))
    return list(db.scalars(query.order_by(MonitoringTask.id.desc())))


def polluters_seen(db: Session, user: User) -> list[Polluter]:
    """The monitored objects of the tasks `user` may see, for the list's filter."""
    tasks = policy.scoped(user, MonitoringTask, select(MonitoringTask.polluter_id))
    return list(db.scalars(select(Polluter).where(Polluter.id.in_(tasks)).order_by(Polluter.name)))
