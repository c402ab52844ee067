"""Demo data for `make run` and the end-to-end tests (`emss demo`; loading twice changes nothing)."""
from __future__ import annotations

from datetime import date, time
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import (
    Agency,
    AgencyKind,
    Capability,
    Contract,
    Equipment,
    Filing,
    FilingStage,
    FilingState,
    FilingStatus,
    Instrument,
    InstrumentKind,
    MonitoringPoint,
    MonitoringTask,
    OmPlan,
    OmPlanItem,
    OmVisit,
    PlanItem,
    PointFactor,
    PointKind,
    Polluter,
    Role,
    Staff,
    TaskStatus,
    User,
    Visit,
    WechatBinding,
    clock,
)
from services.core.uow import transaction
from services.filing import filings
from services.users.accounts import hash_method, hash_password

PASSWORD = "demo1234"
POLLUTER_OPENID = "o_demo_polluter"
ACCOUNTS_NOTE = (
    "演示账号（密码均为 demo1234）：agency1 机构管理员｜sampler1、sampler2 采样人员｜"
    "polluter1 排污单位（已绑定 o_demo_polluter）｜selfmon1 自行监测企业采样人员｜regulator1 管理部门｜"
    "agency2 待审核备案的机构｜admin1 系统管理员｜om1 运维机构管理员｜omcrew1 运维人员"
)


def _demo_hash() -> str:
    return _password_hash(hash_method())


@lru_cache(maxsize=2)
def _password_hash(method: str) -> str:
    # one hash for every demo account: they share the password, and hashing is deliberately slow
    return hash_password(PASSWORD, method)


@transaction
def load(db: Session) -> bool:
    """Create the demo world once; on later calls only make sure today's visits exist."""
    created = db.scalar(select(User).where(User.username == "agency1")) is None
    if created:
        _create(db)
        db.flush()
    for code in ("RW-DEMO-0001", "ZC-DEMO-0001"):
        _ensure_today_visit(db, code)
    _ensure_today_om_visit(db)
    return created


def _user(username: str, name: str, role: Role, **links) -> User:
    return User(username=username, display_name=name, role=role, password_hash=_demo_hash(), **links)


def _create(db: Session) -> None:
    agency = Agency(name="上海绿测环境检测有限公司", kind=AgencyKind.MONITORING, credit_code="91310000MA1GREEN01",
                    filing_status=FilingStatus.APPROVED, code="LC", district="金山区",
                    address="金山区检测路 1 号", legal_representative="陈明", contact_name="陈静",
                    contact_phone="021-57000001")
    polluter = _polluter("上海示范化工有限公司", "91310116MA1DEMO001", "金山区", "金山区示范路 88 号",
                         30.8167, 121.3500)
    polluter1 = _user("polluter1", "王工（示范化工）", Role.POLLUTER_CONFIRMER, polluter=polluter,
                      manages_accounts=True, post="环保负责人")
    sampler1 = _user("sampler1", "张伟", Role.SAMPLER, agency=agency)
    sampler2 = _user("sampler2", "李娜", Role.SAMPLER, agency=agency)
    valid = date(clock.today().year + 1, 12, 31)
    equipment = [Equipment(agency=agency, name="自动烟尘烟气测试仪", model="崂应 3012H", asset_no="GT-EQ-001",
                           factory_no="3012H-2023-118", calibration_valid_until=valid),
                 Equipment(agency=agency, name="便携式 pH 计", model="PHB-4", asset_no="GT-EQ-002",
                           factory_no="PHB4-88172", calibration_valid_until=valid)]
    db.add_all([agency, polluter, polluter1, sampler1, sampler2, *equipment,
                _user("agency1", "陈静（绿测）", Role.AGENCY_ADMIN, agency=agency),
                _user("regulator1", "金山区生态环境局", Role.REGULATOR, scope="district", district="金山区"),
                _user("admin1", "系统管理员", Role.SYSTEM_ADMIN),
                WechatBinding(openid=POLLUTER_OPENID, user=polluter1),
                _staff(agency, sampler1, "张伟", "310116198801011234", valid),
                _staff(agency, sampler2, "李娜", "310116199203052345", valid),
                *capabilities(agency)])
    db.flush()
    contract = Contract(agency_id=agency.id, polluter_id=polluter.id, code="HT-2026-001", status="submitted")
    db.add(contract)
    db.flush()
    db.add(sampling_task("RW-DEMO-0001", "示范化工 2026 年第四季度自行监测", agency, polluter, contract))

    own = Agency(name="上海自测示范电镀有限公司", kind=AgencyKind.SELF_MONITORING, credit_code="91310117MA1SELF001",
                 filing_status=FilingStatus.APPROVED, code="ZC", district="松江区")
    self_polluter = _polluter("上海自测示范电镀有限公司", "91310117MA1SELF001", "松江区", "松江区示范路 9 号",
                              31.0320, 121.2270, own_agency=own)
    selfmon1 = _user("selfmon1", "赵强（自测电镀）", Role.SAMPLER, agency=own)
    db.add_all([own, self_polluter, selfmon1, _staff(own, selfmon1, "赵强", "310117198506063456", valid),
                *capabilities(own),
                Equipment(agency=own, name="便携式 pH 计", model="PHB-4", asset_no="ZC-EQ-001",
                          calibration_valid_until=valid)])
    db.flush()
    db.add(sampling_task("ZC-DEMO-0001", "自测电镀 2026 年第四季度自行监测", own, self_polluter, None))
    for filed in (agency, own):
        approved_filing(db, filed)
    _pending_agency(db, valid)
    _om_agency(db, polluter, valid)


