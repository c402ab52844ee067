"""The task's first steps at the agency's desk: application, plan and schedule, the task list with its Excel
export, and the event log on the task page."""
from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import time, timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from models import (
    Agency,
    Contract,
    Equipment,
    MonitoringPoint,
    MonitoringTask,
    Period,
    PointFactor,
    Polluter,
    Role,
    SchemeItem,
    Staff,
    TaskEvent,
    User,
    Visit,
    clock,
)
from services.core.uow import UnitOfWork
from services.sampling import scheduling, trips
from services.sampling import tasks as task_service
from services.sampling.tasks import PlanLine, TaskRefused
from services.texts.refusals import say
from tests.support import desk


@contextmanager
def opened(runtime, task_id: int):
    """The task in a session of its own, closed after the block (on SQLite a session holds the write lock)."""
    with runtime.sessions() as session:
        yield session.get(MonitoringTask, task_id)


def seen(runtime, task_id: int, read):
    with opened(runtime, task_id) as task:
        return read(task)


def other_polluter(session, name="上海另一化工有限公司", district="金山区") -> Polluter:
    polluter = Polluter(name=name, credit_code=f"9131011{len(name)}MA1OTHER1", district=district,
                        address="金山区另一路 1 号", latitude=30.80, longitude=121.30)
    session.add(polluter)
    session.flush()
    return polluter


def contract_with(session, polluter: Polluter, status: str, code: str, agency_code: str = "LC") -> Contract:
    agency = session.scalars(select(Agency).where(Agency.code == agency_code)).one()
    contract = Contract(agency_id=agency.id, polluter_id=polluter.id, code=code, status=status)
    session.add(contract)
    session.flush()
    return contract


def add_user(session, username: str, role: Role, agency_code: str | None = None, district: str | None = None):
    agency = session.scalars(select(Agency).where(Agency.code == agency_code)).one() if agency_code else None
    user = User(username=username, display_name=username, role=role, agency=agency, district=district,
                password_hash=session.scalars(select(User.password_hash).limit(1)).one())
    session.add(user)
    return user


# --- 委托任务申请 ------------------------------------------------------------------------------------

def test_agency_applies_for_a_task_under_a_submitted_contract(demo_world, app, runtime):
    clerk = desk.sign_in(app, "agency1")
    ids = desk.demo_ids(runtime)
    form = clerk.get("/agency/tasks/new").get_data(as_text=True)
    assert "HT-2026-001" in form and "上海示范化工有限公司" in form
    task_id = desk.apply(clerk, ids)
    with opened(runtime, task_id) as task:
        assert task.code == f"RW-LC-{clock.today().year}-0001" and task.status == "application"
        assert task.contract.code == "HT-2026-001" and task.address == "金山区示范路 88 号"
        assert task.sampling_needed and task.analysis_needed
    page = clerk.get(f"/agency/tasks/{task_id}").get_data(as_text=True)
    assert "提交委托申请" in page and f"RW-LC-{clock.today().year}-0001" in page


def test_task_codes_follow_each_other_within_the_agency_and_year(demo_world, app, runtime):
    clerk = desk.sign_in(app, "agency1")
    ids = desk.demo_ids(runtime)
    codes = [seen(runtime, desk.apply(clerk, ids), lambda t: t.code) for _ in range(3)]
    year = clock.today().year
    assert codes == [f"RW-LC-{year}-0001", f"RW-LC-{year}-0002", f"RW-LC-{year}-0003"]


def test_a_task_without_a_contract_is_refused(demo_world, app, runtime):
    clerk = desk.sign_in(app, "agency1")
    response = desk.post(clerk, "/agency/tasks/new", desk.application(desk.demo_ids(runtime), contract_id=""))
    assert response.status_code == 400
    assert "非自主检测的任务必须关联合同" in response.get_data(as_text=True)
    assert "示范化工 2026 年委托监测" in response.get_data(as_text=True)  # what was typed stays


def test_a_draft_contract_cannot_be_linked(demo_world, app, runtime):
    with UnitOfWork(runtime) as uow:
        polluter = uow.session.scalars(select(Polluter).where(Polluter.name == desk.DEMO_POLLUTER)).one()
        draft = contract_with(uow.session, polluter, "draft", "HT-DRAFT-1")
        uow.commit()
        draft_id = draft.id
    clerk = desk.sign_in(app, "agency1")
    assert "HT-DRAFT-1" not in clerk.get("/agency/tasks/new").get_data(as_text=True)
    response = desk.post(clerk, "/agency/tasks/new", desk.application(desk.demo_ids(runtime),
                                                                      contract_id=str(draft_id)))
    assert response.status_code == 400 and "合同 HT-DRAFT-1 尚未提交" in response.get_data(as_text=True)


