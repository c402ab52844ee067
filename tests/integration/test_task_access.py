"""Tenancy of contracts and tasks: every object URL answers 404 to every other tenant — another agency, a
self-monitoring polluter's agency, a polluter of another site, a regulator of another district — and
nothing they post changes anything. Readers who may see a task (its polluter, its district's regulator)
read it but cannot change it."""
from __future__ import annotations

from datetime import time, timedelta
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from models import (
    Agency,
    Contract,
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
    clock,
)
from services.core.uow import UnitOfWork
from tests.support import desk, files

PDF = files.pdf("report")
OUTSIDERS = ("agency2", "zcadmin", "polluter1", "songjiang")


@pytest.fixture
def world(demo_world, runtime, config):
    """agency1's contract and task on a second 金山区 polluter (not polluter1's site), with a visit, and the
    outsiders' accounts: an admin of the self-monitoring agency ZC and a 松江区 regulator."""
    with UnitOfWork(runtime) as uow:
        s = uow.session
        agency = s.scalars(select(Agency).where(Agency.code == "LC")).one()
        zc = s.scalars(select(Agency).where(Agency.code == "ZC")).one()
        password = s.scalars(select(User.password_hash).where(User.username == "agency1")).one()
        sampler = s.scalars(select(User).where(User.username == "sampler1")).one()
        s.add_all([User(username="zcadmin", display_name="自测管理员", role=Role.AGENCY_ADMIN, agency=zc,
                        password_hash=password),
                   User(username="songjiang", display_name="松江区生态环境局", role=Role.REGULATOR,
                        district="松江区", password_hash=password)])
        polluter = Polluter(name="上海另一化工有限公司", credit_code="91310116MA1OTHER01", district="金山区",
                            address="金山区另一路 1 号", latitude=30.80, longitude=121.30)
        point = MonitoringPoint(code="DW001", name="废水总排口", kind=PointKind.WASTEWATER,
                                factors=[PointFactor(name="化学需氧量")])
        polluter.points = [point]
        contract = Contract(agency=agency, polluter=polluter, code="HT-OTHER-1", status="submitted",
                            submitted_at=clock.now(), attachment_path="contracts/other.pdf",
                            attachment_name="另一化工合同.pdf")
        task = MonitoringTask(code="RW-LC-OTHER-1", name="另一化工委托监测", category="委托监测", agency=agency,
                              polluter=polluter, contract=contract, status=TaskStatus.SCHEDULING)
        task.plan = [PlanItem(point=point, factor="化学需氧量", method="HJ 828-2017")]
        task.visits = [Visit(day=clock.today() + timedelta(days=1), starts=time(9, 0),
                             ends=time(10, 0), samplers=[sampler], equipment=[])]
        s.add_all([polluter, contract, task])
        uow.commit()
        ids = {"contract": contract.id, "task": task.id, "visit": task.visits[0].id, "polluter": polluter.id}
    (Path(config.media_root) / "contracts").mkdir(parents=True, exist_ok=True)
    (Path(config.media_root) / "contracts" / "other.pdf").write_bytes(PDF)
    return ids


def reads(ids) -> list[str]:
    c, t = ids["contract"], ids["task"]
    return [f"/agency/contracts/{c}", f"/agency/contracts/{c}/attachment", f"/agency/tasks/{t}"]


def edit_pages(ids) -> list[str]:
    c, t = ids["contract"], ids["task"]
    return [f"/agency/contracts/{c}/edit", f"/agency/tasks/{t}/edit", f"/agency/tasks/{t}/plan",
            f"/agency/tasks/{t}/schedule"]


def posts(ids) -> list[tuple[str, dict]]:
    c, t, v = ids["contract"], ids["task"], ids["visit"]
    return [
        (f"/agency/contracts/{c}/edit", {"code": "HT-FORGED", "polluter_id": str(ids["polluter"])}),
        (f"/agency/contracts/{c}/submit", {}),
        (f"/agency/tasks/{t}/edit", {"name": "改名", "category": "其他"}),
        (f"/agency/tasks/{t}/plan", {}),
        (f"/agency/tasks/{t}/plan/points", {"point-kind": "noise", "point-name": "厂界", "point-factors": "噪声"}),
        (f"/agency/tasks/{t}/schedule", {"day": clock.today().isoformat(), "starts": "06:00", "ends": "07:00"}),
        (f"/agency/tasks/{t}/schedule/{v}/delete", {}),
        (f"/agency/tasks/{t}/advance", {"trigger": "submit_schedule"}),
    ]