def _staff(agency, user, name, id_number, valid) -> Staff:
    return Staff(agency=agency, user=user, name=name, id_number=id_number, post="采样员", title="助理工程师",
                 education="本科", certificate_no=f"HJ-{id_number[-6:]}", certificate_authority="上海市环境监测中心",
                 certificate_category="现场采样", certificate_valid_until=valid)


def capabilities(agency) -> list[Capability]:
    return [Capability(agency=agency, factor=factor, method=method) for factor, (method, *_) in METHODS.items()]


def approved_filing(db: Session, agency: Agency) -> None:
    """Version 1 of both stages approved, so the agency can run tasks (the demo's and scenarios' agencies)."""
    db.add_all([_filed(agency, FilingStage.BASIC, FilingState.APPROVED, basic=filings.basic_of(agency)),
                _filed(agency, FilingStage.RESOURCES, FilingState.APPROVED, snapshot=filings.snapshot(db, agency.id))])


def _filed(agency: Agency, stage: FilingStage, state: FilingState, basic=None, snapshot=None) -> Filing:
    decided = clock.now() if state == FilingState.APPROVED else None
    return Filing(agency=agency, stage=stage, version=1, state=state, basic=basic or {}, snapshot=snapshot or {},
                  submitted_at=clock.now(), decided_at=decided)


def _pending_agency(db: Session, valid) -> None:
    """A second monitoring agency whose basic information waits for the regulator (regulator1 can review it);
    its people, equipment and capabilities are entered, to be submitted for 二审 once that is approved."""
    agency = Agency(name="上海清源检测技术有限公司", kind=AgencyKind.MONITORING, credit_code="91310116MA1QING002",
                    code="QY", district="金山区", address="金山区清源路 2 号", legal_representative="周清",
                    contact_name="周源", contact_phone="021-57000002")
    db.add_all([agency, _user("agency2", "周源（清源）", Role.AGENCY_ADMIN, agency=agency)])
    db.flush()
    db.add_all([Staff(agency=agency, name="吴杰", id_number="310116199001017890", post="采样员",
                      certificate_no="HJ-017890", certificate_valid_until=valid),
                Equipment(agency=agency, name="便携式溶解氧仪", model="JPB-607A", asset_no="QY-EQ-001",
                          calibration_valid_until=valid),
                *capabilities(agency)])
    db.flush()
    db.add(_filed(agency, FilingStage.BASIC, FilingState.SUBMITTED, basic=filings.basic_of(agency)))


def _om_agency(db: Session, polluter: Polluter, valid: date) -> None:
    """An O&M agency (运维机构) with its crew, a contract and a plan on the demo polluter's two CEMS, whose
    instruments the polluter has registered."""
    agency = Agency(name="上海恒运环保设施运维有限公司", kind=AgencyKind.OM, credit_code="91310116MA1HENG003",
                    filing_status=FilingStatus.APPROVED, code="HY", district="金山区", address="金山区运维路 3 号",
                    legal_representative="孙恒", contact_name="孙运", contact_phone="021-57000003")
    crew = _user("omcrew1", "刘洋", Role.OM_CREW, agency=agency)
    year = clock.today().year
    contract = Contract(agency=agency, polluter_id=polluter.id, code="YW-2026-001", status="submitted",
                        parameters="烟气 CEMS、废水在线监测仪运维", period_start=date(year, 1, 1),
                        period_end=date(year, 12, 31), submitted_at=clock.now())
    gas_point, water_point = (next(p for p in polluter.points if p.kind == kind)
                              for kind in (PointKind.FLUE_GAS, PointKind.WASTEWATER))
    gas = Instrument(point=gas_point, kind=InstrumentKind.ANALYSER, name="烟气连续监测系统 SO2 分析仪",
                     model="SCS-900", manufacturer="聚光科技", serial_no="SCS900-2024-0311", factors="二氧化硫",
                     range_low=0, range_high=500, unit="mg/m³", principle="非分散红外", analyte_class="gas",
                     installed_on=date(2024, 3, 1), accepted_on=date(2024, 4, 1), dau="HY-DAU-01")
    water = Instrument(point=water_point, kind=InstrumentKind.ANALYSER, name="化学需氧量在线分析仪",
                       model="CODmax plus", manufacturer="哈希", serial_no="CODM-2023-0718", factors="化学需氧量",
                       range_low=0, range_high=500, unit="mg/L", principle="重铬酸钾法", analyte_class="codcr",
                       installed_on=date(2023, 7, 1), accepted_on=date(2023, 8, 1), dau="HY-DAU-02")
    equipment = Equipment(agency=agency, name="标准气体稀释仪", model="GD-1000", asset_no="HY-EQ-001",
                          factory_no="GD1000-0092", calibration_valid_until=valid)
    plan = OmPlan(agency=agency, polluter_id=polluter.id, contract=contract, name="示范化工自动监控设施运维",
                  starts_on=date(year, 1, 1), ends_on=date(year, 12, 31), crew=[crew], equipment=[equipment])
    plan.items = [OmPlanItem(point=gas_point, instrument=gas, sheet="daily_inspection", frequency_days=7),
                  OmPlanItem(point=gas_point, instrument=gas, sheet="calibration", frequency_days=7),
                  OmPlanItem(point=water_point, instrument=water, sheet="daily_inspection", frequency_days=7)]
    db.add_all([agency, crew, contract, gas, water, equipment, plan,
                _user("om1", "孙运（恒运运维）", Role.AGENCY_ADMIN, agency=agency),
                Staff(agency=agency, user=crew, name="刘洋", id_number="310116199105051234", post="运维工程师",
                      title="工程师", education="本科", technical_role="运维人员", certificate_no="YW-051234",
                      certificate_authority="上海市环境保护产业协会", certificate_category="烟气 CEMS 运维",
                      certificate_valid_until=valid)])
    db.flush()
    approved_filing(db, agency)