def test_a_contract_with_another_polluter_cannot_be_linked(demo_world, app, runtime):
    with UnitOfWork(runtime) as uow:
        other = contract_with(uow.session, other_polluter(uow.session), "submitted", "HT-OTHER-1")
        uow.commit()
        other_id = other.id
    clerk = desk.sign_in(app, "agency1")
    response = desk.post(clerk, "/agency/tasks/new", desk.application(desk.demo_ids(runtime),
                                                                      contract_id=str(other_id)))
    assert response.status_code == 400
    assert "合同 HT-OTHER-1 的委托方是 上海另一化工有限公司，与所选监测对象不一致" in response.get_data(as_text=True)


def test_another_agencys_contract_cannot_be_linked(demo_world, app, runtime):
    with UnitOfWork(runtime) as uow:
        polluter = uow.session.scalars(select(Polluter).where(Polluter.name == desk.DEMO_POLLUTER)).one()
        theirs = contract_with(uow.session, polluter, "submitted", "QY-HT-1", agency_code="QY")
        uow.commit()
        theirs_id = theirs.id
    clerk = desk.sign_in(app, "agency1")
    response = desk.post(clerk, "/agency/tasks/new", desk.application(desk.demo_ids(runtime),
                                                                      contract_id=str(theirs_id)))
    assert response.status_code == 400 and "所选合同不存在" in response.get_data(as_text=True)


def test_a_self_monitoring_polluter_applies_for_its_own_site_without_a_contract(demo_world, app, runtime):
    with UnitOfWork(runtime) as uow:
        add_user(uow.session, "zcadmin", Role.AGENCY_ADMIN, agency_code="ZC")
        own = uow.session.scalars(select(Polluter).where(Polluter.own_agency_id.is_not(None))).one()
        uow.commit()
        own_id, own_name = own.id, own.name
    clerk = desk.sign_in(app, "zcadmin")
    form = clerk.get("/agency/tasks/new").get_data(as_text=True)
    assert own_name in form and "无需关联合同" in form and desk.DEMO_POLLUTER not in form
    task_id = desk.apply(clerk, desk.demo_ids(runtime), polluter_id=str(own_id), contract_id="")
    with opened(runtime, task_id) as task:
        assert task.polluter_id == own_id and task.contract_id is None and task.code.startswith("RW-ZC-")


def test_a_self_monitoring_polluter_cannot_apply_for_another_site(demo_world, app, runtime):
    with UnitOfWork(runtime) as uow:
        add_user(uow.session, "zcadmin", Role.AGENCY_ADMIN, agency_code="ZC")
        uow.commit()
    clerk = desk.sign_in(app, "zcadmin")
    response = desk.post(clerk, "/agency/tasks/new", desk.application(desk.demo_ids(runtime), contract_id=""))
    assert response.status_code == 400 and "只能为本企业的厂区申请监测任务" in response.get_data(as_text=True)


def test_an_agency_whose_filing_is_not_approved_cannot_create_tasks(demo_world, app, runtime):
    clerk = desk.sign_in(app, "agency2")
    listing = clerk.get("/agency/tasks/").get_data(as_text=True)
    assert "暂不能新建监测任务" in listing and "/agency/tasks/new" not in listing
    page = clerk.get("/agency/tasks/new", follow_redirects=True)
    assert "尚未全部审核通过" in page.get_data(as_text=True)
    refused = desk.post(clerk, "/agency/tasks/new", desk.application(desk.demo_ids(runtime)))
    assert refused.status_code == 302
    with runtime.sessions() as s:
        assert s.scalars(select(MonitoringTask).where(MonitoringTask.code.startswith("RW-QY"))).all() == []


def test_the_application_can_be_revised_until_it_is_submitted(demo_world, app, runtime):
    clerk = desk.sign_in(app, "agency1")
    ids = desk.demo_ids(runtime)
    task_id = desk.apply(clerk, ids)
    revised = desk.post(clerk, f"/agency/tasks/{task_id}/edit",
                        desk.application(ids, name="示范化工 送样分析", sampling_needed="0"))
    assert revised.status_code == 302
    assert seen(runtime, task_id, lambda t: (t.name, t.sampling_needed)) == ("示范化工 送样分析", False)
    desk.advance(clerk, task_id, "submit_application")
    late = desk.post(clerk, f"/agency/tasks/{task_id}/edit", desk.application(ids, name="改名"))
    assert late.status_code == 400 and "委托申请已提交，不能再修改" in late.get_data(as_text=True)
    assert seen(runtime, task_id, lambda t: t.name) == "示范化工 送样分析"
    assert clerk.get(f"/agency/tasks/{task_id}/edit").status_code == 302


# --- 方案编制 ---------------------------------------------------------------------------------------