def state(runtime, ids) -> tuple:
    with runtime.sessions() as s:
        task = s.get(MonitoringTask, ids["task"])
        contract = s.get(Contract, ids["contract"])
        return (task.name, task.status, len(task.plan), [v.id for v in task.visits], len(task.events),
                len(task.polluter.points), contract.code)


def test_the_owner_reaches_every_url_the_outsiders_are_refused(world, app):
    clerk = desk.sign_in(app, "agency1")
    for url in reads(world) + edit_pages(world):
        with clerk.get(url) as response:
            assert response.status_code in (200, 302), url


@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_other_tenants_get_404_on_every_contract_and_task_url(world, app, runtime, outsider):
    client = desk.sign_in(app, outsider)
    for url in reads(world) + edit_pages(world):
        with client.get(url) as response:
            assert response.status_code == 404, (outsider, url)


@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_other_tenants_change_nothing_by_posting(world, app, runtime, outsider):
    before = state(runtime, world)
    client = desk.sign_in(app, outsider)
    for url, data in posts(world):
        assert desk.post(client, url, data).status_code == 404, (outsider, url)
    assert state(runtime, world) == before


@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_other_tenants_lists_and_exports_hold_none_of_the_agencys_rows(world, app, outsider):
    client = desk.sign_in(app, outsider)
    for url in ("/agency/tasks/", "/agency/contracts/", f"/agency/tasks/?polluter={world['polluter']}"):
        page = client.get(url)
        assert page.status_code == 200 and "另一化工" not in page.get_data(as_text=True), (outsider, url)
    with client.get(f"/agency/tasks/export.xlsx?polluter={world['polluter']}") as response:
        assert response.status_code == 200
        rows = list(load_workbook(BytesIO(response.data)).active.iter_rows(values_only=True))
    assert rows[5:] == [] and "另一化工" not in str(rows)


def test_the_agency_cannot_open_the_self_monitoring_polluters_task(world, app, runtime):
    with runtime.sessions() as s:
        theirs = s.scalars(select(MonitoringTask).where(MonitoringTask.code == "ZC-DEMO-0001")).one().id
    clerk = desk.sign_in(app, "agency1")
    for url in (f"/agency/tasks/{theirs}", f"/agency/tasks/{theirs}/plan", f"/agency/tasks/{theirs}/schedule"):
        assert clerk.get(url).status_code == 404, url


def test_the_districts_regulator_reads_the_task_and_contract_but_changes_nothing(world, app, runtime):
    before = state(runtime, world)
    regulator = desk.sign_in(app, "regulator1")
    for url in reads(world):
        with regulator.get(url) as response:
            assert response.status_code == 200, url
    page = regulator.get(f"/agency/tasks/{world['task']}").get_data(as_text=True)
    assert "另一化工委托监测" in page and "提交采样计划" not in page and "安排采样</a>" not in page
    for url in edit_pages(world):
        assert regulator.get(url).status_code == 404, url
    for url, data in posts(world):
        assert desk.post(regulator, url, data).status_code == 404, url
    assert state(runtime, world) == before


def test_the_polluter_reads_the_tasks_on_its_own_site_but_cannot_plan_or_schedule_them(world, app, runtime):
    with runtime.sessions() as s:
        own = s.scalars(select(MonitoringTask).where(MonitoringTask.code == "RW-DEMO-0001")).one().id
    polluter = desk.sign_in(app, "polluter1")
    page = polluter.get(f"/agency/tasks/{own}")
    assert page.status_code == 200 and "任务日志" in page.get_data(as_text=True)
    assert "RW-DEMO-0001" in polluter.get("/agency/tasks/").get_data(as_text=True)
    for url in (f"/agency/tasks/{own}/plan", f"/agency/tasks/{own}/schedule", f"/agency/tasks/{own}/edit",
                "/agency/tasks/new"):
        assert polluter.get(url).status_code == 404, url
    assert desk.post(polluter, f"/agency/tasks/{own}/advance", {"trigger": "submit_schedule"}).status_code == 404


def test_a_sampler_has_no_desk_pages_for_tasks_or_contracts(world, app):
    sampler = desk.sign_in(app, "sampler1")
    for url in reads(world) + ["/agency/tasks/", "/agency/contracts/"]:
        assert sampler.get(url).status_code == 404, url


def test_om_crew_sees_no_monitoring_task_of_another_agency_on_a_shared_polluter(client, demo_world, login):
    login("omcrew1")
    page = client.get("/agency/").get_data(as_text=True)
    assert "RW-DEMO-0001" not in page
    assert "污染源运维" in page
