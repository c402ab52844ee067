"""人员账号: the agency administrator gives a filed person the account of their role (here 采样人员) they bind in
WeChat and are scheduled through; the filing in force still decides whether they may be scheduled."""
from __future__ import annotations

from datetime import time, timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from models import Agency, Equipment, MonitoringTask, Role, Staff, User, clock
from services.core.uow import UnitOfWork
from services.filing import filings
from services.sampling import scheduling
from services.sampling.scheduling import ScheduleRefused, VisitRequest
from tests.conftest import csrf_token
from tests.e2e.trip_script import bind

INITIAL_PASSWORD = "demo1234"  # what trip_script.bind types in WeChat


def add_person(runtime, filed: bool) -> int:
    """孙磊 joins 绿测 without an account; when `filed`, the version in force is refrozen to carry him, as if an
    update naming him had been approved."""
    with UnitOfWork(runtime) as uow:
        s = uow.session
        agency = s.scalars(select(Agency).where(Agency.code == "LC")).one()
        person = Staff(agency_id=agency.id, name="孙磊", id_number="31011619950505123X", post="采样员",
                       certificate_no="HJ-505123", certificate_valid_until=clock.today() + timedelta(days=365))
        s.add(person)
        s.flush()
        if filed:
            filings.filed_resources(s, agency.id).snapshot = filings.snapshot(s, agency.id)
        uow.commit()
        return person.id


def account_url(staff_id: int) -> str:
    return f"/agency/accounts/staff/{staff_id}/new"


def open_account(client, staff_id: int, username: str = "sunlei", password: str = INITIAL_PASSWORD,
                 role: str = "sampler"):
    token = csrf_token(client.get("/login").get_data(as_text=True))
    return client.post(account_url(staff_id), data={"username": username, "password": password, "role": role,
                                                    "csrf_token": token})


def schedule_tomorrow(runtime, staff_id: int):
    """安排采样 of the demo task for tomorrow morning, through the schedule service as the clerk would."""
    with UnitOfWork(runtime) as uow:
        s = uow.session
        clerk = s.scalars(select(User).where(User.username == "agency1")).one()
        task = s.scalars(select(MonitoringTask).where(MonitoringTask.code == "RW-DEMO-0001")).one()
        kit = s.scalars(select(Equipment.id).where(Equipment.agency_id == clerk.agency_id)
                        .order_by(Equipment.id)).first()
        visit = scheduling.schedule(uow, clerk, task, VisitRequest(
            day=clock.today() + timedelta(days=1), starts=time(9), ends=time(11), staff_ids=[staff_id],
            equipment_ids=[kit]))
        uow.commit()
        return [u.username for u in visit.samplers]


def accounts(runtime) -> int:
    with runtime.sessions() as s:
        return s.scalar(select(func.count(User.id)))


def linked(runtime, staff_id: int) -> int | None:
    with runtime.sessions() as s:
        return s.get(Staff, staff_id).user_id


def test_the_admin_opens_an_account_for_a_filed_person_who_is_then_scheduled_and_binds_in_wechat(
        demo_world, runtime, login, phone):
    staff_id = add_person(runtime, filed=True)
    admin = login("agency1")
    page = admin.get("/agency/filing/").get_data(as_text=True)
    assert "未开通" in page and account_url(staff_id) in page and "sampler1" in page
    assert "孙磊" in admin.get(account_url(staff_id)).get_data(as_text=True)

    response = open_account(admin, staff_id)
    assert response.status_code == 303
    assert "sunlei" in admin.get("/agency/filing/").get_data(as_text=True)
    with runtime.sessions() as s:
        person = s.get(Staff, staff_id)
        user = person.user
        assert (user.username, user.role, user.agency_id, user.display_name) == \
            ("sunlei", Role.SAMPLER, person.agency_id, "孙磊")
        assert check_password_hash(user.password_hash, INITIAL_PASSWORD)
        filed = filings.filed_resources(s, person.agency_id)
        assert filings.filed_entry(filed, "staff", staff_id)["user_id"] is None  # the snapshot stays as approved

    assert schedule_tomorrow(runtime, staff_id) == ["sunlei"]
    sampler = phone("o_new")
    bind(sampler, "sunlei")


def test_a_person_outside_the_filing_in_force_gets_no_account_and_is_not_schedulable(demo_world, runtime, login):
    staff_id = add_person(runtime, filed=False)
    before = accounts(runtime)
    response = open_account(login("agency1"), staff_id)
    assert response.status_code == 400
    assert "“孙磊”不在审核通过的备案人员名单中" in response.get_data(as_text=True)
    assert accounts(runtime) == before and linked(runtime, staff_id) is None
    with pytest.raises(ScheduleRefused) as refused:
        schedule_tomorrow(runtime, staff_id)
    assert refused.value.code == "staff_not_filed"


@pytest.mark.parametrize(("username", "password", "role", "reason"), [
    ("sampler1", INITIAL_PASSWORD, "sampler", "该账号已被使用，请换一个。"),
    ("sunlei", "short12", "sampler", "初始密码至少 8 位。"),
    ("孙 磊", INITIAL_PASSWORD, "sampler", "账号为 3～32 位字母、数字或 _ . -。"),
    ("sunlei", INITIAL_PASSWORD, "", "请选择本机构可开通的账号角色。"),
    ("sunlei", INITIAL_PASSWORD, "om_crew", "请选择本机构可开通的账号角色。"),  # a monitoring agency runs no O&M
])
def test_a_taken_username_or_a_short_password_is_refused_and_nothing_is_created(
        demo_world, runtime, login, username, password, role, reason):
    staff_id = add_person(runtime, filed=True)
    before = accounts(runtime)
    response = open_account(login("agency1"), staff_id, username, password, role)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and reason in page and f'value="{username}"' in page
    assert accounts(runtime) == before and linked(runtime, staff_id) is None


def test_a_person_who_already_has_an_account_cannot_get_another(demo_world, runtime, login):
    admin = login("agency1")
    with runtime.sessions() as s:
        zhang_wei = s.scalars(select(Staff).where(Staff.name == "张伟")).one()
        staff_id, user_id = zhang_wei.id, zhang_wei.user_id
    assert account_url(staff_id) not in admin.get("/agency/filing/").get_data(as_text=True)
    before = accounts(runtime)
    response = open_account(admin, staff_id, "zhangwei2")
    assert response.status_code == 400
    assert "“张伟”已开通账号 sampler1（采样人员），不能重复开通。" in response.get_data(as_text=True)
    assert accounts(runtime) == before and linked(runtime, staff_id) == user_id


def test_another_agency_cannot_open_an_account_for_our_staff(demo_world, runtime, login):
    staff_id = add_person(runtime, filed=True)
    other = login("agency2")
    assert other.get(account_url(staff_id)).status_code == 404
    before = accounts(runtime)
    assert open_account(other, staff_id).status_code == 404
    assert accounts(runtime) == before and linked(runtime, staff_id) is None
