"""运维计划: the O&M agency plans a site under its contract with its own crew and equipment, at the standards'
frequencies; the plan generates the site visits, and a visit not done by its due date is overdue."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from models import Contract, Equipment, FilingState, OmPlan, OmVisit, User, clock
from services.core.uow import UnitOfWork
from services.filing import filings
from services.om import om_plans
from services.om.om_plans import ItemDraft, PlanRefused
from services.texts.refusals import say
from tests.support.om_world import draft, om_world


@pytest.fixture
def unit(runtime, demo_world):
    with UnitOfWork(runtime) as uow:
        yield uow


@pytest.fixture
def world(unit):
    return om_world(unit.session)


def refused(unit, user, plan_draft) -> str:
    with pytest.raises(PlanRefused) as caught:
        om_plans.save_plan(unit, user, plan_draft)
    return say(caught.value)


def visits_of(db, plan) -> list[OmVisit]:
    return list(db.scalars(select(OmVisit).where(OmVisit.plan_id == plan.id).order_by(OmVisit.due_on)))


def test_an_item_takes_the_standards_frequency_and_clause_by_default(unit, world):
    plan = om_plans.save_plan(unit, world.admin, draft(
        world, ItemDraft(world.gas_point.id, "calibration", world.gas.id),
        ItemDraft(world.water_point.id, "daily_inspection", world.water.id)))
    calibration, inspection = plan.items
    assert calibration.frequency_days == 7 and calibration.clause.startswith("HJ 75-2017 12.2 d)")
    assert inspection.frequency_days == 7 and inspection.clause.startswith("HJ 355-2019")
    assert plan.polluter_id == world.polluter.id and plan.crew == [world.crew] and plan.equipment == [world.equipment]


def test_a_frequency_longer_than_the_standard_allows_is_refused_with_the_clause(unit, world):
    message = refused(unit, world.admin, draft(
        world, ItemDraft(world.gas_point.id, "calibration", world.gas.id, frequency_days=14)))
    assert message == ("DA001 锅炉废气排放口 烟气连续监测系统 SO2 分析仪的校准记录单的频次为每 14 天一次，"
                       "超过标准要求的最长间隔 7 天（HJ 75-2017 12.2 d)：无自动校准功能的抽取式气态污染物 "
                       "CEMS 每 7 天至少校准一次零点和量程（直接测量法为 15 天；仪器登记未区分，按较严的 7 天））。")
    assert unit.session.scalar(select(func.count(OmPlan.id)).where(OmPlan.name == "示范化工 CEMS 运维")) == 0


def test_a_sheet_the_standard_sets_no_interval_for_may_be_as_rare_as_needed(unit, world):
    plan = om_plans.save_plan(unit, world.admin, draft(
        world, ItemDraft(world.gas_point.id, "consumables", world.gas.id, frequency_days=180)))
    assert plan.items[0].frequency_days == 180


def test_a_plan_waits_until_both_filing_stages_are_approved(unit, world):
    filings.filed_resources(unit.session, world.admin.agency_id).state = FilingState.SUBMITTED  # 二审 in review
    assert refused(unit, world.admin, draft(world)) == "备案基本信息和二审基本信息均审核通过后，才能制定运维计划。"
    assert unit.session.scalar(select(func.count(OmPlan.id)).where(OmPlan.name == "示范化工 CEMS 运维")) == 0


def test_a_plan_needs_the_agencys_own_submitted_contract(unit, world):
    db = unit.session
    monitoring_contract = db.scalars(select(Contract).where(Contract.code == "HT-2026-001")).one()
    assert refused(unit, world.admin, draft(world, contract_id=monitoring_contract.id)) == \
        "请选择本机构已提交的运维合同。"
    world.contract.status = "draft"
    assert refused(unit, world.admin, draft(world)) == "合同 YW-TEST-001 尚未提交，提交后才能制定运维计划。"


def test_a_plan_stays_within_the_contract_period(unit, world):
    late_end = world.contract.period_end + timedelta(days=1)
    assert refused(unit, world.admin, draft(world, ends_on=late_end)).startswith("计划周期")
    assert refused(unit, world.admin, draft(world, ends_on=clock.today() - timedelta(days=1))) == \
        "计划的结束日期不能早于开始日期。"


def test_the_crew_are_the_agencys_om_crew_and_the_equipment_its_own(unit, world):
    db = unit.session
    sampler = db.scalars(select(User).where(User.username == "sampler1")).one()
    not_crew = "不是本机构的运维人员，不能加入运维计划。"
    assert refused(unit, world.admin, draft(world, crew_ids=[sampler.id])) == f"张伟 {not_crew}"
    assert refused(unit, world.admin, draft(world, crew_ids=[world.admin.id])) == f"孙运（恒运运维） {not_crew}"
    assert refused(unit, world.admin, draft(world, crew_ids=[])) == "请至少选择一名本机构的运维人员。"
    others = db.scalars(select(Equipment).where(Equipment.agency_id == sampler.agency_id)).first()
    assert refused(unit, world.admin, draft(world, equipment_ids=[others.id])) == "所选设备不属于本机构或已停用。"


def test_items_are_on_the_contracted_polluters_points_and_instruments(unit, world):
    assert refused(unit, world.admin, draft(world, ItemDraft(world.gas_point.id, "daily_inspection",
                                                             world.water.id))) == \
        "所选仪器不在点位 DA001 锅炉废气排放口 上或已停用。"
    assert refused(unit, world.admin, draft(world, ItemDraft(world.gas_point.id, "sampling"))) == \
        "没有名为“sampling”的运维记录单。"
    assert refused(unit, world.admin, draft(world, items=[])) == "请至少选择一项运维内容（点位、仪器、记录单和频次）。"


def test_a_monitoring_agency_cannot_make_om_plans(unit, world):
    agency1 = unit.session.scalars(select(User).where(User.username == "agency1")).one()
    assert refused(unit, agency1, draft(world)) == "只有运维机构可以制定运维计划。"


def test_visits_every_frequency_from_the_start_through_the_horizon_grouped_by_day(unit, world):
    today = clock.today()
    plan = om_plans.save_plan(unit, world.admin, draft(
        world, ItemDraft(world.gas_point.id, "daily_inspection", world.gas.id),  # every 7 days
        ItemDraft(world.gas_point.id, "calibration", world.gas.id, frequency_days=7),
        ItemDraft(world.water_point.id, "consumables", world.water.id, frequency_days=10)))
    inspection, calibration, consumables = (item.id for item in plan.items)
    planned = {(v.due_on - today).days: sorted(v.planned) for v in visits_of(unit.session, plan)}
    assert planned == {0: sorted([inspection, calibration, consumables]), 7: [inspection, calibration],
                       10: [consumables], 14: [inspection, calibration], 20: [consumables],
                       21: [inspection, calibration], 28: [inspection, calibration], 30: [consumables]}
    assert all(v.state == "new" for v in visits_of(unit.session, plan))


def test_generating_again_creates_nothing_twice(unit, world):
    plan = om_plans.save_plan(unit, world.admin, draft(world))
    before = [(v.id, v.due_on, v.planned) for v in visits_of(unit.session, plan)]
    assert om_plans.generate(unit.session, plan) == []
    om_plans.generate_all(unit.session, agency_id=world.admin.agency_id)  # the demo plan's visits, once
    assert om_plans.generate_all(unit.session, agency_id=world.admin.agency_id) == 0
    assert [(v.id, v.due_on, v.planned) for v in visits_of(unit.session, plan)] == before


def test_the_horizon_moves_on_with_the_days(unit, world):
    today = clock.today()
    plan = om_plans.save_plan(unit, world.admin, draft(world))
    created = om_plans.generate(unit.session, plan, today + timedelta(days=7))
    assert [(v.due_on - today).days for v in created] == [35]


def test_no_backlog_of_visits_before_the_plan_was_made(unit, world):
    today = clock.today()
    plan = om_plans.save_plan(unit, world.admin, draft(world, starts_on=today - timedelta(days=20)))
    first = visits_of(unit.session, plan)[0]
    assert first.due_on == today + timedelta(days=1)  # day 21 of the plan's 7-day rhythm


def test_visits_stop_at_the_plans_end(unit, world):
    today = clock.today()
    plan = om_plans.save_plan(unit, world.admin, draft(world, ends_on=today + timedelta(days=10)))
    assert [(v.due_on - today).days for v in visits_of(unit.session, plan)] == [0, 7]


def test_a_visit_is_overdue_the_day_after_its_due_date_until_it_is_submitted(unit, world):
    today = clock.today()
    plan = om_plans.save_plan(unit, world.admin, draft(world))
    due_today = visits_of(unit.session, plan)[0]

    def overdue(day):  # of this plan (the demo plan of the same agency has its own)
        return [v for v in om_plans.overdue(unit.session, world.admin.agency_id, day) if v.plan_id == plan.id]

    assert due_today.due_on == today and overdue(today) == []
    assert due_today in om_plans.open_visits(unit.session, world.admin.agency_id, today, crew=world.crew)
    tomorrow = today + timedelta(days=1)
    assert overdue(tomorrow) == [due_today]
    assert om_plans.is_overdue(due_today, tomorrow) and not om_plans.is_overdue(due_today, today)
    due_today.state = "arrival_photo"  # started, not yet submitted: still overdue
    assert overdue(tomorrow) == [due_today]
    due_today.state = "awaiting_confirmation"  # submitted to the polluter
    assert overdue(tomorrow) == []
    assert due_today not in om_plans.open_visits(unit.session, world.admin.agency_id, tomorrow)


def test_the_crew_sees_the_visits_of_the_plans_they_are_on(unit, world):
    today = clock.today()
    plan = om_plans.save_plan(unit, world.admin, draft(world))
    other = User(username="omcrew9", display_name="赵敏", role="om_crew", agency_id=world.admin.agency_id,
                 password_hash="-")
    unit.session.add(other)
    unit.session.flush()
    mine = [v for v in om_plans.open_visits(unit.session, world.admin.agency_id, today, crew=world.crew)
            if v.plan_id == plan.id]
    assert [v.due_on for v in mine] == [today]  # due today; the later ones are not yet open
    assert om_plans.open_visits(unit.session, world.admin.agency_id, today, crew=other) == []


def test_another_agencys_visits_are_not_in_the_overdue_list(unit, world):
    plan = om_plans.save_plan(unit, world.admin, draft(world))
    tomorrow = clock.today() + timedelta(days=1)
    agency1 = unit.session.scalars(select(User).where(User.username == "agency1")).one()
    assert om_plans.overdue(unit.session, agency1.agency_id, tomorrow) == []
    assert visits_of(unit.session, plan)[0] in om_plans.overdue(unit.session, world.admin.agency_id, tomorrow)


def test_editing_the_frequency_replans_the_pending_visits(unit, world):
    today = clock.today()
    plan = om_plans.save_plan(unit, world.admin, draft(
        world, ItemDraft(world.gas_point.id, "consumables", world.gas.id, frequency_days=10)))
    item = plan.items[0]
    first = visits_of(unit.session, plan)[0]
    first.state = "confirmed"  # done: kept as it is
    om_plans.save_plan(unit, world.admin, draft(
        world, ItemDraft(world.gas_point.id, "consumables", world.gas.id, frequency_days=15, id=item.id)), plan)
    assert [(v.due_on - today).days for v in visits_of(unit.session, plan)] == [0, 15, 30]
    assert plan.items == [item] and item.frequency_days == 15
    assert visits_of(unit.session, plan)[0].id == first.id


def test_an_item_a_visit_has_recorded_cannot_be_dropped(unit, world):
    plan = om_plans.save_plan(unit, world.admin, draft(world))
    visits_of(unit.session, plan)[0].state = "sheet_form"
    other = ItemDraft(world.water_point.id, "daily_inspection", world.water.id)
    what = "DA001 锅炉废气排放口 烟气连续监测系统 SO2 分析仪的日常巡检记录单"
    with pytest.raises(PlanRefused) as refused:
        om_plans.save_plan(unit, world.admin, draft(world, other), plan)
    assert say(refused.value) == f"{what}已有现场运维记录，不能从计划中删除。"


def test_a_pending_visit_with_something_recorded_is_kept_when_the_plan_changes(unit, world):
    from models import OmVisitEvent

    plan = om_plans.save_plan(unit, world.admin, draft(world))
    today_visit = visits_of(unit.session, plan)[0]
    unit.session.add(OmVisitEvent(visit=today_visit, actor_id=world.crew.id, action="opened"))
    unit.session.flush()
    item = plan.items[0]
    om_plans.save_plan(unit, world.admin, draft(
        world, ItemDraft(world.gas_point.id, "daily_inspection", world.gas.id, frequency_days=5, id=item.id)), plan)
    visits = visits_of(unit.session, plan)
    assert visits[0].id == today_visit.id
    assert [(v.due_on - clock.today()).days for v in visits] == [0, 5, 10, 15, 20, 25, 30]
