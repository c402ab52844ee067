"""One failure counter per account across every way in (issue 8, security 2).

Five wrong passwords lock an account for 15 minutes whether they came through the web login or WeChat binding,
from one OpenID or many; while it is locked neither way lets anyone in, even with the right password, and both
say in Chinese when the lock ends (China time). The per-OpenID and per-IP limits stay on top of it.
"""
from __future__ import annotations

import re
import threading
import time
from datetime import datetime, timedelta

from sqlalchemy import select

from models import WechatBinding, clock
from services.users import signin
from tests.conftest import csrf_token

RIGHT = "demo1234"
LOCK_END = re.compile(r"(\d{4}-\d{2}-\d{2} \d{2}:\d{2})（北京时间）")


def _web_login(client, username: str, password: str):
    token = csrf_token(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token})


def _try_binding(phone, username: str, password: str) -> str:
    """账户信息 → account → password, as far as the bot lets the user go; its last reply."""
    phone.tap("ACCOUNT_INFO")
    reply = phone.text(username)
    return phone.text(password) if "请输入密码" in reply else reply


def _bound(runtime) -> dict[str, str]:
    with runtime.sessions() as s:
        return {b.openid: b.user.username for b in s.scalars(select(WechatBinding))}


def _assert_lock_told_with_its_end(text: str) -> None:
    """Locked, told in Chinese with the end as China's wall-clock time, about 15 minutes from now."""
    assert "锁定" in text, text
    found = LOCK_END.search(text)
    assert found, f"no end time in: {text}"
    ends = datetime.strptime(found.group(1), "%Y-%m-%d %H:%M").replace(tzinfo=clock.LOCAL)
    assert timedelta(minutes=14) <= ends - clock.now() <= timedelta(minutes=16)


def _end_lock(runtime, username: str) -> None:
    """Let the account's lock run out now instead of in 15 minutes."""
    key = signin.account_key(username)
    runtime.redis.pexpire(key, 1)
    deadline = time.monotonic() + 2
    while runtime.redis.exists(key) and time.monotonic() < deadline:
        time.sleep(0.005)
    assert not runtime.redis.exists(key)


def test_after_five_wrong_web_logins_binding_with_the_right_password_is_refused_with_the_end_time(
        demo_world, client, phone, runtime):
    statuses = [_web_login(client, "regulator1", "guess").status_code for _ in range(5)]
    assert statuses == [401] * 5
    reply = _try_binding(phone("o_newcomer"), "regulator1", RIGHT)
    _assert_lock_told_with_its_end(reply)
    assert "o_newcomer" not in _bound(runtime)


def test_twenty_wrong_bindings_from_five_openids_leave_a_sixth_with_the_right_password_refused(
        demo_world, phone, runtime):
    for n in range(5):
        attacker = phone(f"o_attacker{n}")
        for _ in range(4):
            _try_binding(attacker, "regulator1", f"guess{n}")
    reply = _try_binding(phone("o_sixth"), "regulator1", RIGHT)
    _assert_lock_told_with_its_end(reply)
    assert "regulator1" not in _bound(runtime).values()


def test_the_binding_that_locks_the_account_says_so_at_once(demo_world, phone):
    first, second = phone("o_first"), phone("o_second")
    replies = [_try_binding(first, "regulator1", "guess") for _ in range(3)]
    replies += [_try_binding(second, "regulator1", "guess") for _ in range(2)]
    assert "还可尝试 2 次" in replies[2] and "还可尝试 1 次" in replies[3]
    _assert_lock_told_with_its_end(replies[4])


def test_wrong_bindings_lock_the_web_login_too(demo_world, client, phone):
    for n in range(5):
        _try_binding(phone(f"o_attacker{n}"), "regulator1", "guess")
    refused = _web_login(client, "regulator1", RIGHT)
    assert refused.status_code == 429
    _assert_lock_told_with_its_end(refused.get_data(as_text=True))
    assert client.get("/regulator/").status_code == 302  # still not signed in


def test_the_web_login_that_locks_the_account_tells_the_end_time(demo_world, client):
    pages = [_web_login(client, "regulator1", "guess") for _ in range(5)]
    assert "账号或密码错误" in pages[0].get_data(as_text=True)
    _assert_lock_told_with_its_end(pages[4].get_data(as_text=True))


def test_when_the_lock_ends_the_account_logs_in_and_binds_again(demo_world, client, phone, runtime, login):
    for _ in range(5):
        _web_login(client, "regulator1", "guess")
    assert _web_login(client, "regulator1", RIGHT).status_code == 429
    _end_lock(runtime, "regulator1")
    login("regulator1")
    assert client.get("/regulator/").status_code == 200
    assert "绑定成功" in _try_binding(phone("o_regulator"), "regulator1", RIGHT)


def test_a_right_password_clears_the_accounts_earlier_failures(demo_world, client, login):
    for _ in range(4):
        _web_login(client, "regulator1", "guess")
    login("regulator1")
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/regulator/").get_data(as_text=True))})
    assert _web_login(client, "regulator1", "guess").status_code == 401  # a fresh count: not locked yet


def test_one_openid_trying_five_accounts_is_locked_without_locking_them(demo_world, client, phone, login):
    guesser = phone("o_guesser")
    for username in ("agency1", "sampler1", "sampler2", "regulator1", "admin1"):
        _try_binding(guesser, username, "guess")
    _assert_lock_told_with_its_end(guesser.tap("ACCOUNT_INFO"))
    login("regulator1")  # one wrong password each: none of the accounts is locked


def test_twenty_wrong_logins_from_one_address_pause_it_for_every_account(demo_world, client):
    for n in range(20):
        assert _web_login(client, f"nobody{n}", "guess").status_code == 401
    refused = _web_login(client, "agency1", RIGHT)
    assert refused.status_code == 429
    _assert_lock_told_with_its_end(refused.get_data(as_text=True))


def test_ten_guesses_at_the_same_moment_get_only_five_passwords_checked(demo_world, runtime, monkeypatch):
    checked, real_check = [], signin.check_password_hash

    def slow_check(hashed: str, password: str) -> bool:
        checked.append(password)
        time.sleep(0.05)  # a real password hash takes about this long: the window parallel guesses race through
        return real_check(hashed, password)

    monkeypatch.setattr(signin, "check_password_hash", slow_check)
    start = threading.Barrier(10)

    def guess(n: int) -> None:
        start.wait()
        with runtime.sessions() as s:
            try:
                signin.sign_in(s, runtime.redis, "regulator1", f"guess{n}", signin.Source("ip", f"198.51.100.{n}"))
            except (signin.Locked, signin.WrongPassword):
                pass

    guessers = [threading.Thread(target=guess, args=(n,)) for n in range(10)]
    for thread in guessers:
        thread.start()
    for thread in guessers:
        thread.join()
    assert len(checked) == signin.ACCOUNT_ATTEMPTS