def _ensure_today_om_visit(db: Session) -> None:
    """A visit of the demo O&M plan due today, with every item of the plan, for omcrew1 in /simulator."""
    plan = db.scalar(select(OmPlan).where(OmPlan.name == "示范化工自动监控设施运维"))
    today = clock.today()
    if plan is None or any(v.due_on == today for v in plan.visits):
        return
    plan.visits.append(OmVisit(due_on=today, planned=[item.id for item in plan.items]))


def _polluter(name, code, district, address, lat, lng, **extra) -> Polluter:
    polluter = Polluter(name=name, credit_code=code, district=district, address=address, latitude=lat,
                        longitude=lng, **extra)
    polluter.points = [
        point("DW001", "废水总排口", PointKind.WASTEWATER, lat + 0.0003, lng + 0.0004,
              ("化学需氧量", "氨氮", "pH值")),
        point("DA001", "锅炉废气排放口", PointKind.FLUE_GAS, lat - 0.0003, lng - 0.0003,
              ("二氧化硫", "氮氧化物", "颗粒物")),
    ]
    return polluter


def point(code: str, name: str, kind: PointKind, lat: float | None, lng: float | None,
          factors) -> MonitoringPoint:
    """A monitoring point of the directory with its factors (the demo's and scenarios' sites)."""
    row = MonitoringPoint(code=code, name=name, kind=kind, latitude=lat, longitude=lng)
    row.factors = [PointFactor(name=n) for n in factors]
    return row


# factor: method standard, container, preservative, storage condition on the way to the laboratory
METHODS = {
    "化学需氧量": ("HJ 828-2017 重铬酸盐法", "玻璃瓶 500 mL", "加硫酸至 pH<2", "冷藏(0–4℃)"),
    "氨氮": ("HJ 535-2009 纳氏试剂分光光度法", "聚乙烯瓶 500 mL", "加硫酸至 pH<2", "冷藏(0–4℃)"),
    "pH值": ("HJ 1147-2020 电极法", "现场测定", None, None),
    "二氧化硫": ("HJ 57-2017 定电位电解法", "现场测定", None, None),
    "氮氧化物": ("HJ 693-2014 定电位电解法", "现场测定", None, None),
    "颗粒物": ("HJ 836-2017 重量法", "滤筒", None, "常温"),
}
# a factor the table does not know (a scenario's): the plan line names no standard method
UNLISTED = ("按监测方案确定的方法", None, None, None)


def sampling_task(code, name, agency, polluter, contract, points=None) -> MonitoringTask:
    """A task at the sampling stage whose plan samples every factor of `points` (all the site's by default)."""
    task = MonitoringTask(code=code, name=name, category="自行监测", agency=agency, polluter_id=polluter.id,
                          contract_id=contract.id if contract else None, status=TaskStatus.SAMPLING)
    for site_point in polluter.points if points is None else points:
        for factor in site_point.factors:
            method, container, preservative, storage = METHODS.get(factor.name, UNLISTED)
            task.plan.append(PlanItem(point=site_point, factor=factor.name, method=method, container=container,
                                      preservative=preservative, storage=storage))
    return task


def _ensure_today_visit(db: Session, task_code: str) -> None:
    task = db.scalar(select(MonitoringTask).where(MonitoringTask.code == task_code))
    today = clock.today()
    if task is None or any(v.day == today for v in task.visits):
        return
    samplers = list(db.scalars(select(User).where(User.agency_id == task.agency_id, User.role == Role.SAMPLER)
                               .order_by(User.id)))
    equipment = list(db.scalars(select(Equipment).where(Equipment.agency_id == task.agency_id)))
    # the first demo sampler does the demo trip; sampler2 keeps a clean list for trying things out
    task.visits.append(Visit(day=today, starts=time(8, 0), ends=time(18, 0), samplers=samplers[:1],
                             equipment=equipment))
