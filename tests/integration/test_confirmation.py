"""排污单位确认: the polluter confirms or rejects a trip from its template message (through WeChat OAuth) or
on its desktop page, and the agency corrects a rejected trip and resubmits it."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.standin.store import FakeWeChat
from models import (
    CheckIn,
    CheckInKind,
    Confirmation,
    ConfirmationLink,
    Role,
    SamplingTrip,
    TaskEvent,
    User,
    WechatBinding,
    clock,
)
from services.core.uow import UnitOfWork
from services.dev import demo
from services.notifying import notify
from services.sampling import confirmations
from tests.conftest import BASE, csrf_token
from tests.e2e import trip_script as script

POLLUTER = demo.POLLUTER_OPENID


# --- scene setting ----------------------------------------------------------------------------------------

@pytest.fixture
def wechat_open(config):
    """WeChat's OAuth pages, served by the local stand-in."""
    config.wechat_open_base = f"{BASE}/fake-wechat/open/"


def add_user(runtime, username: str, role: Role, openid: str | None = None, **links) -> None:
    with runtime.sessions() as s:
        user = User(username=username, display_name=username, role=role, password_hash=demo._demo_hash(), **links)
        s.add(user)
        if openid:
            s.add(WechatBinding(openid=openid, user=user))
        s.commit()


def add_colleague(runtime, username: str = "polluter1b", openid: str = "o_polluter1b") -> None:
    """A second confirmer of the demo polluter, bound to WeChat."""
    with runtime.sessions() as s:
        polluter_id = s.scalar(select(User.polluter_id).where(User.username == "polluter1"))
    add_user(runtime, username, Role.POLLUTER_CONFIRMER, openid, polluter_id=polluter_id)


def submit_trip(phone) -> None:
    assert "已提交" in script.whole_trip(phone("o_sampler1"))


def links(runtime, openid: str = POLLUTER) -> list[str]:
    """The confirmation URLs in the user's template messages, oldest first."""
    return [m["url"] for m in FakeWeChat(runtime.redis).inbox(openid) if m["kind"] == "template"]


def open_as(client, url: str, openid: str):
    """Open the link in WeChat's browser as `openid` (the fake OAuth reads the simulator's cookie)."""
    client.set_cookie("emss_sim_openid", openid, domain="emss.test")
    return client.get(url, follow_redirects=True)


def decide(client, url: str, page_html: str, verdict: str, reason: str = ""):
    return client.post(url, data={"csrf_token": csrf_token(page_html), "verdict": verdict, "reason": reason})


def outcome(client, response) -> str:
    """The page a decision redirected to, in the same WeChat browser."""
    return client.get(BASE + response.headers["Location"]).get_data(as_text=True)


def trip_row(runtime) -> SamplingTrip:
    with runtime.sessions() as s:
        trip = s.scalars(select(SamplingTrip)).one()
        for relation in (trip.confirmations, trip.events, trip.check_ins, trip.samples):
            list(relation)
        for confirmation in trip.confirmations:
            list(confirmation.links)
        _ = trip.conditions
        return trip


def task_actions(runtime) -> list[str]:
    with runtime.sessions() as s:
        return list(s.scalars(select(TaskEvent.action).order_by(TaskEvent.id)))


def confirmed_page(client, runtime) -> tuple[str, str]:
    """The polluter's link opened through OAuth: (url, html)."""
    url = links(runtime)[-1]
    page = open_as(client, url, POLLUTER)
    assert page.status_code == 200, page.get_data(as_text=True)
    return url, page.get_data(as_text=True)


# --- the template message and WeChat OAuth ----------------------------------------------------------------

def test_the_template_message_links_to_the_users_own_confirmation_page(demo_world, phone, runtime, config):
    submit_trip(phone)
    url = links(runtime)[0]
    assert url.startswith(f"{config.public_base_url}/m/confirm/")
    token = url.rsplit("/", 1)[1]
    trip = trip_row(runtime)
    link = trip.confirmations[0].links[0]
    assert token not in link.token_hash and len(link.token_hash) == 64
    assert timedelta(hours=71) < link.expires_at - clock.now() <= timedelta(hours=72)
    assert link.used_at is None and trip.confirmations[0].status == "pending"


