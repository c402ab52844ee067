"""机构注册 through the identity provider: the legal entity is verified, then the agency and its administrator
are created with a draft filing."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from models import Agency, AgencyKind, FilingStatus, Polluter, Role, User
from services.filing.credit_codes import check_character, problem
from services.texts.refusals import say
from services.users.identity import DEV_CLIENT_ID, DEV_CLIENT_SECRET, IdentityRejected, entity_from
from tests.conftest import csrf_token
from tests.support.deployment import production_config
from tests.support.identity import path_of, verify


def valid_code(first17: str) -> str:
    return first17 + check_character(first17)


NEW_CODE = valid_code("91310116MA1NEW001")
MISTYPED = NEW_CODE[:-1] + ("0" if NEW_CODE[-1] != "0" else "1")


@pytest.mark.parametrize("code", ["91350100M000100Y43", "9144030071526726XG", "914403001922038216",
                                  "91330100799655058B", "91110108551385082Q"])
def test_real_credit_codes_pass_the_gb32100_check(code):
    assert check_character(code[:17]) == code[17]
    assert problem(code) is None


@pytest.mark.parametrize(("code", "reason"), [
    ("9144030071526726XH", "校验位错误（按 GB 32100-2015 第 18 位应为 G），请核对后重新输入"),
    ("9144030071526726X", "应为 18 位，实际为 17 位"),
    ("91440300715267I6XG", "不允许的字符：I"),  # I is not in the alphabet
    ("9144O30071526726XG", "不允许的字符：O"),  # nor is O
])
def test_a_mistyped_credit_code_from_a_provider_is_not_trusted(code, reason):
    with pytest.raises(IdentityRejected) as refused:
        entity_from(code, "上海某某检测有限公司")
    assert reason in say(refused.value)


def test_what_the_provider_gives_is_normalised():
    entity = entity_from(" 9144030071526726xg ", " 深圳某公司 ")
    assert (entity.credit_code, entity.name) == ("9144030071526726XG", "深圳某公司")
    with pytest.raises(IdentityRejected) as refused:
        entity_from("9144030071526726XG", "")
    assert "单位名称" in say(refused.value)


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
    assert "上海新检测技术有限公司" in filing_page and "尚未审核通过" in filing_page
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
    ({"kind": ""}, "请选择机构类型"),
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
    assert response.status_code == 400 and "统一社会信用代码校验位错误" in page and "上海新检测技术有限公司" in page


def test_an_om_agency_registers_through_the_identity_provider(demo_world, client, runtime):
    """Seed 001 §1.1: O&M agencies (运维机构) register like monitoring agencies, then file."""
    assert verify(client, NEW_CODE, "上海新运维环保有限公司").status_code == 302
    response = open_account(client, kind=AgencyKind.OM, district="浦东新区", username="newom")
    assert response.status_code == 302 and response.headers["Location"].endswith("/agency/filing/")
    with runtime.sessions() as s:
        agency = s.scalars(select(Agency).where(Agency.credit_code == NEW_CODE)).one()
        assert (agency.kind, agency.district, agency.name) == (AgencyKind.OM, "浦东新区", "上海新运维环保有限公司")


def test_the_entity_is_what_the_provider_says_not_what_the_form_says(demo_world, client, runtime):
    verify(client, NEW_CODE, "上海新检测技术有限公司")
    open_account(client, name="别的公司", credit_code=valid_code("91310116MA1QTHER1"))
    with runtime.sessions() as s:
        agency = s.scalars(select(Agency).where(Agency.credit_code == NEW_CODE)).one()
        assert agency.name == "上海新检测技术有限公司"


def test_cancelling_at_the_provider_is_told_and_nothing_is_carried(client):
    response = verify(client, NEW_CODE, "上海新检测技术有限公司", action="cancel")
    assert response.status_code == 400 and "您已取消法人一证通身份验证" in response.get_data(as_text=True)
    assert client.get("/register/account").headers["Location"].endswith("/register")


def test_a_callback_this_browser_did_not_start_is_refused(client):
    forged = client.get("/register/callback?code=stolen&state=guess")
    assert forged.status_code == 400 and "未能确认您的单位身份" in forged.get_data(as_text=True)
    assert client.get("/register/account").status_code == 302  # no entity carried to the account step


def test_a_code_is_exchanged_once(client, runtime):
    started = client.get("/register/start").headers["Location"]
    page = client.get(path_of(started)).get_data(as_text=True)
    state = re.search(r'name="state" value="([^"]*)"', page).group(1)
    redirect_uri = f"{runtime.config.public_base_url}/register/callback"
    back = client.post("/fake-identity/authorize", data={
        "csrf_token": csrf_token(page), "redirect_uri": redirect_uri, "state": state,
        "credit_code": NEW_CODE, "name": "上海新检测技术有限公司", "action": "login"}).headers["Location"]
    code = parse_qs(urlsplit(back).query)["code"][0]
    exchange = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
                "client_id": DEV_CLIENT_ID, "client_secret": DEV_CLIENT_SECRET}
    assert client.post("/fake-identity/token", data=exchange).status_code == 200
    again = client.post("/fake-identity/token", data=exchange)
    assert again.status_code == 400 and again.get_json()["error"] == "invalid_grant"


def test_an_unreachable_provider_is_told_in_chinese(client, runtime):
    runtime.config.identity_issuer = "http://127.0.0.1:9/"  # nothing listens there
    runtime.config.identity_client_id, runtime.config.identity_client_secret = "emss", "s3cret"
    started = client.get("/register/start").headers["Location"]
    assert started.startswith("http://127.0.0.1:9/authorize?") and "client_id=emss" in started
    state = parse_qs(urlsplit(started).query)["state"][0]
    response = client.get(f"/register/callback?code=abc&state={state}")
    assert response.status_code == 400 and "暂时无法连接法人一证通" in response.get_data(as_text=True)


def test_outside_development_registration_needs_a_configured_provider(config, database_url):
    from web import create_app

    production = create_app(production_config(config)).test_client()
    page = production.get("/register")
    assert page.status_code == 503 and "本系统尚未接入法人一证通" in page.get_data(as_text=True)
    assert production.get("/register/start").status_code == 503
    assert production.get("/fake-identity/authorize").status_code == 404  # the stand-in is never mounted


def test_outside_development_a_configured_provider_is_used(config):
    from web import create_app

    production = create_app(production_config(config, identity_issuer="https://yzt.example.gov.cn/oauth/",
                                              identity_client_id="emss-city",
                                              identity_client_secret="x" * 32)).test_client()
    assert "前往法人一证通验证" in production.get("/register").get_data(as_text=True)
    started = production.get("/register/start").headers["Location"]
    assert started.startswith("https://yzt.example.gov.cn/oauth/authorize?") and "client_id=emss-city" in started
