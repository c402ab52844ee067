"""The web panel's frame: login, roles, CSRF, cookies, rate limit."""
from __future__ import annotations

from tests.conftest import csrf_token


def test_agency_admin_logs_in_and_lands_on_the_desk(demo_world, client, login):
    login("agency1")
    page = client.get("/agency/")
    assert page.status_code == 200 and "上海绿测环境检测有限公司" in page.get_data(as_text=True)
    assert "已备案" in page.get_data(as_text=True)


def test_wrong_password_is_refused_with_a_reason(demo_world, client):
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"username": "agency1", "password": "nope", "csrf_token": token})
    assert response.status_code == 401 and "账号或密码错误" in response.get_data(as_text=True)


def test_a_form_without_its_csrf_token_is_refused(demo_world, client):
    response = client.post("/login", data={"username": "agency1", "password": "demo1234"})
    assert response.status_code == 400
    assert client.get("/agency/").status_code == 302  # still not signed in


def test_repeated_wrong_passwords_are_rate_limited_per_account(demo_world, client):
    token = csrf_token(client.get("/login").get_data(as_text=True))
    statuses = [client.post("/login", data={"username": "agency1", "password": "x", "csrf_token": token}).status_code
                for _ in range(6)]
    assert statuses[:5] == [401] * 5 and statuses[5] == 429
    right = client.post("/login", data={"username": "agency1", "password": "demo1234", "csrf_token": token})
    assert right.status_code == 429  # even the right password waits out the lock


def test_pages_of_another_role_do_not_exist_for_you(demo_world, client, login):
    login("admin1")
    assert client.get("/agency/").status_code == 404
    assert client.get("/admin/").status_code == 200


def test_session_cookie_is_http_only_and_lax(demo_world, client):
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"username": "agency1", "password": "demo1234", "csrf_token": token})
    cookie = response.headers.get("Set-Cookie")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_signing_out_needs_a_post_with_the_token(demo_world, client, login):
    login("agency1")
    page = client.get("/agency/").get_data(as_text=True)
    assert client.post("/logout", data={"csrf_token": csrf_token(page)}).status_code == 302
    assert client.get("/agency/").status_code == 302


def test_every_role_reaches_every_page_of_its_menu(demo_world, app, client, login):
    from flask import url_for

    from web.nav import NAV

    accounts = {"agency1": "agency_admin", "sampler1": "sampler", "polluter1": "polluter_confirmer",
                "regulator1": "regulator", "admin1": "system_admin"}
    for username, role in accounts.items():
        login(username)
        for endpoint, label in NAV[role]:
            with app.test_request_context():
                url = url_for(endpoint)
            page = client.get(url)
            assert page.status_code == 200, (username, endpoint)
            assert label in page.get_data(as_text=True)
        client.post("/logout", data={"csrf_token": csrf_token(client.get(url).get_data(as_text=True))})