def test_the_template_message_says_what_is_true_once_the_crew_has_checked_out(demo_world, phone, runtime):
    submit_trip(phone)  # the chat's trip checks out (离场签到) before it is submitted
    message = next(m for m in FakeWeChat(runtime.redis).inbox(POLLUTER) if m["kind"] == "template")
    departure = trip_row(runtime).latest_check_in("departure")
    assert message["data"]["keyword4"]["value"] == clock.fmt(departure.at)
    assert "离场前" not in message["data"]["keyword5"]["value"]
    assert message["data"]["keyword5"]["value"] == notify.LEFT


def test_opening_the_link_asks_wechat_who_holds_the_phone(demo_world, phone, runtime, client, wechat_open):
    submit_trip(phone)
    first = client.get(links(runtime)[0])
    assert first.status_code == 302
    location = first.headers["Location"]
    assert location.startswith(f"{BASE}/fake-wechat/open/connect/oauth2/authorize?appid=wx0000000000emss"
                                "&redirect_uri=http%3A%2F%2Femss.test%2Fm%2Foauth&response_type=code"
                                "&scope=snsapi_base&state=")
    assert location.endswith("#wechat_redirect")


def test_the_polluter_sees_the_whole_trip_and_confirms_it(demo_world, phone, runtime, client, wechat_open):
    submit_trip(phone)
    url, html = confirmed_page(client, runtime)
    trip = trip_row(runtime)
    for expected in ("上海示范化工有限公司", "张伟", "自动烟尘烟气测试仪", "崂应 3012H", "进场签到", "离场签到",
                     "围栏内", "生产负荷：85 %", "废水总排口", trip.samples[0].code, "确认", "退回理由"):
        assert expected in html, expected
    assert html.count("/photos/") == 12  # six thumbnails, each opening its watermarked copy
    # 运输保存 as the crew recorded it: how each sample for the laboratory travels, and when they left
    assert "玻璃瓶 500 mL｜加硫酸至 pH&lt;2｜冷藏(0–4℃)" in html and "<td>现场测定</td>" in html
    assert f"样品离场时间：{clock.fmt(trip.samples_left_at)}" in html
    # 点位布设: where each point was sampled, against its registered position
    positions = html[html.index('id="point-locations"'):]
    assert "废水总排口" in positions and "距点位登记位置" in positions and "米内" in positions
    assert "未发送点位位置" not in positions[:positions.index("</table>")]

    done = decide(client, url, html, "confirm")
    assert done.status_code == 303 and done.headers["Location"].endswith("/done")
    shown = outcome(client, done)
    assert "已确认：王工（示范化工）" in shown and "退回理由" not in shown

    trip = trip_row(runtime)
    confirmation = trip.confirmations[0]
    assert trip.state == "completed" and confirmation.status == "confirmed"
    assert confirmation.decided_at is not None and not confirmation.after_departure
    with runtime.sessions() as s:
        assert s.get(User, confirmation.decided_by_id).username == "polluter1"
    assert confirmation.links[0].used_at is not None
    assert trip.events[-1].action == "approve" and trip.events[-1].detail["via"] == "wechat"
    assert task_actions(runtime)[-1] == "trip_confirmed"


def test_the_polluter_sees_the_instruments_confirmed_on_site_and_the_points_each_sampled(demo_world, phone, runtime,
                                                                                         client, wechat_open):
    submit_trip(phone)
    _, html = confirmed_page(client, runtime)
    table = html.split('<table id="instruments">')[1].split("</table>")[0]
    rows = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in table.split("<tr>")[2:]]
    assert rows == ["自动烟尘烟气测试仪 崂应 3012H GT-EQ-001 锅炉废气排放口", "便携式 pH 计 PHB-4 GT-EQ-002 废水总排口"]


def test_the_polluter_rejects_with_a_reason_and_the_agency_is_told(demo_world, phone, runtime, client, wechat_open):
    submit_trip(phone)
    url, html = confirmed_page(client, runtime)
    done = decide(client, url, html, "reject", "生产负荷记录有误，实际为 60%")
    assert done.status_code == 303
    assert "已退回" in outcome(client, done)
    trip = trip_row(runtime)
    assert trip.state == "rejected"
    assert trip.confirmations[0].status == "rejected" and trip.confirmations[0].reason == "生产负荷记录有误，实际为 60%"
    assert trip.events[-1].action == "reject"
    with runtime.sessions() as s:
        event = s.scalars(select(TaskEvent).order_by(TaskEvent.id.desc())).first()
        assert event.action == "trip_rejected" and event.detail["reason"] == "生产负荷记录有误，实际为 60%"


