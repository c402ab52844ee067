"""An account's whole life: a polluter's first account from the directory and the colleagues it manages; the
password changed by its holder, forced at first sign-in, reset by the administrator through a one-time link;
WeChat unbound from the web side; every change in the account log."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select, update

from models import AccountEvent, PasswordReset, Polluter, User, WechatBinding, clock
from services.dev import demo
from tests.support.accounts import NEW_PASSWORD, account, first_login, post_form

PLATING_CODE = "91310117MA1SELF001"  # 上海自测示范电镀有限公司: no account yet


def plating_id(runtime) -> int:
    with runtime.sessions() as s:
        return s.scalars(select(Polluter.id).where(Polluter.credit_code == PLATING_CODE)).one()


def actions(runtime, username: str) -> list[str]:
    with runtime.sessions() as s:
        user = s.scalars(select(User).where(User.username == username)).one()
        return [e.action for e in s.scalars(select(AccountEvent).where(AccountEvent.user_id == user.id)
                                            .order_by(AccountEvent.id))]


def sign_in(client, username: str, password: str):
    return post_form(client, "/login", username=username, password=password)


def test_the_admin_opens_a_polluters_first_account_who_then_manages_its_colleagues(demo_world, runtime, app, login):
    admin = login("admin1")
    url = f"/admin/polluters/{plating_id(runtime)}/account"
    assert url in admin.get(f"/admin/directory/{plating_id(runtime)}").get_data(as_text=True)
    opened = post_form(admin, url, display_name="赵环", post="环保负责人", username="zhaohuan", password="initial-123")
    assert opened.status_code == 303
    again = post_form(admin, url, display_name="钱二", username="qianer", password="initial-123")
    assert again.status_code == 400 and "已有账号 zhaohuan" in again.get_data(as_text=True)

    manager = first_login(app.test_client(), "zhaohuan", "initial-123")
    added = post_form(manager, "/polluter/account/users", "/polluter/account", username="sunwei", display_name="孙伟",
                      post="安全员", password="initial-456")
    assert added.status_code == 303
    page = manager.get("/polluter/account").get_data(as_text=True)
    assert "孙伟（安全员）" in page and "赵环（环保负责人）" in page
    colleague = first_login(app.test_client(), "sunwei", "initial-456")
    refused = post_form(colleague, "/polluter/account/users", "/polluter/account", username="x_y_z",
                        display_name="某人", password="initial-789")
    assert refused.status_code == 400 and "只有本单位的账号管理人" in refused.get_data(as_text=True)

    sunwei = account(runtime, "sunwei")
    assert post_form(manager, f"/polluter/account/users/{sunwei.id}/deactivate", "/polluter/account").status_code == 303
    assert colleague.get("/polluter/").status_code == 302  # signed out at once
    assert actions(runtime, "sunwei") == ["created", "password_changed", "deactivated"]
    assert account(runtime, "zhaohuan").manages_accounts and account(runtime, "zhaohuan").post == "环保负责人"


def test_a_new_account_reaches_no_page_before_its_password_is_changed(demo_world, app, login):
    admin = login("admin1")
    post_form(admin, "/admin/accounts/regulators/new", display_name="市环境执法总队", username="zongdui",
              password="initial-123", scope="city")
    holder = app.test_client()
    sign_in(holder, "zongdui", "initial-123")
    assert holder.get("/regulator/").headers["Location"].endswith("/account/password")
    same = post_form(holder, "/account/password", current="initial-123", new="initial-123", repeated="initial-123")
    assert same.status_code == 400 and "新密码不能与原密码相同。" in same.get_data(as_text=True)
    mismatch = post_form(holder, "/account/password", current="initial-123", new=NEW_PASSWORD, repeated="other-123")
    assert mismatch.status_code == 400 and "两次输入的新密码不一致。" in mismatch.get_data(as_text=True)
    assert holder.get("/regulator/").status_code == 302
    assert post_form(holder, "/account/password", current="initial-123", new=NEW_PASSWORD,
                     repeated=NEW_PASSWORD).status_code == 302
    assert holder.get("/regulator/").status_code == 200


def test_changing_the_password_ends_the_other_sessions_but_not_this_one(demo_world, runtime, app):
    here, there = app.test_client(), app.test_client()
    for client in (here, there):
        sign_in(client, "agency1", demo.PASSWORD)
    wrong = post_form(here, "/account/password", current="nope-nope", new=NEW_PASSWORD, repeated=NEW_PASSWORD)
    assert wrong.status_code == 400 and "原密码不正确。" in wrong.get_data(as_text=True)
    assert post_form(here, "/account/password", current=demo.PASSWORD, new=NEW_PASSWORD,
                     repeated=NEW_PASSWORD).status_code == 302
    assert here.get("/agency/").status_code == 200
    assert there.get("/agency/").status_code == 302
    assert actions(runtime, "agency1") == ["password_changed"]


def test_guessing_the_current_password_runs_into_the_accounts_lock(demo_world, login):
    holder = login("agency1")
    for _ in range(4):
        wrong = post_form(holder, "/account/password", current="guess-guess", new=NEW_PASSWORD, repeated=NEW_PASSWORD)
        assert wrong.status_code == 400 and "原密码不正确。" in wrong.get_data(as_text=True)
    fifth = post_form(holder, "/account/password", current="guess-guess", new=NEW_PASSWORD, repeated=NEW_PASSWORD)
    assert "该账号已锁定 15 分钟" in fifth.get_data(as_text=True)
    right = post_form(holder, "/account/password", current=demo.PASSWORD, new=NEW_PASSWORD, repeated=NEW_PASSWORD)
    assert right.status_code == 429 and "该账号已锁定" in right.get_data(as_text=True)


def test_the_admin_resets_a_password_with_a_one_time_link_shown_once(demo_world, runtime, app, login):
    sampler = app.test_client()
    sign_in(sampler, "sampler1", demo.PASSWORD)
    admin = login("admin1")
    user = account(runtime, "sampler1")
    shown = post_form(admin, f"/admin/accounts/{user.id}/reset", "/admin/accounts")
    assert shown.headers["Cache-Control"] == "no-store"
    page = shown.get_data(as_text=True)
    link = re.search(r'value="(http[^"]+/password/reset/[^"]+)"', page).group(1)
    assert "此链接只显示这一次" in page and link not in admin.get("/admin/accounts").get_data(as_text=True)
    assert sampler.get("/agency/").status_code == 302  # the open session ended
    assert sign_in(app.test_client(), "sampler1", demo.PASSWORD).status_code == 401  # the old password is gone

    path = link.split("emss.test", 1)[-1]
    holder = app.test_client()
    assert "sampler1" in holder.get(path).get_data(as_text=True)
    assert post_form(holder, path, new=NEW_PASSWORD, repeated=NEW_PASSWORD).status_code == 302
    assert holder.get(path).status_code == 410  # used once
    assert sign_in(holder, "sampler1", NEW_PASSWORD).headers["Location"].endswith("/agency/")
    assert actions(runtime, "sampler1") == ["reset_issued", "password_reset"]
    log = admin.get("/admin/accounts/log").get_data(as_text=True)
    assert "管理员重置密码" in log and "通过一次性链接设置新密码" in log and link.rsplit("/", 1)[-1] not in log


def test_an_expired_reset_link_no_longer_works(demo_world, runtime, login):
    admin = login("admin1")
    user = account(runtime, "sampler2")
    page = post_form(admin, f"/admin/accounts/{user.id}/reset", "/admin/accounts").get_data(as_text=True)
    path = "/password/reset/" + re.search(r'/password/reset/([^"]+)"', page).group(1)
    with runtime.sessions() as s:
        s.execute(update(PasswordReset).values(expires_at=clock.now() - timedelta(minutes=1)))
        s.commit()
    expired = admin.get(path)
    assert expired.status_code == 410 and "已失效" in expired.get_data(as_text=True)


def test_the_holder_unbinds_wechat_from_the_web(demo_world, runtime, login):
    polluter = login("polluter1")
    assert "已绑定" in polluter.get("/account").get_data(as_text=True)
    assert post_form(polluter, "/account/unbind", "/account").status_code == 303
    assert "已解除微信绑定" in polluter.get("/account").get_data(as_text=True)
    with runtime.sessions() as s:
        assert s.scalar(select(WechatBinding).where(WechatBinding.openid == demo.POLLUTER_OPENID)) is None
    assert actions(runtime, "polluter1") == ["wechat_unbound"]
