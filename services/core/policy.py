"""Tenancy, in one place: who may see which rows.

An agency's users see their agency's filings, contracts, tasks, trips and photos; a polluter's users what
concerns their own sites; a regulator what is in their scope (监管范围: the whole city, a district, or an
industrial park's named polluters); a system admin everything. Views never
filter by tenant themselves: they ask `scoped(...)` for a query or `get(...)` for one object, and an object
of another tenant is simply not found (404).
"""
from __future__ import annotations

from sqlalchemy import Select, and_, false, or_, select, true, union
from sqlalchemy.orm import Session

from models import (
    Agency,
    Capability,
    CheckIn,
    Confirmation,
    Contract,
    CreditDocument,
    Equipment,
    Filing,
    Finding,
    MonitoringPoint,
    MonitoringTask,
    OmPlan,
    OmReport,
    OmSheet,
    OmVisit,
    Photo,
    Polluter,
    QcFinding,
    Role,
    Sample,
    SamplingTrip,
    SparePart,
    Staff,
    TrainingRecord,
    User,
    Vehicle,
    Visit,
    park_member,
)

# the people of an agency: they see their agency's own work, never another agency's on a shared polluter
AGENCY_ROLES = (Role.AGENCY_ADMIN, Role.SAMPLER, Role.OM_CREW, Role.TECHNICAL_LEAD, Role.QUALITY_LEAD,
                Role.QUALITY_SUPERVISOR)

# a regulator's scope (监管范围)
CITY, DISTRICT, PARK = "city", "district", "park"
SCOPES = {CITY: "全市", DISTRICT: "区", PARK: "园区"}
NO_SCOPE = "未设定监管范围（请联系系统管理员）"


def scope_of(user: User) -> str | None:
    """CITY, DISTRICT or PARK, or None when the account's scope is incomplete (it then sees nothing).

    A regulator made before scopes existed has only a district, which is its scope."""
    scope = user.scope or (DISTRICT if user.district else None)
    if scope == CITY or (scope == DISTRICT and user.district) or (scope == PARK and user.park_id):
        return scope
    return None


def _scope_key(user: User) -> tuple | None:
    scope = scope_of(user)
    return None if scope is None else (scope, user.district if scope == DISTRICT else None,
                                       user.park_id if scope == PARK else None)


def same_scope(one: User, other: User) -> bool:
    """Whether two regulators oversee the same (their draws, inspections and urgings are shared)."""
    return one.role == other.role == Role.REGULATOR and _scope_key(one) is not None \
        and _scope_key(one) == _scope_key(other)


def colleagues(user: User):
    """The WHERE clause of the regulators who oversee what `user` oversees (`user` among them)."""
    scope = scope_of(user)
    if user.role != Role.REGULATOR or scope is None:
        return User.id == user.id
    if scope == CITY:
        return and_(User.role == Role.REGULATOR, User.scope == CITY)
    if scope == PARK:
        return and_(User.role == Role.REGULATOR, User.scope == PARK, User.park_id == user.park_id)
    return and_(User.role == Role.REGULATOR, or_(User.scope == DISTRICT, User.scope.is_(None)),
                User.district == user.district)


def scope_label(user: User) -> str:
    """What the regulator's pages say they cover: 全市, the district, the park — or that nothing is set."""
    if user.role == Role.SYSTEM_ADMIN:
        return SCOPES[CITY]
    scope = scope_of(user)
    if scope is None:
        return NO_SCOPE
    return {CITY: SCOPES[CITY], DISTRICT: user.district, PARK: user.park.name if user.park else ""}[scope]


def regulated_polluters(user: User):
    """The polluters a regulator oversees, by its scope."""
    scope = scope_of(user)
    if scope == CITY:
        return true()
    if scope == DISTRICT:
        return Polluter.district == user.district
    if scope == PARK:
        return Polluter.id.in_(select(park_member.c.polluter_id).where(park_member.c.park_id == user.park_id))
    return false()


def _regulated_agencies(user: User):
    """The agencies a regulator oversees: a district's registered ones; a park's, those working for its
    polluters (tasks, contracts, O&M plans) and the park's self-monitoring polluters."""
    scope = scope_of(user)
    if scope == CITY:
        return true()
    if scope == DISTRICT:
        return Agency.district == user.district
    if scope is None:
        return false()
    park = select(Polluter.id).where(regulated_polluters(user))
    working = union(select(MonitoringTask.agency_id).where(MonitoringTask.polluter_id.in_(park)),
                    select(Contract.agency_id).where(Contract.polluter_id.in_(park)),
                    select(OmPlan.agency_id).where(OmPlan.polluter_id.in_(park)),
                    select(Polluter.own_agency_id).where(Polluter.id.in_(park)))
    return Agency.id.in_(working)


def _agency_rows(user: User):
    if user.role == Role.SYSTEM_ADMIN:
        return true()
    if user.role == Role.REGULATOR:
        return _regulated_agencies(user)
    return Agency.id == user.agency_id if user.agency_id else false()


