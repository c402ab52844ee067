"""Scripted scenarios (development and tests; `emss scenario load FILE.json`, `POST /fake-wechat/scenario`):
agencies, polluters with their points, people bound to WeChat, and sampling and O&M visits, each found again by
its key, so loading twice changes nothing. The file is checked first (services/dev/scenario_file.py); the rows are
then built through the demo's builders and the O&M plan use case, and the caller commits once: a refusal on
the way leaves nothing loaded.
"""
from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash

from models import (
    Agency,
    AgencyKind,
    ApiToken,
    Contract,
    Filing,
    FilingStatus,
    Instrument,
    InstrumentKind,
    MonitoringPoint,
    OmVisit,
    PointFactor,
    Polluter,
    Role,
    User,
    Visit,
    WechatBinding,
    clock,
)
from services.core.uow import transaction
from services.dev import demo
from services.dev.scenario_file import AgencySpec, PersonSpec, PointSpec, PolluterSpec, ScenarioProblem, VisitSpec, read
from services.dev.scenario_work import Builder
from services.findings import engine
from services.om import om_plans
from services.texts.refusals import say
from services.users import api_tokens
from services.users.accounts import hash_password

__all__ = ["ScenarioProblem", "load"]

ROLES = {"sampler": Role.SAMPLER, "om_crew": Role.OM_CREW, "agency_admin": Role.AGENCY_ADMIN,
         "polluter": Role.POLLUTER_CONFIRMER, "regulator": Role.REGULATOR}
AGENCY_KINDS = {"monitoring": AgencyKind.MONITORING, "om": AgencyKind.OM}
OM_POINT_KINDS = ("flue_gas", "wastewater")  # the points with automatic monitoring instruments to maintain


@transaction
def load(uow, data) -> dict:
    """Check the scenario, then create or update its rows, record what happened on its visits (once) and find
    their findings; {section: {key: id}}. Raises ScenarioProblem (nothing kept)."""
    scenario = read(data)
    db = uow.session
    world = _World(db)
    ids = {"agencies": {a.key: world.agency(a).id for a in scenario.agencies},
           "polluters": {p.key: world.polluter(p).id for p in scenario.polluters},
           "people": {p.username: world.person(p, f"people[{n}]").id for n, p in enumerate(scenario.people)}}
    rows = {v.key: world.visit(v, f"visits[{n}]") for n, v in enumerate(scenario.visits)}
    ids["visits"] = {key: row.id for key, row in rows.items()}
    builder = Builder(uow, {v.key: v for v in scenario.visits}, world.people)
    built = [world.work(builder, spec, rows[spec.key]) for spec in scenario.visits if spec.work is not None]
    db.flush()
    for subject in filter(None, built):
        engine.rescan(db, subject)
    return ids


def credit_code(key: str) -> str:
    """A made-up unified social credit code (18 characters) of a scenario's agency or polluter, from its key."""
    return "SC" + hashlib.sha256(key.encode()).hexdigest()[:16].upper()