def planning_task(clerk, ids, **overrides) -> int:
    task_id = desk.apply(clerk, ids, **overrides)
    assert desk.advance(clerk, task_id, "submit_application").status_code == 302
    return task_id


def test_the_plan_is_chosen_from_the_polluters_directory_points_and_factors(demo_world, app, runtime):
    clerk = desk.sign_in(app, "agency1")
    ids = desk.demo_ids(runtime)
    task_id = planning_task(clerk, ids)
    page = clerk.get(f"/agency/tasks/{task_id}/plan").get_data(as_text=True)
    assert "DW001 废水总排口" in page and "DA001 锅炉废气排放口" in page and "氮氧化物" in page
    assert "HJ 828-2017 重铬酸盐法" in page  # the filed method is offered
    chosen = {**desk.plan_lines(ids.water_factors[:2]), f"container-{ids.water_factors[0]}": "玻璃瓶 500 mL"}
    assert desk.post(clerk, f"/agency/tasks/{task_id}/plan", chosen).status_code == 302
    with opened(runtime, task_id) as task:
        assert [(i.point.code, i.factor, i.samples_per_visit) for i in task.plan] == \
            [("DW001", "化学需氧量", 2), ("DW001", "氨氮", 2)]
        assert task.plan[0].container == "玻璃瓶 500 mL"


def test_each_plan_line_proposes_the_storage_condition_the_sampler_confirms_on_site(demo_world, app, runtime):
    clerk = desk.sign_in(app, "agency1")
    ids = desk.demo_ids(runtime)
    task_id = planning_task(clerk, ids)
    cod = ids.water_factors[0]
    plan = f"/agency/tasks/{task_id}/plan"
    page = clerk.get(plan).get_data(as_text=True)
    assert f'name="storage-{cod}"' in page and "冷藏(0–4℃)" in page and "避光冷藏(0–4℃)" in page
    refused = desk.post(clerk, plan, {**desk.plan_lines([cod]), f"storage-{cod}": "放在车里"})
    assert refused.status_code == 400 and "“化学需氧量”的保存条件请从列表中选择" in refused.get_data(as_text=True)
    assert desk.post(clerk, plan, {**desk.plan_lines([cod]), f"storage-{cod}": "冷藏(0–4℃)"}).status_code == 302
    with opened(runtime, task_id) as task:
        assert [(i.factor, i.storage) for i in task.plan] == [("化学需氧量", "冷藏(0–4℃)")]
    assert "<td>冷藏(0–4℃)</td>" in clerk.get(f"/agency/tasks/{task_id}").get_data(as_text=True)


def test_the_plan_follows_the_method_standard_of_the_polluters_self_monitoring_scheme(demo_world, app, runtime):
    clerk = desk.sign_in(app, "agency1")
    ids = desk.demo_ids(runtime)
    cod = ids.water_factors[0]
    with runtime.sessions() as s:  # the scheme lists COD at DW001: monthly, by HJ 828-2017
        s.add(SchemeItem(point_id=s.get(PointFactor, cod).point_id, factor="化学需氧量", times=1, period=Period.MONTH,
                         method_standard="HJ 828-2017", sampling=True))
        s.commit()
    task_id = planning_task(clerk, ids)
    page = clerk.get(f"/agency/tasks/{task_id}/plan").get_data(as_text=True)
    assert f'name="method-{cod}" value="HJ 828-2017"' in page  # offered from the scheme
    other = desk.post(clerk, f"/agency/tasks/{task_id}/plan",
                      desk.plan_lines([cod], method="HJ 399-2007 快速消解分光光度法"))
    assert other.status_code == 400
    assert "DW001 “化学需氧量”应按排污单位自行监测方案规定的方法标准（HJ 828-2017）监测" in other.get_data(as_text=True)
    with opened(runtime, task_id) as task:
        assert task.plan == []
    assert desk.post(clerk, f"/agency/tasks/{task_id}/plan",
                     desk.plan_lines([cod], method="HJ828-2017 重铬酸盐法")).status_code == 302
    with opened(runtime, task_id) as task:
        assert [(i.factor, i.method) for i in task.plan] == [("化学需氧量", "HJ828-2017 重铬酸盐法")]


def test_saving_the_plan_again_adds_changes_and_removes_lines(demo_world, app, runtime):
    clerk = desk.sign_in(app, "agency1")
    ids = desk.demo_ids(runtime)
    task_id = planning_task(clerk, ids)
    first, second, third = ids.water_factors
    desk.post(clerk, f"/agency/tasks/{task_id}/plan", desk.plan_lines([first, second]))
    desk.post(clerk, f"/agency/tasks/{task_id}/plan",
              {**desk.plan_lines([first]), **desk.plan_lines([third], method="HJ 1147-2020 电极法", samples="1"),
               f"samples-{first}": "3"})
    with opened(runtime, task_id) as task:
        assert [(i.factor, i.samples_per_visit) for i in task.plan] == [("化学需氧量", 3), ("pH值", 1)]
        saved = [e.detail for e in task.events if e.action == "plan_saved"]
    assert saved[-1] == {"added": ["DW001 pH值"], "removed": ["DW001 氨氮"], "changed": ["DW001 化学需氧量"]}