def test_a_rejection_without_a_reason_is_refused_and_changes_nothing(demo_world, phone, runtime, client,
                                                                    wechat_open):
    submit_trip(phone)
    url, html = confirmed_page(client, runtime)
    refused = decide(client, url, html, "reject", "   ")
    assert refused.status_code == 400 and "请填写退回理由" in refused.get_data(as_text=True)
    trip = trip_row(runtime)
    assert trip.state == "awaiting_confirmation" and trip.confirmations[0].status == "pending"
    assert trip.confirmations[0].links[0].used_at is None
    assert decide(client, url, html, "confirm").status_code == 303  # the link still works


def test_a_confirmation_after_the_crew_left_is_accepted_but_marked(demo_world, phone, runtime, client, wechat_open):
    submit_trip(phone)
    with runtime.sessions() as s:
        departure = s.scalars(select(CheckIn).where(CheckIn.kind == CheckInKind.DEPARTURE)).one()
        departure.at = clock.now() - timedelta(hours=2)
        s.commit()
    url, html = confirmed_page(client, runtime)
    assert "现在确认将被标记为“离场后确认”" in html
    done = decide(client, url, html, "confirm")
    assert "离场后确认" in outcome(client, done)
    trip = trip_row(runtime)
    assert trip.state == "completed" and trip.confirmations[0].after_departure
    assert trip.events[-1].detail["after_departure"] is True


def test_confirming_twice_has_one_effect_and_shows_the_outcome(demo_world, phone, runtime, client, wechat_open):
    submit_trip(phone)
    url, html = confirmed_page(client, runtime)
    first, second = decide(client, url, html, "confirm"), decide(client, url, html, "confirm")
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    late_reject = decide(client, url, html, "reject", "改主意了")
    assert late_reject.status_code == 303
    assert "已确认" in outcome(client, late_reject)
    trip = trip_row(runtime)
    assert trip.state == "completed" and trip.confirmations[0].status == "confirmed"
    assert [e.action for e in trip.events].count("approve") == 1
    assert "trip_rejected" not in task_actions(runtime)


def test_two_decisions_read_at_the_same_moment_only_the_first_counts(demo_world, phone, runtime):
    """A colleague's page loaded before the first decision landed: its stale rows must not decide again."""
    add_colleague(runtime)
    submit_trip(phone)
    with UnitOfWork(runtime) as first, UnitOfWork(runtime) as second:
        stale = second.session.scalars(select(Confirmation)).one()
        colleague = second.session.scalars(select(User).where(User.username == "polluter1b")).one()
        assert stale.trip.state == "awaiting_confirmation"
        second.session.commit()  # the page was rendered; its rows stay in memory
        current = first.session.scalars(select(Confirmation)).one()
        polluter1 = first.session.scalars(select(User).where(User.username == "polluter1")).one()
        assert confirmations.confirm(first, current, polluter1)
        first.commit()
        assert not confirmations.reject(second, stale, colleague, "不同意")
        second.commit()
    trip = trip_row(runtime)
    assert trip.state == "completed" and trip.confirmations[0].status == "confirmed"
    assert [e.action for e in trip.events].count("reject") == 0


def test_a_colleagues_link_after_the_first_decision_shows_the_outcome(demo_world, phone, runtime, app, client,
                                                                     wechat_open):
    add_colleague(runtime)
    submit_trip(phone)
    url, html = confirmed_page(client, runtime)
    decide(client, url, html, "confirm")

    colleague = app.test_client()
    other_url = links(runtime, "o_polluter1b")[-1]
    page = open_as(colleague, other_url, "o_polluter1b")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "已确认：王工（示范化工）" in text and "退回理由" not in text
    token = csrf_token(colleague.get(BASE + "/login").get_data(as_text=True))
    replay = colleague.post(other_url, data={"csrf_token": token, "verdict": "reject", "reason": "不同意"})
    assert replay.status_code == 303
    trip = trip_row(runtime)
    assert trip.state == "completed" and len(trip.confirmations) == 1
    assert trip.confirmations[0].status == "confirmed"


def test_a_used_link_cannot_be_replayed(demo_world, phone, runtime, app, client, wechat_open):
    submit_trip(phone)
    url, html = confirmed_page(client, runtime)
    decide(client, url, html, "confirm")
    again = client.get(url)
    assert again.status_code == 410 and "已使用" in again.get_data(as_text=True)
    elsewhere = open_as(app.test_client(), url, POLLUTER)
    assert elsewhere.status_code == 410 and "已使用" in elsewhere.get_data(as_text=True)


