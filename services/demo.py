"""Demo data for `make run` and the end-to-end tests (`emss demo`; loading twice changes nothing)."""
from __future__ import annotations

from datetime import time
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import (
    Agency,
    AgencyKind,
    Contract,
    Equipment,
    FilingStatus,
    MonitoringPoint,
    MonitoringTask,
    PlanItem,
    PointFactor,
    PointKind,
    Polluter,
    Role,
    TaskStatus,
    User,
    Visit,
    WechatBinding,
)
from services import clock
from services.accounts import hash_password

PASSWORD = "demo1234"
POLLUTER_OPENID = "o_demo_polluter"
ACCOUNTS_NOTE = (
    "演示账号（密码均为 demo1234）：agency1 机构管理员｜sampler1、sampler2 采样人员｜"
    "polluter1 排污单位（已绑定 o_demo_polluter）｜selfmon1 自行监测企业采样人员｜regulator1 管理部门"
)


@lru_cache(maxsize=1)
def _demo_hash() -> str:
    # one hash for every demo account: they share the password, and hashing is deliberately slow
    return hash_password(PASSWORD)


def load(db: Session) -> bool:
    """Create the demo world once; on later calls only make sure today's visits exist."""
    created = db.scalar(select(User).where(User.username == "agency1")) is None
    if created:
        _create(db)
        db.flush()
    for code in ("RW-DEMO-0001", "ZC-DEMO-0001"):
        _ensure_today_visit(db, code)
    return created


def _user(username: str, name: str, role: Role, **links) -> User:
    return User(username=username, display_name=name, role=role, password_hash=_demo_hash(), **links)


def _create(db: Session) -> None:
    agency = Agency(name="上海绿测环境检测有限公司", kind=AgencyKind.MONITORING, credit_code="91310000MA1GREEN01",
                    filing_status=FilingStatus.APPROVED)
    polluter = _polluter("上海示范化工有限公司", "91310116MA1DEMO001", "金山区", "金山区示范路 88 号",
                         30.8167, 121.3500)
    polluter1 = _user("polluter1", "王工（示范化工）", Role.POLLUTER_CONFIRMER, polluter=polluter)
    sampler1 = _user("sampler1", "张伟", Role.SAMPLER, agency=agency)
    sampler2 = _user("sampler2", "李娜", Role.SAMPLER, agency=agency)
    equipment = [Equipment(agency=agency, name="自动烟尘烟气测试仪", model="崂应 3012H", asset_no="GT-EQ-001"),
                 Equipment(agency=agency, name="便携式 pH 计", model="PHB-4", asset_no="GT-EQ-002")]
    db.add_all([agency, polluter, polluter1, sampler1, sampler2, *equipment,
                _user("agency1", "陈静（绿测）", Role.AGENCY_ADMIN, agency=agency),
                _user("regulator1", "金山区生态环境局", Role.REGULATOR, district="金山区"),
                WechatBinding(openid=POLLUTER_OPENID, user=polluter1)])
    db.flush()
    contract = Contract(agency_id=agency.id, polluter_id=polluter.id, code="HT-2026-001", status="submitted")
    db.add(contract)
    db.flush()
    db.add(_task("RW-DEMO-0001", "示范化工 2026 年第四季度自行监测", agency, polluter, contract))

    own = Agency(name="上海自测示范电镀有限公司", kind=AgencyKind.SELF_MONITORING, credit_code="91310117MA1SELF001",
                 filing_status=FilingStatus.APPROVED)
    self_polluter = _polluter("上海自测示范电镀有限公司", "91310117MA1SELF001", "松江区", "松江区示范路 9 号",
                              31.0320, 121.2270, own_agency=own)
    db.add_all([own, self_polluter, _user("selfmon1", "赵强（自测电镀）", Role.SAMPLER, agency=own)])
    db.flush()
    db.add(_task("ZC-DEMO-0001", "自测电镀 2026 年第四季度自行监测", own, self_polluter, None))


def _polluter(name, code, district, address, lat, lng, **extra) -> Polluter:
    polluter = Polluter(name=name, credit_code=code, district=district, address=address, latitude=lat,
                        longitude=lng, **extra)
    water = MonitoringPoint(code="DW001", name="废水总排口", kind=PointKind.WASTEWATER,
                            latitude=lat + 0.0003, longitude=lng + 0.0004)
    water.factors = [PointFactor(name=n) for n in ("化学需氧量", "氨氮", "pH值")]
    gas = MonitoringPoint(code="DA001", name="锅炉废气排放口", kind=PointKind.FLUE_GAS, latitude=lat - 0.0003,
                          longitude=lng - 0.0003)
    gas.factors = [PointFactor(name=n) for n in ("二氧化硫", "氮氧化物", "颗粒物")]
    polluter.points = [water, gas]
    return polluter


METHODS = {
    "化学需氧量": ("HJ 828-2017 重铬酸盐法", "玻璃瓶 500 mL", "加硫酸至 pH<2"),
    "氨氮": ("HJ 535-2009 纳氏试剂分光光度法", "聚乙烯瓶 500 mL", "加硫酸至 pH<2"),
    "pH值": ("HJ 1147-2020 电极法", "现场测定", None),
    "二氧化硫": ("HJ 57-2017 定电位电解法", "现场测定", None),
    "氮氧化物": ("HJ 693-2014 定电位电解法", "现场测定", None),
    "颗粒物": ("HJ 836-2017 重量法", "滤筒", None),
}


def _task(code, name, agency, polluter, contract) -> MonitoringTask:
    task = MonitoringTask(code=code, name=name, category="自行监测", agency=agency, polluter_id=polluter.id,
                          contract_id=contract.id if contract else None, status=TaskStatus.SAMPLING)
    for point in polluter.points:
        for factor in point.factors:
            method, container, preservative = METHODS[factor.name]
            task.plan.append(PlanItem(point=point, factor=factor.name, method=method, container=container,
                                      preservative=preservative))
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