def test_each_chosen_factor_needs_its_method_and_a_sensible_sample_count(demo_world, app, runtime):
    clerk = desk.sign_in(app, "agency1")
    ids = desk.demo_ids(runtime)
    task_id = planning_task(clerk, ids)
    no_method = desk.post(clerk, f"/agency/tasks/{task_id}/plan", desk.plan_lines(ids.water_factors[:1], method=" "))
    assert no_method.status_code == 400
    assert "请填写点位 DW001 “化学需氧量”的监测方法" in no_method.get_data(as_text=True)
    zero = desk.post(clerk, f"/agency/tasks/{task_id}/plan", desk.plan_lines(ids.water_factors[:1], samples="0"))
    assert zero.status_code == 400 and "每次样品数应为 1～50 的整数" in zero.get_data(as_text=True)
    assert seen(runtime, task_id, lambda t: t.plan) == []


def test_factors_and_points_outside_the_directory_list_are_refused(demo_world, app, runtime):
    clerk = desk.sign_in(app, "agency1")
    ids = desk.demo_ids(runtime)
    task_id = planning_task(clerk, ids)
    with UnitOfWork(runtime) as uow:
        task = uow.session.get(MonitoringTask, task_id)
        user = uow.session.scalars(select(User).where(User.username == "agency1")).one()
        water = task.polluter.points[0]
        with pytest.raises(TaskRefused) as refused:
            task_service.save_plan(uow, user, task, [PlanLine(water.id, "总磷", "HJ 670-2013")])
        assert "名录中点位 DW001 没有监测因子“总磷”" in say(refused.value)
        elsewhere = uow.session.scalars(select(MonitoringPoint).where(MonitoringPoint.polluter_id != task.polluter_id)
                                        ).first()
        with pytest.raises(TaskRefused) as refused:
            task_service.save_plan(uow, user, task, [PlanLine(elsewhere.id, elsewhere.factors[0].name, "HJ")])
        assert "所选点位不在该排污单位的名录中" in say(refused.value)


def test_a_new_point_is_refused_when_the_directory_has_one_of_that_kind(demo_world, app, runtime):
    clerk = desk.sign_in(app, "agency1")
    task_id = planning_task(clerk, desk.demo_ids(runtime))
    response = desk.post(clerk, f"/agency/tasks/{task_id}/plan/points",
                         {"point-kind": "wastewater", "point-name": "第二排口", "point-factors": "总磷"})
    assert response.status_code == 400
    assert "名录中该排污单位已有同类点位（DW001 废水总排口），请从名录中选择" in response.get_data(as_text=True)
    assert seen(runtime, task_id, lambda t: len(t.polluter.points)) == 2


def test_a_new_point_of_a_kind_the_directory_lacks_is_added_and_can_be_planned(demo_world, app, runtime):
    clerk = desk.sign_in(app, "agency1")
    task_id = planning_task(clerk, desk.demo_ids(runtime))
    added = desk.post(clerk, f"/agency/tasks/{task_id}/plan/points",
                      {"point-kind": "noise", "point-name": "厂界东侧", "point-factors": "工业企业厂界噪声、 夜间噪声"})
    assert added.status_code == 302
    with opened(runtime, task_id) as task:
        noise = task.polluter.points[-1]
        assert (noise.code, noise.kind, [f.name for f in noise.factors]) == \
            ("ZS001", "noise", ["工业企业厂界噪声", "夜间噪声"])
        assert task.events[-1].action == "point_added" and task.events[-1].detail["point"] == "ZS001"
        first_factor = noise.factors[0].id
    assert "ZS001 厂界东侧" in clerk.get(f"/agency/tasks/{task_id}/plan").get_data(as_text=True)
    planned = desk.post(clerk, f"/agency/tasks/{task_id}/plan",
                        desk.plan_lines([first_factor], method="GB 12348-2008", samples="1"))
    assert planned.status_code == 302 and seen(runtime, task_id, lambda t: t.plan[0].point.code) == "ZS001"
    again = desk.post(clerk, f"/agency/tasks/{task_id}/plan/points",
                      {"point-kind": "noise", "point-name": "厂界西侧", "point-factors": "噪声"})
    assert again.status_code == 400 and "已有同类点位（ZS001 厂界东侧）" in again.get_data(as_text=True)