def test_an_expired_link_is_refused_with_a_reason(demo_world, phone, runtime, client, wechat_open):
    submit_trip(phone)
    url, html = confirmed_page(client, runtime)
    with runtime.sessions() as s:
        s.scalars(select(ConfirmationLink)).one().expires_at = clock.now() - timedelta(minutes=1)
        s.commit()
    page = client.get(url)
    assert page.status_code == 410 and "已过期" in page.get_data(as_text=True)
    posted = decide(client, url, html, "confirm")
    assert posted.status_code == 410
    assert trip_row(runtime).state == "awaiting_confirmation"


def test_a_link_opened_by_another_polluter_users_wechat_is_not_found(demo_world, phone, runtime, client,
                                                                    wechat_open):
    add_colleague(runtime)
    submit_trip(phone)
    url = links(runtime)[-1]  # issued to polluter1
    page = open_as(client, url, "o_polluter1b")
    assert page.status_code == 404 and "未绑定此链接对应的排污单位账号" in page.get_data(as_text=True)
    token = csrf_token(client.get(BASE + "/login").get_data(as_text=True))
    assert client.post(url, data={"csrf_token": token, "verdict": "confirm"}).status_code == 404
    assert trip_row(runtime).state == "awaiting_confirmation"


def test_an_unbound_wechat_user_cannot_open_the_link(demo_world, phone, runtime, client, wechat_open):
    submit_trip(phone)
    page = open_as(client, links(runtime)[-1], "o_stranger")
    assert page.status_code == 404 and "未绑定" in page.get_data(as_text=True)


def test_a_made_up_token_is_not_found(demo_world, phone, runtime, client, wechat_open):
    submit_trip(phone)
    url = links(runtime)[-1]
    forged = url[:-4] + ("aaaa" if not url.endswith("aaaa") else "bbbb")
    page = open_as(client, forged, POLLUTER)
    assert page.status_code == 404 and "链接无效" in page.get_data(as_text=True)


def test_an_oauth_callback_with_a_foreign_state_is_refused(demo_world, phone, runtime, client, wechat_open):
    submit_trip(phone)
    client.get(links(runtime)[-1])  # the session now waits for WeChat with its own state
    code = FakeWeChat(runtime.redis).issue_code(POLLUTER)
    refused = client.get(f"{BASE}/m/oauth?code={code}&state=forged")
    assert refused.status_code == 400 and "授权已失效" in refused.get_data(as_text=True)


def test_a_decision_without_the_csrf_token_is_refused(demo_world, phone, runtime, client, wechat_open):
    submit_trip(phone)
    url, _ = confirmed_page(client, runtime)
    assert client.post(url, data={"verdict": "confirm"}).status_code == 400
    assert trip_row(runtime).state == "awaiting_confirmation"


def test_photos_are_served_to_the_verified_holder_only(demo_world, phone, runtime, app, client, wechat_open):
    submit_trip(phone)
    url, html = confirmed_page(client, runtime)
    path = BASE + html.split('<a href="')[1].split('"')[0]
    assert path.endswith("/watermarked") and "/m/confirm/" in path
    with client.get(path) as photo:
        assert photo.status_code == 200 and photo.mimetype == "image/jpeg"
    with client.get(path.replace("/watermarked", "/original")) as original:
        assert original.status_code == 404
    with app.test_client().get(path) as stranger:
        assert stranger.status_code == 404


# --- the agency corrects and resubmits --------------------------------------------------------------------

def rejected_trip(phone, runtime, client) -> str:
    """Submit the demo trip and have the polluter reject it; returns the rejected link."""
    submit_trip(phone)
    url, html = confirmed_page(client, runtime)
    assert decide(client, url, html, "reject", "生产负荷应为 60%").status_code == 303
    return url


def correction_form(trip: SamplingTrip, **changes) -> dict:
    form = {f"f_{name}": "" if value is None else str(value) for name, value in trip.conditions.answers.items()}
    for sample in trip.samples:
        form[f"s_{sample.id}"] = clock.local(sample.sampled_at).strftime("%Y-%m-%dT%H:%M")
    form.update(changes)
    return form


