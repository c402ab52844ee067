"""The O&M agency of the demo world in tests (om1, omcrew1, their contract with 上海示范化工 and its two analysers),
plus a second O&M agency for tenancy checks."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Agency, AgencyKind, Contract, Equipment, Instrument, MonitoringPoint, Polluter, Role, User, clock
from services.dev.demo import PASSWORD
from services.om.om_plans import ItemDraft, PlanDraft
from services.users.accounts import hash_password

DEMO_POLLUTER = "上海示范化工有限公司"


@dataclass
class OmWorld:
    admin: User  # om1
    crew: User  # omcrew1
    contract: Contract  # submitted, from a month ago to a year ahead
    equipment: Equipment
    polluter: Polluter
    gas_point: MonitoringPoint  # DA001
    water_point: MonitoringPoint  # DW001
    gas: Instrument  # SO2 analyser, no automatic calibration
    water: Instrument  # COD analyser


def om_world(db: Session) -> OmWorld:
    """The demo's O&M rows, with a contract of its own whose period does not end with the calendar year."""
    admin = db.scalars(select(User).where(User.username == "om1")).one()
    polluter = db.scalars(select(Polluter).where(Polluter.name == DEMO_POLLUTER)).one()
    today = clock.today()
    contract = Contract(agency_id=admin.agency_id, polluter_id=polluter.id, code="YW-TEST-001", status="submitted",
                        period_start=today - timedelta(days=30), period_end=today + timedelta(days=365),
                        submitted_at=clock.now())
    db.add(contract)
    db.commit()  # recorded before the test, as the demo is: a refused use case rolls back only its own work
    points = {p.code: p for p in polluter.points}
    return OmWorld(
        admin=admin, crew=db.scalars(select(User).where(User.username == "omcrew1")).one(), contract=contract,
        equipment=db.scalars(select(Equipment).where(Equipment.agency_id == admin.agency_id)).first(),
        polluter=polluter, gas_point=points["DA001"], water_point=points["DW001"],
        gas=db.scalars(select(Instrument).where(Instrument.point_id == points["DA001"].id)).one(),
        water=db.scalars(select(Instrument).where(Instrument.point_id == points["DW001"].id)).one(),
    )


def draft(world: OmWorld, *items: ItemDraft, starts_on: date | None = None, **overrides) -> PlanDraft:
    """A plan of om1 under the test contract, from today for three months, crew omcrew1."""
    starts_on = starts_on or clock.today()
    values = dict(name="示范化工 CEMS 运维", contract_id=world.contract.id, starts_on=starts_on,
                  ends_on=starts_on + timedelta(days=90), crew_ids=[world.crew.id],
                  equipment_ids=[world.equipment.id],
                  items=list(items) or [ItemDraft(world.gas_point.id, "daily_inspection", world.gas.id)])
    return PlanDraft(**{**values, **overrides})


def other_om_agency(db: Session) -> User:
    """A second O&M agency (恒信运维) with its admin `om2` (password demo1234)."""
    agency = Agency(name="上海恒信环保运维有限公司", kind=AgencyKind.OM, credit_code="91310116MA1HENGX09", code="HX",
                    district="金山区")
    admin = User(username="om2", display_name="钱运（恒信运维）", role=Role.AGENCY_ADMIN, agency=agency,
                 password_hash=hash_password(PASSWORD))
    db.add_all([agency, admin])
    db.commit()
    return admin