def test_an_empty_plan_cannot_be_submitted(demo_world, app, runtime):
    clerk = desk.sign_in(app, "agency1")
    task_id = planning_task(clerk, desk.demo_ids(runtime))
    response = desk.advance(clerk, task_id, "submit_plan")
    assert response.status_code == 400 and "方案中还没有点位和因子" in response.get_data(as_text=True)
    assert seen(runtime, task_id, lambda t: t.status) == "planning"


def test_the_plan_is_frozen_once_submitted_and_can_be_reopened_before_any_visit(demo_world, app, runtime):
    clerk = desk.sign_in(app, "agency1")
    ids = desk.demo_ids(runtime)
    task_id = desk.to_scheduling(clerk, ids)
    late = desk.post(clerk, f"/agency/tasks/{task_id}/plan", desk.plan_lines(ids.water_factors[:1]))
    assert late.status_code == 400 and "方案不能修改" in late.get_data(as_text=True)
    assert seen(runtime, task_id, lambda t: len(t.plan)) == 3
    assert desk.advance(clerk, task_id, "reopen_plan").status_code == 302
    assert seen(runtime, task_id, lambda t: t.status) == "planning"


def test_delivered_samples_go_from_the_plan_straight_to_sampling_management(demo_world, app, runtime):
    clerk = desk.sign_in(app, "agency1")
    ids = desk.demo_ids(runtime)
    task_id = planning_task(clerk, ids, sampling_needed="0")
    desk.post(clerk, f"/agency/tasks/{task_id}/plan", desk.plan_lines(ids.water_factors))
    assert desk.advance(clerk, task_id, "submit_plan").status_code == 302
    assert seen(runtime, task_id, lambda t: t.status) == "review"
    refused = desk.post(clerk, f"/agency/tasks/{task_id}/schedule", desk.visit(ids))
    assert refused.status_code == 400 and "不能安排采样" in refused.get_data(as_text=True)


# --- 采样计划 ---------------------------------------------------------------------------------------

def test_a_visit_is_scheduled_with_filed_people_and_calibrated_equipment(demo_world, app, runtime):
    clerk = desk.sign_in(app, "agency1")
    ids = desk.demo_ids(runtime)
    task_id = desk.to_scheduling(clerk, ids)
    form = clerk.get(f"/agency/tasks/{task_id}/schedule").get_data(as_text=True)
    assert "张伟" in form and "李娜" in form and "GT-EQ-001" in form and "QY-EQ-001" not in form
    tomorrow = clock.today() + timedelta(days=1)
    response = desk.post(clerk, f"/agency/tasks/{task_id}/schedule",
                         desk.visit(ids, day=tomorrow, starts="09:00", ends="11:30", staff=[ids.zhang_wei, ids.li_na],
                                    equipment=ids.equipment))
    assert response.status_code == 302
    with opened(runtime, task_id) as task:
        visit = task.visits[0]
        assert (visit.day, f"{visit.starts:%H:%M}", f"{visit.ends:%H:%M}") == (tomorrow, "09:00", "11:30")
        assert [u.username for u in visit.samplers] == ["sampler1", "sampler2"] and len(visit.equipment) == 2
    assert desk.advance(clerk, task_id, "submit_schedule").status_code == 302
    assert seen(runtime, task_id, lambda t: t.status) == "sampling"


def refusal(clerk, task_id, data) -> str:
    response = desk.post(clerk, f"/agency/tasks/{task_id}/schedule", data)
    assert response.status_code == 400
    return response.get_data(as_text=True)


def test_a_person_whose_certificate_has_expired_on_the_day_is_refused(demo_world, app, runtime):
    clerk = desk.sign_in(app, "agency1")
    ids = desk.demo_ids(runtime)
    task_id = desk.to_scheduling(clerk, ids)
    with UnitOfWork(runtime) as uow:
        uow.session.get(Staff, ids.li_na).certificate_valid_until = clock.today() + timedelta(days=3)
        uow.commit()
    in_a_week = clock.today() + timedelta(days=7)
    page = refusal(clerk, task_id, desk.visit(ids, day=in_a_week, staff=[ids.li_na]))
    assert f"李娜 的上岗证有效期至 {clock.today() + timedelta(days=3)}，{in_a_week} 不在有效期内" in page
    assert seen(runtime, task_id, lambda t: t.visits) == []
    ok = desk.post(clerk, f"/agency/tasks/{task_id}/schedule", desk.visit(ids, staff=[ids.li_na]))
    assert ok.status_code == 302  # today her certificate is still valid


def test_equipment_out_of_calibration_on_the_day_is_refused(demo_world, app, runtime):
    clerk = desk.sign_in(app, "agency1")
    ids = desk.demo_ids(runtime)
    task_id = desk.to_scheduling(clerk, ids)
    with UnitOfWork(runtime) as uow:
        uow.session.get(Equipment, ids.equipment[0]).calibration_valid_until = clock.today() - timedelta(days=1)
        uow.commit()
    page = refusal(clerk, task_id, desk.visit(ids, equipment=[ids.equipment[0]]))
    assert "设备 自动烟尘烟气测试仪（GT-EQ-001） 的检定/校准有效期至" in page and "不在有效期内" in page


