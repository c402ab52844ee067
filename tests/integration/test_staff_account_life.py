"""人员账号 over their life: an O&M agency opens a 运维人员 account for a filed, certified person; a role the
filing does not give, an expired certificate, are refused in Chinese; a role changes; deactivation unbinds
WeChat and ends the person's open web sessions at once."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from models import AccountEvent, Agency, Role, Staff, User, WechatBinding, clock
from services.core.uow import UnitOfWork
from services.dev import demo
from services.filing import filings
from tests.e2e.trip_script import bind
from tests.integration.test_staff_accounts import INITIAL_PASSWORD
from tests.support.accounts import account, first_login, post_form


def file_person(runtime, agency_code: str, name: str, technical_role: str | None, valid_days: int = 365) -> int:
    """`name` joins the agency, carried by the filing in force (as if an update naming them was approved)."""
    with UnitOfWork(runtime) as uow:
        s = uow.session
        agency = s.scalars(select(Agency).where(Agency.code == agency_code)).one()
        person = Staff(agency_id=agency.id, name=name, id_number="31011619950505123X", post="工程师",
                       technical_role=technical_role, certificate_no="YW-1",
                       certificate_valid_until=clock.today() + timedelta(days=valid_days))
        s.add(person)
        s.flush()
        filings.filed_resources(s, agency.id).snapshot = filings.snapshot(s, agency.id)
        uow.commit()
        return person.id


def open_for(client, staff_id: int, role: str, username: str = "zhoumin"):
    return post_form(client, f"/agency/accounts/staff/{staff_id}/new", username=username,
                     password=INITIAL_PASSWORD, role=role)


def test_an_om_agency_opens_an_om_crew_account_that_binds_in_wechat(demo_world, runtime, login, phone):
    staff_id = file_person(runtime, "HY", "周敏", "运维人员")
    admin = login("om1")
    page = admin.get("/agency/accounts").get_data(as_text=True)
    assert "周敏" in page and f"/agency/accounts/staff/{staff_id}/new" in page
    form = admin.get(f"/agency/accounts/staff/{staff_id}/new").get_data(as_text=True)
    assert '<option value="om_crew" selected>运维人员</option>' in form and 'value="sampler"' not in form
    response = open_for(admin, staff_id, "om_crew")
    assert response.status_code == 303
    assert "已为“周敏”开通运维人员账号 zhoumin" in admin.get("/agency/accounts").get_data(as_text=True)
    user = account(runtime, "zhoumin")
    assert (user.role, user.must_change_password, user.display_name) == (Role.OM_CREW, True, "周敏")
    bind(phone("o_zhoumin"), "zhoumin")


def test_a_role_the_filed_post_does_not_give_and_an_expired_certificate_are_refused(demo_world, runtime, app,
                                                                                     login):
    lead = file_person(runtime, "HY", "钱技", "技术负责人")
    expired = file_person(runtime, "HY", "吴过", "运维人员", valid_days=-1)
    admin = login("om1")
    refused = open_for(admin, lead, "om_crew")
    assert refused.status_code == 400
    assert "“钱技”备案的技术岗位是“技术负责人”，不能开通运维人员账号。" in refused.get_data(as_text=True)
    assert open_for(admin, lead, "technical_lead", "qianji").status_code == 303  # the post they are filed with
    desk = first_login(app.test_client(), "qianji", INITIAL_PASSWORD).get("/agency/")
    assert desk.status_code == 200 and "钱技（技术负责人）" in desk.get_data(as_text=True)
    refused = open_for(admin, expired, "om_crew", "wuguo")
    assert refused.status_code == 400 and "运维人员须持有效证书" in refused.get_data(as_text=True)
    with runtime.sessions() as s:
        assert s.scalar(select(User).where(User.username == "wuguo")) is None
        assert s.get(Staff, lead).user.role == Role.TECHNICAL_LEAD


def test_the_admin_changes_a_persons_role_and_the_change_is_logged(demo_world, runtime, login):
    admin = login("agency1")
    with runtime.sessions() as s:
        li_na = s.scalars(select(Staff).where(Staff.name == "李娜")).one().id
    assert post_form(admin, f"/agency/accounts/staff/{li_na}", role="quality_lead").status_code == 303
    user = account(runtime, "sampler2")
    assert user.role == Role.QUALITY_LEAD
    with runtime.sessions() as s:
        event = s.scalars(select(AccountEvent).where(AccountEvent.user_id == user.id)).one()
        assert (event.action, event.detail["after"]) == ("edited", {"role": "quality_lead"})


def test_deactivating_unbinds_wechat_and_ends_open_sessions_at_once(demo_world, runtime, app, login, phone):
    crew = phone("o_crew")
    bind(crew, "omcrew1")
    elsewhere = app.test_client()  # 刘洋 is signed in on the web at another desk
    post_form(elsewhere, "/login", username="omcrew1", password=demo.PASSWORD)
    assert elsewhere.get("/agency/").status_code == 200
    with runtime.sessions() as s:
        liu_yang = s.scalars(select(Staff).where(Staff.name == "刘洋")).one().id
    admin = login("om1")
    response = post_form(admin, f"/agency/accounts/staff/{liu_yang}/deactivate", "/agency/accounts")
    assert response.status_code == 303
    assert "微信绑定已解除，已登录的会话已退出" in admin.get("/agency/accounts").get_data(as_text=True)
    assert elsewhere.get("/agency/").status_code == 302  # back to the login page
    assert "您尚未绑定账户" in crew.tap("SAMPLING_TASKS")  # the phone is a stranger again: asked to bind
    with runtime.sessions() as s:
        user = s.scalars(select(User).where(User.username == "omcrew1")).one()
        assert not user.active and s.scalar(select(WechatBinding).where(WechatBinding.user_id == user.id)) is None
        assert [e.action for e in s.scalars(select(AccountEvent).where(AccountEvent.user_id == user.id))] == \
            ["wechat_unbound", "deactivated"]
    refused = post_form(app.test_client(), "/login", username="omcrew1", password=demo.PASSWORD)
    assert refused.status_code == 401


def test_a_person_removed_from_the_filing_loses_their_account_at_once(demo_world, runtime, app, login):
    elsewhere = app.test_client()
    post_form(elsewhere, "/login", username="sampler2", password=demo.PASSWORD)
    with runtime.sessions() as s:
        li_na = s.scalars(select(Staff).where(Staff.name == "李娜")).one().id
    admin = login("agency1")
    removed = post_form(admin, f"/agency/filing/staff/{li_na}/deactivate", "/agency/filing/")
    assert removed.status_code == 302
    assert "其账号已停用，微信绑定已解除。" in admin.get("/agency/filing/").get_data(as_text=True)
    assert elsewhere.get("/agency/").status_code == 302
    assert not account(runtime, "sampler2").active