def _polluters(user: User):
    """The polluters whose records `user` may see."""
    if user.role == Role.SYSTEM_ADMIN:
        return true()
    if user.role == Role.REGULATOR:
        return regulated_polluters(user)
    if user.role == Role.POLLUTER_CONFIRMER:
        return Polluter.id == user.polluter_id
    # an agency sees the directory entries it works for (its tasks and contracts), and its own site
    return Polluter.id.in_(select(MonitoringTask.polluter_id).where(MonitoringTask.agency_id == user.agency_id)
                           .union(select(Contract.polluter_id).where(Contract.agency_id == user.agency_id))) \
        | (Polluter.own_agency_id == user.agency_id)


def _tasks(user: User):
    if user.role in AGENCY_ROLES:
        return MonitoringTask.agency_id == user.agency_id
    return MonitoringTask.polluter_id.in_(select(Polluter.id).where(_polluters(user)))


def _trips(user: User):
    return SamplingTrip.visit_id.in_(select(Visit.id).join(MonitoringTask).where(_tasks(user)))


def _by_agency(column):
    def rule(user: User):
        return column.in_(select(Agency.id).where(_agency_rows(user)))
    return rule


def _contracts(user: User):
    if user.role in AGENCY_ROLES:
        return Contract.agency_id == user.agency_id
    return Contract.polluter_id.in_(select(Polluter.id).where(_polluters(user)))


def _qc_findings(user: User):
    """QC findings of O&M visits: the agency's own, the polluter's own site, the regulator's district."""
    if user.role == Role.SYSTEM_ADMIN:
        return true()
    if user.role in (Role.REGULATOR, Role.POLLUTER_CONFIRMER):
        return QcFinding.visit_id.in_(select(OmVisit.id).join(OmPlan).where(
            OmPlan.polluter_id.in_(select(Polluter.id).where(_polluters(user)))))
    return QcFinding.agency_id == user.agency_id if user.agency_id else false()


def _findings(user: User):
    """A finding's scope is its subject's (its task's or plan's, the same rule), by the agency and polluter
    the finding records: the database reads the scope's findings through their indexes, not every trip."""
    if user.role in AGENCY_ROLES:
        return Finding.agency_id == user.agency_id
    return Finding.polluter_id.in_(select(Polluter.id).where(_polluters(user)))


def _om_plans(user: User):
    if user.role in AGENCY_ROLES:
        return OmPlan.agency_id == user.agency_id
    return OmPlan.polluter_id.in_(select(Polluter.id).where(_polluters(user)))


def _om_reports(user: User):
    if user.role in AGENCY_ROLES:
        return OmReport.agency_id == user.agency_id
    return OmReport.point_id.in_(select(MonitoringPoint.id).where(
        MonitoringPoint.polluter_id.in_(select(Polluter.id).where(_polluters(user)))))


def _om_visits(user: User):
    return OmVisit.plan_id.in_(select(OmPlan.id).where(_om_plans(user)))


RULES = {
    Agency: _agency_rows,
    Filing: _by_agency(Filing.agency_id),
    Staff: _by_agency(Staff.agency_id),
    Equipment: _by_agency(Equipment.agency_id),
    Capability: _by_agency(Capability.agency_id),
    Vehicle: _by_agency(Vehicle.agency_id),
    SparePart: _by_agency(SparePart.agency_id),
    Polluter: _polluters,
    MonitoringPoint: lambda u: MonitoringPoint.polluter_id.in_(select(Polluter.id).where(_polluters(u))),
    Contract: _contracts,
    MonitoringTask: _tasks,
    Visit: lambda u: Visit.task_id.in_(select(MonitoringTask.id).where(_tasks(u))),
    SamplingTrip: _trips,
    CheckIn: lambda u: CheckIn.trip_id.in_(select(SamplingTrip.id).where(_trips(u))),
    Sample: lambda u: Sample.trip_id.in_(select(SamplingTrip.id).where(_trips(u))),
    Confirmation: lambda u: Confirmation.trip_id.in_(select(SamplingTrip.id).where(_trips(u))),
    Photo: lambda u: Photo.trip_id.in_(select(SamplingTrip.id).where(_trips(u)))
    | Photo.task_id.in_(select(MonitoringTask.id).where(_tasks(u))),
    CreditDocument: _by_agency(CreditDocument.agency_id),
    TrainingRecord: _by_agency(TrainingRecord.agency_id),
    QcFinding: _qc_findings,
    Finding: _findings,
    OmPlan: _om_plans,
    OmReport: _om_reports,
    OmVisit: _om_visits,
    OmSheet: lambda u: OmSheet.visit_id.in_(select(OmVisit.id).where(_om_visits(u))),
}


def condition(user: User, model):
    """The WHERE clause limiting `model` to what `user` may see."""
    return RULES[model](user)


def scoped(user: User, model, query: Select | None = None) -> Select:
    """`query` (default: all rows of `model`) limited to what `user` may see."""
    return (query if query is not None else select(model)).where(condition(user, model))


def get(db: Session, user: User, model, ident: int):
    """One row `user` may see, or None (the view answers 404)."""
    return db.scalar(scoped(user, model).where(model.id == ident))
