"""机构注册 through the identity provider: the legal entity is verified, then the agency and its administrator
are created with a draft filing."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from models import Agency, AgencyKind, FilingStatus, Polluter, Role, User
from services.identity import IdentityRejected, LocalIdentityProvider, check_character, credit_code_problem
from tests.conftest import csrf_token


def valid_code(first17: str) -> str:
    return first17 + check_character(first17)


NEW_CODE = valid_code("91310116MA1NEW001")
MISTYPED = NEW_CODE[:-1] + ("0" if NEW_CODE[-1] != "0" else "1")


@pytest.mark.parametrize("code", ["91350100M000100Y43", "9144030071526726XG", "914403001922038216",
                                  "91330100799655058B", "91110108551385082Q"])
def test_real_credit_codes_pass_the_gb32100_check(code):
    assert check_character(code[:17]) == code[17]
    assert credit_code_problem(code) is None


@pytest.mark.parametrize(("code", "reason"), [
    ("9144030071526726XH", "校验位不正确"),
    ("9144030071526726X", "应为 18 位"),
    ("91440300715267I6XG", "应为 18 位"),  # I is not in the alphabet
    ("9144O30071526726XG", "应为 18 位"),  # nor is O, and the area code is digits
])
def test_the_local_provider_refuses_a_mistyped_credit_code(code, reason):
    with pytest.raises(IdentityRejected, match=reason):
        LocalIdentityProvider().verify({"credit_code": code, "name": "上海某某检测有限公司"})


def test_the_local_provider_normalises_what_was_typed():
    entity = LocalIdentityProvider().verify({"credit_code": " 9144030071526726xg ", "name": " 深圳某公司 "})
    assert (entity.credit_code, entity.name) == ("9144030071526726XG", "深圳某公司")
    with pytest.raises(IdentityRejected, match="单位名称"):
        LocalIdentityProvider().verify({"credit_code": "9144030071526726XG", "name": ""})


def verify(client, code: str, name: str):
    token = csrf_token(client.get("/register").get_data(as_text=True))
    return client.post("/register", data={"credit_code": code, "name": name, "csrf_token": token})


def open_account(client, **fields):
    token = csrf_token(client.get("/register/account").get_data(as_text=True))
    data = {"kind": AgencyKind.MONITORING, "district": "闵行区", "username": "newlab", "password": "secret123",
            "password_again": "secret123", "csrf_token": token, **fields}
    return client.post("/register/account", data=data)


def test_login_page_links_to_registration(client):
    assert 'href="/register"' in client.get("/login").get_data(as_text=True)


def test_a_monitoring_agency_registers_and_lands_on_its_filing(demo_world, client, runtime):
    assert verify(client, NEW_CODE, "上海新检测技术有限公司").headers["Location"].endswith("/register/account")
    page = client.get("/register/account").get_data(as_text=True)
    assert "上海新检测技术有限公司" in page and "自主检测排污企业" in page and "自主检测&amp;运维排污企业" in page
    response = open_account(client)
    assert response.status_code == 302 and response.headers["Location"].endswith("/agency/filing/")
    filing_page = client.get("/agency/filing/").get_data(as_text=True)
    assert "上海新检测技术有限公司" in filing_page and "暂无" in filing_page
    with runtime.sessions() as s:
        agency = s.scalars(select(Agency).where(Agency.credit_code == NEW_CODE)).one()
        admin = s.scalars(select(User).where(User.username == "newlab")).one()
        assert (agency.kind, agency.district, agency.filing_status) == ("monitoring", "闵行区", FilingStatus.DRAFT)
        assert admin.role == Role.AGENCY_ADMIN and admin.agency_id == agency.id and agency.code


def test_a_credit_code_already_registered_is_refused(demo_world, client):
    verify(client, NEW_CODE, "上海新检测技术有限公司")
    open_account(client)
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/agency/filing/").get_data(as_text=True))})
    again = verify(client, NEW_CODE, "上海新检测技术有限公司")
    assert again.status_code == 400 and "该统一社会信用代码已注册" in again.get_data(as_text=True)


def test_a_self_monitoring_polluter_registers_as_its_own_agency(demo_world, client, runtime):
    code = valid_code("91310117MA1YRDEM0")
    with runtime.sessions() as s:
        s.add(Polluter(name="上海自检示范印染有限公司", credit_code=code, district="松江区",
                       address="松江区印染路 3 号", latitude=31.03, longitude=121.22))
        s.commit()
    verify(client, code, "上海自检示范印染有限公司")
    response = open_account(client, kind=AgencyKind.SELF_MONITORING_OM, district="", username="zijian")
    assert response.status_code == 302
    with runtime.sessions() as s:
        agency = s.scalars(select(Agency).where(Agency.credit_code == code)).one()
        site = s.scalars(select(Polluter).where(Polluter.credit_code == code)).one()
        assert agency.self_monitoring and agency.district == "松江区" and site.own_agency_id == agency.id


def test_a_self_monitoring_polluter_must_be_in_the_directory(demo_world, client, runtime):
    verify(client, NEW_CODE, "上海不在名录有限公司")
    response = open_account(client, kind=AgencyKind.SELF_MONITORING)
    assert response.status_code == 400 and "名录库中未找到" in response.get_data(as_text=True)
    with runtime.sessions() as s:
        assert s.scalars(select(Agency).where(Agency.credit_code == NEW_CODE)).first() is None


@pytest.mark.parametrize(("fields", "reason"), [
    ({"username": "agency1"}, "该账号已被使用"),
    ({"password": "short1", "password_again": "short1"}, "密码至少 8 位"),
    ({"password_again": "secret124"}, "两次输入的密码不一致"),
    ({"district": ""}, "请选择所在区"),
    ({"kind": AgencyKind.OM}, "运维机构备案即将开放"),
])
def test_account_details_that_do_not_fit_are_refused_and_kept(demo_world, client, runtime, fields, reason):
    verify(client, NEW_CODE, "上海新检测技术有限公司")
    response = open_account(client, **{"username": "newlab2", **fields})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and reason in page
    assert f'value="{fields.get("username", "newlab2")}"' in page
    with runtime.sessions() as s:
        assert s.scalars(select(Agency).where(Agency.credit_code == NEW_CODE)).first() is None


def test_the_account_step_needs_a_verified_entity_first(client):
    response = client.get("/register/account")
    assert response.status_code == 302 and response.headers["Location"].endswith("/register")


def test_a_mistyped_code_is_refused_on_the_page_with_what_was_typed(client):
    response = verify(client, MISTYPED, "上海新检测技术有限公司")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "校验位不正确" in page and "上海新检测技术有限公司" in page