def test_the_agency_corrects_the_rejected_trip_and_resubmits_with_new_links(demo_world, phone, runtime, app,
                                                                           client, drain, wechat_open):
    old_url = rejected_trip(phone, runtime, client)
    desk = app.test_client()  # the agency's browser; `client` stays the polluter's phone
    _sign_in(desk, "agency1")
    trip = trip_row(runtime)
    timeline = desk.get(f"/records/trips/{trip.id}").get_data(as_text=True)
    assert f'href="/agency/trips/{trip.id}/correct">更正并重新提交' in timeline
    page = desk.get(f"/agency/trips/{trip.id}/correct")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "生产负荷应为 60%" in html and 'name="f_production_load"' in html

    sample = trip.samples[0]
    earlier = clock.local(sample.sampled_at) - timedelta(minutes=20)
    form = correction_form(trip, f_production_load="60", note="按排污单位意见更正生产负荷",
                           **{f"s_{sample.id}": earlier.strftime("%Y-%m-%dT%H:%M")})
    saved = desk.post(f"/agency/trips/{trip.id}/correct", data={"csrf_token": csrf_token(html), **form})
    assert saved.status_code == 303
    trip = trip_row(runtime)
    assert trip.conditions.answers["production_load"] == 60
    assert clock.local(trip.samples[0].sampled_at).strftime("%H:%M") == earlier.strftime("%H:%M")
    correction = trip.events[-1]
    assert correction.action == "correct" and correction.detail["note"] == "按排污单位意见更正生产负荷"
    changes = correction.detail["changes"]
    assert {"field": "production_load", "label": "生产负荷", "old": 85, "new": 60} in changes
    assert any(c.get("sample") == sample.code for c in changes) and len(changes) == 2

    page = desk.get(f"/agency/trips/{trip.id}/correct").get_data(as_text=True)
    assert "将“生产负荷”由 85 % 更正为 60 %" in page
    resubmitted = desk.post(f"/agency/trips/{trip.id}/resubmit", data={"csrf_token": csrf_token(page)})
    assert resubmitted.status_code == 303
    trip = trip_row(runtime)
    assert trip.state == "awaiting_confirmation" and len(trip.confirmations) == 2
    assert trip.confirmations[-1].status == "pending" and len(trip.confirmations[-1].links) == 1
    assert [e.action for e in trip.events][-2:] == ["correct", "resubmit"]
    assert task_actions(runtime)[-3:] == ["trip_rejected", "trip_corrected", "trip_resubmitted"]

    drain()  # the template messages go out
    urls = links(runtime)
    assert len(urls) == 2 and urls[0] == old_url and urls[1] != old_url
    message = FakeWeChat(runtime.redis).inbox(POLLUTER)[-1]
    assert "重新提交" in message["data"]["keyword5"]["value"]
    stale = client.get(old_url)
    assert stale.status_code == 410 and "重新提交" in stale.get_data(as_text=True)
    url, html = confirmed_page(client, runtime)
    assert "生产负荷：60 %" in html
    decide(client, url, html, "confirm")
    assert trip_row(runtime).state == "completed"


def _sign_in(test_client, username: str) -> None:
    token = csrf_token(test_client.get("/login").get_data(as_text=True))
    answer = test_client.post("/login", data={"username": username, "password": demo.PASSWORD, "csrf_token": token})
    assert answer.status_code == 302


def test_a_correction_needs_a_note_and_valid_values(demo_world, phone, runtime, app, client, wechat_open):
    rejected_trip(phone, runtime, client)
    desk = app.test_client()
    _sign_in(desk, "agency1")
    trip = trip_row(runtime)
    html = desk.get(f"/agency/trips/{trip.id}/correct").get_data(as_text=True)
    bad = desk.post(f"/agency/trips/{trip.id}/correct",
                    data={"csrf_token": csrf_token(html), **correction_form(trip, f_production_load="很多",
                                                                            note="更正")})
    text = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "0～120" in text and 'value="很多"' in text
    no_note = desk.post(f"/agency/trips/{trip.id}/correct",
                        data={"csrf_token": csrf_token(html), **correction_form(trip, f_production_load="60")})
    assert no_note.status_code == 400 and "请填写更正说明" in no_note.get_data(as_text=True)
    unchanged = desk.post(f"/agency/trips/{trip.id}/correct",
                          data={"csrf_token": csrf_token(html), **correction_form(trip, note="没改")})
    assert unchanged.status_code == 400 and "没有修改任何内容" in unchanged.get_data(as_text=True)
    trip = trip_row(runtime)
    assert trip.conditions.answers["production_load"] == 85 and trip.events[-1].action == "reject"


def test_a_trip_not_rejected_cannot_be_resubmitted(demo_world, phone, runtime, login):
    submit_trip(phone)
    desk = login("agency1")
    trip = trip_row(runtime)
    page = desk.get(f"/agency/trips/{trip.id}/correct").get_data(as_text=True)
    assert "保存更正" not in page
    refused = desk.post(f"/agency/trips/{trip.id}/resubmit", data={"csrf_token": csrf_token(page)},
                        follow_redirects=True)
    assert "只有被排污单位退回" in refused.get_data(as_text=True)
    assert len(trip_row(runtime).confirmations) == 1