def test_a_person_not_in_the_filing_in_force_is_refused(demo_world, app, runtime):
    clerk = desk.sign_in(app, "agency1")
    ids = desk.demo_ids(runtime)
    task_id = desk.to_scheduling(clerk, ids)
    with UnitOfWork(runtime) as uow:
        newcomer = add_user(uow.session, "sampler3", Role.SAMPLER, agency_code="LC")
        staff = Staff(agency_id=newcomer.agency.id, user=newcomer, name="王新", id_number="310116200001010000",
                      certificate_valid_until=clock.today() + timedelta(days=365))
        uow.session.add(staff)
        uow.commit()
        staff_id = staff.id
    assert "王新" not in clerk.get(f"/agency/tasks/{task_id}/schedule").get_data(as_text=True)
    page = refusal(clerk, task_id, desk.visit(ids, staff=[staff_id]))
    assert "王新 不在审核通过的备案人员中" in page


def test_another_agencys_people_and_equipment_cannot_be_scheduled(demo_world, app, runtime):
    clerk = desk.sign_in(app, "agency1")
    ids = desk.demo_ids(runtime)
    task_id = desk.to_scheduling(clerk, ids)
    with runtime.sessions() as s:
        theirs = s.scalars(select(Staff).where(Staff.name == "赵强")).one().id
        their_kit = s.scalars(select(Equipment).where(Equipment.asset_no == "ZC-EQ-001")).one().id
    assert "所选人员 不在审核通过的备案人员中" in refusal(clerk, task_id, desk.visit(ids, staff=[theirs]))
    assert "设备 所选设备 不在审核通过的备案设备中" in refusal(clerk, task_id, desk.visit(ids, equipment=[their_kit]))


def test_a_sampler_already_booked_at_that_time_is_refused_naming_the_clash(demo_world, app, runtime):
    clerk = desk.sign_in(app, "agency1")
    ids = desk.demo_ids(runtime)
    task_id = desk.to_scheduling(clerk, ids)
    # the demo task RW-DEMO-0001 has 张伟 on site today from 08:00 to 18:00
    page = refusal(clerk, task_id, desk.visit(ids, starts="17:00", ends="19:00"))
    assert "张伟 在 " in page and "08:00-18:00 已安排了任务“RW-DEMO-0001 示范化工 2026 年第四季度自行监测”" in page
    assert desk.post(clerk, f"/agency/tasks/{task_id}/schedule", desk.visit(ids, starts="18:00",
                                                                           ends="19:00")).status_code == 302
    second = refusal(clerk, task_id, desk.visit(ids, starts="18:30", ends="20:00", staff=[ids.li_na, ids.zhang_wei]))
    assert "张伟 在 " in second and "18:00-19:00" in second
    other_day = clock.today() + timedelta(days=1)
    assert desk.post(clerk, f"/agency/tasks/{task_id}/schedule",
                     desk.visit(ids, day=other_day, starts="17:00", ends="19:00")).status_code == 302


def test_a_visit_in_the_past_or_ending_before_it_starts_is_refused(demo_world, app, runtime):
    clerk = desk.sign_in(app, "agency1")
    ids = desk.demo_ids(runtime)
    task_id = desk.to_scheduling(clerk, ids)
    yesterday = clock.today() - timedelta(days=1)
    assert f"采样日期 {yesterday} 已过" in refusal(clerk, task_id, desk.visit(ids, day=yesterday))
    assert "结束时间应晚于开始时间" in refusal(clerk, task_id, desk.visit(ids, starts="20:00", ends="19:00"))
    assert "请至少选择一名采样人员" in refusal(clerk, task_id, desk.visit(ids, staff=[]))
    assert "请至少选择一台采样设备" in refusal(clerk, task_id, desk.visit(ids, equipment=[]))


def test_a_schedule_needs_a_visit_before_it_is_submitted(demo_world, app, runtime):
    clerk = desk.sign_in(app, "agency1")
    task_id = desk.to_scheduling(clerk, desk.demo_ids(runtime))
    response = desk.advance(clerk, task_id, "submit_schedule")
    assert response.status_code == 400 and "请至少安排一次采样" in response.get_data(as_text=True)


