"""Polluters sign in and bind WeChat with their account of the city's pollution-source system
(污染源综合管理信息系统), verified there on every sign-in (the local stand-in plays it under EMSS_DEV)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from handlers import texts as T
from models import User
from services.texts.refusals import say
from services.users import pollution_source, signin
from tests.conftest import csrf_token

DEMO_POLLUTER_CODE = "91310116MA1DEMO001"  # 上海示范化工有限公司 in the demo directory


def open_in_source_system(client, username="hb_wang", password="ps-secret-1", code=DEMO_POLLUTER_CODE,
                          name="王环保"):
    token = csrf_token(client.get("/fake-pollution-source/").get_data(as_text=True))
    response = client.post("/fake-pollution-source/", data={"csrf_token": token, "username": username,
                                                             "password": password, "credit_code": code,
                                                             "name": name})
    assert response.status_code == 302


def bind(officer, username: str, password: str) -> str:
    assert officer.tap("ACCOUNT_INFO") == T.ASK_USERNAME
    assert officer.text(username) == T.ASK_PASSWORD
    return officer.text(password)


@pytest.fixture
def officer(demo_world, client, phone):
    open_in_source_system(client)
    return phone("o_env_officer")


def test_the_environmental_officer_binds_with_the_pollution_source_account(officer, db):
    reply = bind(officer, "hb_wang", "ps-secret-1")
    assert reply.startswith("绑定成功！您好，王环保（") and "上海示范化工有限公司" in reply
    user = db.scalars(select(User).where(User.username == "hb_wang")).one()
    assert (user.role, user.polluter.name, user.auth_source) == ("polluter_confirmer", "上海示范化工有限公司",
                                                                "pollution_source")
    assert "ps-secret-1" not in user.password_hash and user.password_hash == pollution_source.NO_LOCAL_PASSWORD
    db.rollback()  # end the test's read before the app writes (SQLite)
    assert "没有待您确认" in officer.tap("SAMPLING_TASKS")  # and works as the polluter's confirmer


def test_the_same_account_signs_in_on_the_web(officer, client):
    page = client.get("/login")
    response = client.post("/login", data={"csrf_token": csrf_token(page.get_data(as_text=True)),
                                           "username": "hb_wang", "password": "ps-secret-1"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/polluter/")
    assert "上海示范化工有限公司" in client.get("/polluter/").get_data(as_text=True)


def test_the_password_that_counts_is_the_pollution_source_systems(officer, client, db):
    assert bind(officer, "hb_wang", "ps-secret-1").startswith("绑定成功")
    open_in_source_system(client, password="changed-there-2")  # changed in the pollution-source system
    web = client.post("/login", data={"csrf_token": csrf_token(client.get("/login").get_data(as_text=True)),
                                      "username": "hb_wang", "password": "ps-secret-1"})
    assert web.status_code == 401
    assert db.scalars(select(User).where(User.username == "hb_wang")).one().password_hash == "!"


def test_wrong_passwords_count_against_the_account_like_any_other(officer):
    for left in (4, 3, 2, 1):
        assert bind(officer, "hb_wang", "guess") == T.BIND_WRONG.format(left=left)
    assert "已锁定 15 分钟" in bind(officer, "hb_wang", "guess")


def test_an_account_whose_polluter_is_not_in_the_directory_is_refused_without_a_strike(demo_world, client, phone,
                                                                                        db, runtime):
    open_in_source_system(client, username="outsider", code="91310000MA1NOTHER9", name="名录外公司")
    officer = phone("o_outsider")
    assert "不在本系统的排污单位名录库中" in bind(officer, "outsider", "ps-secret-1")
    assert db.scalars(select(User).where(User.username == "outsider")).first() is None
    assert int(runtime.redis.get(signin.account_key("outsider")) or 0) == 0


def test_an_unreachable_pollution_source_system_is_told_and_not_held_against_anyone(officer, runtime):
    runtime.config.polluter_directory_auth = "http://127.0.0.1:9/"  # nothing listens there
    assert bind(officer, "hb_wang", "ps-secret-1") == say(pollution_source.Unreachable())
    assert int(runtime.redis.get(signin.account_key("hb_wang")) or 0) == 0
    assert officer.text("hb_wang") == T.ASK_PASSWORD  # asked again, as after any answer


def test_without_the_system_nobody_vouches_for_such_an_account(officer, db, runtime):
    assert bind(officer, "hb_wang", "ps-secret-1").startswith("绑定成功")
    with pytest.raises(signin.WrongPassword):
        signin.sign_in(db, runtime.redis, "hb_wang", "ps-secret-1", signin.Source("ip", "10.0.0.9"), None)


def test_a_local_account_keeps_its_own_password(demo_world, client, phone):
    open_in_source_system(client, username="polluter1", password="other-pass-9")  # same name in the other system
    officer = phone("o_officer")
    assert bind(officer, "polluter1", "other-pass-9") == T.BIND_WRONG.format(left=4)