# --- the polluter's desktop -------------------------------------------------------------------------------

def test_the_polluter_confirms_on_its_desktop_page(demo_world, phone, runtime, login):
    submit_trip(phone)
    desk = login("polluter1")
    trip = trip_row(runtime)
    home = desk.get("/polluter/").get_data(as_text=True)
    assert "示范化工 2026 年第四季度自行监测" in home and f"/polluter/trips/{trip.id}" in home
    page = desk.get(f"/polluter/trips/{trip.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "围栏内" in html and "生产负荷：85 %" in html
    photo = html.split(f"/polluter/trips/{trip.id}/photos/")[1].split('"')[0]
    with desk.get(f"/polluter/trips/{trip.id}/photos/{photo}") as image:
        assert image.status_code == 200 and image.mimetype == "image/jpeg"
    refused = desk.post(f"/polluter/trips/{trip.id}", data={"csrf_token": csrf_token(html), "verdict": "reject"})
    assert refused.status_code == 400 and "请填写退回理由" in refused.get_data(as_text=True)
    done = desk.post(f"/polluter/trips/{trip.id}", data={"csrf_token": csrf_token(html), "verdict": "confirm"},
                     follow_redirects=True)
    assert "您已确认该采样行程" in done.get_data(as_text=True)
    again = desk.post(f"/polluter/trips/{trip.id}", data={"csrf_token": csrf_token(html), "verdict": "confirm"},
                      follow_redirects=True)
    assert "没有待确认的请求" in again.get_data(as_text=True)
    trip = trip_row(runtime)
    assert trip.state == "completed" and trip.events[-1].detail["via"] == "web"
    assert [e.action for e in trip.events].count("approve") == 1
    home = desk.get("/polluter/").get_data(as_text=True)
    assert "目前没有待确认的采样行程" in home and "已确认" in home


def test_the_polluter_adds_a_confirmer_who_binds_in_wechat_and_can_be_unbound(demo_world, phone, runtime, login):
    desk = login("polluter1")
    page = desk.get("/polluter/account").get_data(as_text=True)
    assert "polluter1" in page and "已绑定" in page
    short = desk.post("/polluter/account/users", data={"csrf_token": csrf_token(page), "username": "wang2",
                                                       "display_name": "王二", "password": "123"})
    assert short.status_code == 400 and "密码至少 8 位" in short.get_data(as_text=True)
    taken = desk.post("/polluter/account/users", data={"csrf_token": csrf_token(page), "username": "sampler1",
                                                       "display_name": "王二", "password": "longenough"})
    assert taken.status_code == 400 and "已被使用" in taken.get_data(as_text=True)
    created = desk.post("/polluter/account/users", data={"csrf_token": csrf_token(page), "username": "wang2",
                                                         "display_name": "王二", "password": "longenough"})
    assert created.status_code == 303
    _bind(phone("o_wang2"), "wang2", "longenough")
    page = desk.get("/polluter/account").get_data(as_text=True)
    assert page.count("已绑定") == 2
    with runtime.sessions() as s:
        wang2 = s.scalars(select(User).where(User.username == "wang2")).one()
        assert wang2.role == "polluter_confirmer" and wang2.polluter_id is not None
    unbound = desk.post(f"/polluter/account/users/{wang2.id}/unbind", data={"csrf_token": csrf_token(page)},
                        follow_redirects=True)
    assert "已解除 王二 的微信绑定" in unbound.get_data(as_text=True)
    with runtime.sessions() as s:
        assert s.scalar(select(WechatBinding).where(WechatBinding.openid == "o_wang2")) is None


def _bind(officer, username: str, password: str) -> None:
    officer.tap("ACCOUNT_INFO")
    officer.text(username)
    assert "绑定成功" in officer.text(password)


def test_no_message_is_sent_when_no_polluter_user_is_bound(demo_world, phone, runtime, login):
    with runtime.sessions() as s:
        s.delete(s.scalars(select(WechatBinding)).one())
        s.commit()
    submit_trip(phone)
    trip = trip_row(runtime)
    assert trip.state == "awaiting_confirmation" and trip.confirmations[0].links == []
    with runtime.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Confirmation)) == 1
    assert f"/polluter/trips/{trip.id}" in login("polluter1").get("/polluter/").get_data(as_text=True)