def test_a_visit_is_removed_until_its_trip_has_started(demo_world, app, runtime):
    clerk = desk.sign_in(app, "agency1")
    ids = desk.demo_ids(runtime)
    task_id = desk.to_scheduling(clerk, ids)
    desk.post(clerk, f"/agency/tasks/{task_id}/schedule", desk.visit(ids))
    desk.post(clerk, f"/agency/tasks/{task_id}/schedule", desk.visit(ids, starts="20:00", ends="21:00"))
    first, second = seen(runtime, task_id, lambda t: [v.id for v in t.visits])
    assert desk.post(clerk, f"/agency/tasks/{task_id}/schedule/{first}/delete").status_code == 302
    with UnitOfWork(runtime) as uow:
        sampler = uow.session.get(User, ids.sampler1)
        trips.open_trip(uow, sampler, second)
        uow.commit()
    started = desk.post(clerk, f"/agency/tasks/{task_id}/schedule/{second}/delete")
    assert started.status_code == 400 and "行程已经开始，不能删除" in started.get_data(as_text=True)
    assert seen(runtime, task_id, lambda t: [v.id for v in t.visits]) == [second]
    with runtime.sessions() as s:
        assert s.get(Visit, first) is None
        removed = s.scalars(select(TaskEvent).where(TaskEvent.action == "visit_removed")).one()
        assert removed.detail["visit"] == first and removed.detail["samplers"] == ["张伟"]


def test_a_visit_of_another_task_cannot_be_removed_through_this_one(demo_world, app, runtime):
    clerk = desk.sign_in(app, "agency1")
    ids = desk.demo_ids(runtime)
    task_id = desk.to_scheduling(clerk, ids)
    with runtime.sessions() as s:
        demo_visit = s.scalars(select(Visit).join(MonitoringTask).where(MonitoringTask.code == "RW-DEMO-0001")).first()
    assert desk.post(clerk, f"/agency/tasks/{task_id}/schedule/{demo_visit.id}/delete").status_code == 404


def test_two_clerks_cannot_book_one_sampler_twice_through_the_service(demo_world, runtime):
    """The same check holds for a use case called directly (as the bot or a script would)."""
    ids = desk.demo_ids(runtime)
    with UnitOfWork(runtime) as uow:
        demo_task = uow.session.scalars(select(MonitoringTask).where(MonitoringTask.code == "RW-DEMO-0001")).one()
        clerk = uow.session.scalars(select(User).where(User.username == "agency1")).one()
        request = scheduling.VisitRequest(day=clock.today(), starts=time(9, 0), ends=time(10, 0),
                                          staff_ids=[ids.zhang_wei], equipment_ids=ids.equipment[:1])
        with pytest.raises(scheduling.ScheduleRefused) as refused:
            scheduling.schedule(uow, clerk, demo_task, request)
        assert re.search("张伟 在 .* 已安排了任务“RW-DEMO-0001", say(refused.value))


# --- the list, the export and the event log --------------------------------------------------------

def test_the_list_filters_by_status_polluter_dates_and_keyword(demo_world, app, runtime):
    clerk = desk.sign_in(app, "agency1")
    ids = desk.demo_ids(runtime)
    applied = seen(runtime, desk.apply(clerk, ids, name="年度废水监测"), lambda t: t.code)
    planning = seen(runtime, planning_task(clerk, ids, name="季度废气监测"), lambda t: t.code)

    def codes(query: str) -> set[str]:
        html = clerk.get(f"/agency/tasks/?{query}").get_data(as_text=True)
        return {c for c in (applied, planning, "RW-DEMO-0001", "ZC-DEMO-0001") if c in html}

    assert codes("") == {applied, planning, "RW-DEMO-0001"}
    assert codes("status=planning") == {planning}
    assert codes("q=废水") == {applied}
    assert codes(f"polluter={ids.polluter}&q=rw-lc") == {applied, planning}
    today = clock.today()
    assert codes(f"start={today}&end={today}") == {applied, planning, "RW-DEMO-0001"}
    assert codes(f"start={today + timedelta(days=1)}") == set()
    page = clerk.get("/agency/tasks/?start=昨天").get_data(as_text=True)
    assert "日期格式不正确" in page


def test_the_excel_export_holds_exactly_the_filtered_rows_with_the_filters_on_top(demo_world, app, runtime):
    clerk = desk.sign_in(app, "agency1")
    ids = desk.demo_ids(runtime)
    wanted = seen(runtime, desk.apply(clerk, ids, name="年度废水监测"), lambda t: t.code)
    desk.apply(clerk, ids, name="季度废气监测")
    today = clock.today()
    with clerk.get(f"/agency/tasks/export.xlsx?status=application&q=废水&start={today}&end={today}") as response:
        assert response.status_code == 200
        assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        book = load_workbook(BytesIO(response.data))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0] == "监测任务列表"
    assert rows[1][0] == f"筛选条件：状态：委托任务申请；申请日期：{today} 至 {today}；关键字：废水"
    assert rows[2][1] == "共 1 条"
    assert rows[4][:3] == ("任务编号", "任务名称", "类别")
    data = rows[5:]
    assert len(data) == 1
    assert data[0][:9] == (wanted, "年度废水监测", "委托监测", desk.DEMO_POLLUTER, "金山区示范路 88 号", "HT-2026-001",
                           "现场采样", "是", "委托任务申请")