class _World:
    """The rows of one load, by key."""

    def __init__(self, db: Session):
        self.db = db
        self.agencies: dict[str, Agency] = {}
        self.polluters: dict[str, Polluter] = {}
        self.people: dict[str, User] = {}

    # --- agencies and sites ---

    def agency(self, spec: AgencySpec) -> Agency:
        row = self.db.scalar(select(Agency).where(Agency.ref == spec.key))
        if row is None:
            row = Agency(ref=spec.key, credit_code=credit_code(spec.key), filing_status=FilingStatus.APPROVED)
            self.db.add(row)
        row.name, row.kind, row.district = spec.name, AGENCY_KINDS[spec.kind], spec.district
        self._filed(row)
        self.agencies[spec.key] = row
        return row

    def _filed(self, agency: Agency) -> None:
        """A filing in force, so the agency may run tasks (as the demo's agencies); monitoring capabilities."""
        self.db.flush()
        if self.db.scalar(select(Filing.id).where(Filing.agency_id == agency.id).limit(1)) is not None:
            return
        if agency.kind != AgencyKind.OM:
            self.db.add_all(demo.capabilities(agency))
            self.db.flush()
        demo.approved_filing(self.db, agency)

    def polluter(self, spec: PolluterSpec) -> Polluter:
        row = self.db.scalar(select(Polluter).where(Polluter.ref == spec.key))
        if row is None:
            row = Polluter(ref=spec.key, credit_code=credit_code(spec.key))
            self.db.add(row)
        row.name, row.district, row.address = spec.name, spec.district, spec.address
        row.latitude, row.longitude, row.fence_radius_m = spec.lat, spec.lng, spec.fence_m
        existing = {p.code: p for p in row.points}
        for point in spec.points:
            self._point(row, existing.get(point.code), point)
        self.db.flush()
        self.polluters[spec.key] = row
        return row

    def _point(self, polluter: Polluter, row: MonitoringPoint | None, spec: PointSpec) -> None:
        lat = spec.lat if spec.lat is not None else polluter.latitude
        lng = spec.lng if spec.lng is not None else polluter.longitude
        if row is None:
            polluter.points.append(demo.point(spec.code, spec.name, spec.kind, lat, lng, spec.factors))
            return
        row.name, row.kind, row.latitude, row.longitude = spec.name, spec.kind, lat, lng
        known = {f.name for f in row.factors}
        row.factors.extend(PointFactor(name=n) for n in spec.factors if n not in known)

    def own_agency(self, polluter: Polluter) -> Agency:
        """The polluter acting as its own agency (自主检测排污企业), made on first need."""
        if polluter.own_agency is None:
            polluter.own_agency = Agency(name=polluter.name, kind=AgencyKind.SELF_MONITORING,
                                         credit_code=credit_code(f"self:{polluter.ref}"), district=polluter.district,
                                         filing_status=FilingStatus.APPROVED)
            self._filed(polluter.own_agency)
        return polluter.own_agency

    # --- people ---

    def person(self, spec: PersonSpec, path: str) -> User:
        row = self.db.scalar(select(User).where(User.username == spec.username))
        if row is None:
            row = User(username=spec.username, password_hash=_hash(spec.password))
            self.db.add(row)
        elif not check_password_hash(row.password_hash, spec.password):
            row.password_hash = _hash(spec.password)
        row.display_name, row.role, row.active = spec.name, ROLES[spec.role], True
        row.district = spec.district
        row.polluter = self.polluters[spec.polluter] if spec.polluter and spec.role == "polluter" else None
        row.agency = self._agency_of(spec)
        self.db.flush()
        if spec.openid:
            self._bind(row, spec.openid, f"{path}.openid")
        if spec.api_token:
            self._token(row, spec.api_token, f"{path}.api_token")
        self.people[spec.username] = row
        return row

    def _agency_of(self, spec: PersonSpec) -> Agency | None:
        if spec.agency:
            return self.agencies[spec.agency]
        if spec.role == "sampler":  # a sampler of a self-monitoring polluter works for the polluter itself
            return self.own_agency(self.polluters[spec.polluter])
        return None

    def _bind(self, user: User, openid: str, path: str) -> None:
        binding = self.db.scalar(select(WechatBinding).where(WechatBinding.openid == openid))
        if binding is not None and binding.user_id != user.id:
            raise ScenarioProblem(path, f"OpenID {openid} 已绑定其他账号",
                                  f"OpenID {openid} is bound to another account")
        if binding is None:
            if user.binding is not None:
                self.db.delete(user.binding)
                self.db.flush()
            self.db.add(WechatBinding(openid=openid, user=user))

    def _token(self, user: User, token: str, path: str) -> None:
        digest = api_tokens.digest(token)
        held = self.db.scalar(select(ApiToken).where(ApiToken.token_hash == digest))
        if held is not None and held.user_id != user.id:
            raise ScenarioProblem(path, "该 api_token 已属于其他账号",
                                  "this api_token belongs to another account")
        if held is None:
            self.db.add(ApiToken(user=user, token_hash=digest))

    # --- visits ---

    def work(self, builder: Builder, spec: VisitSpec, row: Visit | OmVisit):
        """What happened on the visit, recorded once; the subject whose findings to scan, if it was new."""
        if spec.kind == "sampling":
            return builder.trip(spec, row)
        return builder.om_visit(spec, row, self._instrument)

    def visit(self, spec: VisitSpec, path: str) -> Visit | OmVisit:
        return self._sampling(spec) if spec.kind == "sampling" else self._om(spec, path)

    def _chosen_points(self, spec: VisitSpec, kinds: tuple[str, ...] | None = None) -> list[MonitoringPoint]:
        polluter = self.polluters[spec.polluter]
        if spec.points:
            return [p for code in spec.points for p in polluter.points if p.code == code]
        return [p for p in polluter.points if kinds is None or p.kind in kinds]

    def _sampling(self, spec: VisitSpec) -> Visit:
        crew = [self.people[name] for name in spec.crew]
        visit = self.db.scalar(select(Visit).where(Visit.ref == spec.key))
        if visit is None:
            polluter = self.polluters[spec.polluter]
            agency = self.own_agency(polluter) if spec.self_monitoring else self.agencies[spec.agency]
            task = demo.sampling_task(_task_code(spec.key), f"场景任务 {spec.key}", agency, polluter, None,
                                      self._chosen_points(spec))
            task.category = "自行监测" if spec.self_monitoring else "委托监测"
            visit = Visit(ref=spec.key, task=task)
            self.db.add(task)
        visit.day, visit.starts, visit.ends, visit.samplers = spec.day, spec.start, spec.end, crew
        self.db.flush()
        return visit

    def _om(self, spec: VisitSpec, path: str) -> OmVisit:
        visit = self.db.scalar(select(OmVisit).where(OmVisit.ref == spec.key))
        if visit is None:
            visit = self._planned_om_visit(spec, path)
        visit.starts, visit.ends = spec.start, spec.end
        self.db.flush()
        return visit

    def _planned_om_visit(self, spec: VisitSpec, path: str) -> OmVisit:
        """A one-day O&M plan under a one-day contract: its generated visit is the scenario's visit."""
        agency, polluter = self.agencies[spec.agency], self.polluters[spec.polluter]
        contract = om_contract(agency, polluter, spec)
        self.db.add(contract)
        self.db.flush()
        items = [om_plans.ItemDraft(point.id, sheet, self._instrument(point).id)
                 for point in self._chosen_points(spec, OM_POINT_KINDS) for sheet in spec.sheets]
        draft = om_plans.PlanDraft(name=f"场景运维 {spec.key}", contract_id=contract.id, starts_on=spec.day,
                                   ends_on=spec.day, crew_ids=[self.people[n].id for n in spec.crew], items=items)
        try:
            plan = om_plans.save_agency_plan(self.db, agency, draft, today=spec.day)
        except om_plans.PlanRefused as refused:
            english = f"the O&M plan is refused ({refused.code})"
            raise ScenarioProblem(path, f"运维计划不成立：{say(refused)}", english) from None
        visit = next(v for v in plan.visits if v.due_on == spec.day)
        visit.ref = spec.key
        return visit

    def _instrument(self, point: MonitoringPoint) -> Instrument:
        """The point's analyser, registered on first need: O&M sheets are filled for an instrument."""
        found = self.db.scalar(select(Instrument).where(Instrument.point_id == point.id, Instrument.active))
        if found is not None:
            return found
        factors = [f.name for f in point.factors]
        gas = point.kind == "flue_gas"
        row = Instrument(point=point, kind=InstrumentKind.ANALYSER, name=f"{'、'.join(factors)}在线分析仪",
                         model="SC-1000", manufacturer="场景仪器厂", serial_no=f"SC-{point.polluter.ref}-{point.code}",
                         factors="、".join(factors), range_low=0, range_high=500, unit="mg/m³" if gas else "mg/L",
                         analyte_class="gas" if gas else ("codcr" if "化学需氧量" in factors else None),
                         installed_on=clock.today().replace(month=1, day=1))
        self.db.add(row)
        self.db.flush()
        return row


def om_contract(agency: Agency, polluter: Polluter, spec: VisitSpec) -> Contract:
    """The submitted contract a scenario's O&M plan is made under, for the visit's day only."""
    return Contract(agency_id=agency.id, polluter_id=polluter.id, code=f"SC-{spec.key}", status="submitted",
                    parameters="场景运维", period_start=spec.day, period_end=spec.day, submitted_at=clock.now())


def _task_code(key: str) -> str:
    code = f"SC-{key}"
    return code if len(code) <= 32 else "SC-" + hashlib.sha256(key.encode()).hexdigest()[:16]


def _hash(password: str) -> str:
    return demo._demo_hash() if password == demo.PASSWORD else hash_password(password)