def test_the_unfiltered_export_says_so_and_lists_every_task_of_the_agency(demo_world, app, runtime):
    clerk = desk.sign_in(app, "agency1")
    with clerk.get("/agency/tasks/export.xlsx") as response:
        book = load_workbook(BytesIO(response.data))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[1][0] == "筛选条件：无（全部任务）"
    assert [r[0] for r in rows[5:]] == ["RW-DEMO-0001"]


def test_every_change_to_the_task_is_in_its_event_log_on_the_task_page(demo_world, app, runtime):
    clerk = desk.sign_in(app, "agency1")
    ids = desk.demo_ids(runtime)
    task_id = desk.to_scheduling(clerk, ids)
    desk.post(clerk, f"/agency/tasks/{task_id}/schedule", desk.visit(ids))
    desk.advance(clerk, task_id, "submit_schedule")
    with opened(runtime, task_id) as task:
        assert [e.action for e in task.events] == ["applied", "submit_application", "plan_saved", "submit_plan",
                                                   "visit_scheduled", "submit_schedule"]
        assert all(e.actor.username == "agency1" and e.at for e in task.events)
        assert task.events[-1].detail == {"from": "scheduling", "to": "sampling"}
    page = clerk.get(f"/agency/tasks/{task_id}").get_data(as_text=True)
    log = page[page.index("任务日志"):]
    for words in ("新建委托任务", "提交委托申请", "保存监测方案", "提交监测方案", "安排采样", "提交采样计划",
                  "陈静（绿测）", "原阶段：采样计划；新阶段：现场采样", "采样人员：张伟"):
        assert words in log


def test_the_task_event_log_cannot_be_rewritten(demo_world, app, runtime):
    clerk = desk.sign_in(app, "agency1")
    task_id = desk.apply(clerk, desk.demo_ids(runtime))
    with runtime.sessions() as s:
        entry = s.scalars(select(TaskEvent).where(TaskEvent.task_id == task_id)).one()
        entry.action = "forged"
        with pytest.raises(ValueError, match="append-only"):
            s.flush()
        s.rollback()
        s.delete(s.scalars(select(TaskEvent).where(TaskEvent.task_id == task_id)).one())
        with pytest.raises(ValueError, match="append-only"):
            s.flush()


def test_applications_at_the_same_moment_get_distinct_codes(demo_world, runtime):
    ids = desk.demo_ids(runtime)
    with runtime.sessions() as s:
        clerk_id = s.scalars(select(User.id).where(User.username == "agency1")).one()

    def apply_once(n: int) -> str:
        with UnitOfWork(runtime) as uow:
            clerk = uow.session.get(User, clerk_id)
            task = task_service.apply(uow, clerk, task_service.Application(
                name=f"并发申请 {n}", category="委托监测", polluter_id=ids.polluter, contract_id=ids.contract))
            uow.commit()
            return task.code

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(apply_once, range(8)))
    year = clock.today().year
    assert sorted(codes) == [f"RW-LC-{year}-{n:04d}" for n in range(1, 9)]


def test_a_factor_the_scheme_leaves_to_the_polluter_to_sample_is_planned_only_on_delivered_samples(demo_world, app,
                                                                                                   runtime):
    clerk = desk.sign_in(app, "agency1")
    ids = desk.demo_ids(runtime)
    cod = ids.water_factors[0]
    with runtime.sessions() as s:  # 仅分析: the polluter samples COD itself and delivers it
        s.add(SchemeItem(point_id=s.get(PointFactor, cod).point_id, factor="化学需氧量", times=1, period=Period.MONTH,
                         method_standard="HJ 828-2017", sampling=False))
        s.commit()
    task_id = planning_task(clerk, ids)
    on_site = desk.post(clerk, f"/agency/tasks/{task_id}/plan", desk.plan_lines([cod]))
    assert on_site.status_code == 400 and "DW001 “化学需氧量”在排污单位自行监测方案中为“仅分析”，与本任务的样品获取方式" \
        "“现场采样”不符" in on_site.get_data(as_text=True)
    with runtime.sessions() as s:
        s.get(MonitoringTask, task_id).sampling_needed = False  # a task on delivered samples (送样)
        s.commit()
    assert desk.post(clerk, f"/agency/tasks/{task_id}/plan", desk.plan_lines([cod])).status_code == 302
    with opened(runtime, task_id) as task:
        assert [i.factor for i in task.plan] == ["化学需氧量"]
