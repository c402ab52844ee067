"""运维内容确认: the polluter checks the O&M visit the crew submitted — its check-ins, every record sheet, the
photos — from its template message (through WeChat OAuth), and signs by hand to confirm the same day, or
rejects with a reason; the O&M agency resubmits a rejected visit."""
from __future__ import annotations

import base64
import io
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from bot.standin.store import FakeWeChat
from handlers import om_polluter
from handlers.turn import Turn
from models import ConfirmationLink, OmConfirmation, OmVisit, OmVisitEvent, Polluter, Role, User, clock
from services.adapters import signatures
from services.core.uow import UnitOfWork
from services.dev import demo
from services.om import om_confirmations
from services.sampling.confirmations import ConfirmationProblem
from tests.conftest import BASE, csrf_token
from tests.integration.test_confirmation import add_colleague, add_user, open_as, wechat_open  # noqa: F401
from tests.support.om import awaiting_visit, png_url, signature_url

POLLUTER = demo.POLLUTER_OPENID


# --- scene setting ----------------------------------------------------------------------------------------

def om_links(runtime, openid: str = POLLUTER) -> list[str]:
    """The confirmation URLs in the user's O&M template messages, oldest first."""
    return [m["url"] for m in FakeWeChat(runtime.redis).inbox(openid)
            if m["kind"] == "template" and "/m/om/confirm/" in m["url"]]


def opened(client, runtime, openid: str = POLLUTER) -> tuple[str, str]:
    """The user's latest O&M link opened in WeChat's browser: (url, html)."""
    url = om_links(runtime, openid)[-1]
    page = open_as(client, url, openid)
    assert page.status_code == 200, page.get_data(as_text=True)
    return url, page.get_data(as_text=True)


def sign(client, url: str, html: str, signature: str | None = None):
    return client.post(url, data={"csrf_token": csrf_token(html), "verdict": "confirm",
                                  "signature": signature_url() if signature is None else signature})


def reject(client, url: str, html: str, reason: str):
    return client.post(url, data={"csrf_token": csrf_token(html), "verdict": "reject", "reason": reason})


def outcome(client, response) -> str:
    return client.get(BASE + response.headers["Location"]).get_data(as_text=True)


def visit_row(runtime) -> OmVisit:
    with runtime.sessions() as s:
        visit = s.scalars(select(OmVisit).where(OmVisit.state != "new")).one()
        for confirmation in visit.confirmations:
            list(confirmation.links)
        list(visit.events)
        return visit


def signature_files(config) -> list[Path]:
    return sorted(Path(config.media_root).glob("om/*/signature_*.png"))


@pytest.fixture
def submitted(demo_world, app, drain, wechat_open) -> int:  # noqa: F811
    """The demo O&M visit done today and submitted: polluter1 has its template message."""
    return awaiting_visit(app, drain)


def at(day_offset: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return clock.at_local(clock.today() + timedelta(days=day_offset), time(hour, minute, second))


# --- the template message and the page ----------------------------------------------------------------------

def test_the_template_message_links_to_the_users_own_om_confirmation_page(submitted, runtime, config):
    message = [m for m in FakeWeChat(runtime.redis).inbox(POLLUTER) if m["kind"] == "template"][-1]
    assert message["template_id"] == config.wechat_om_template_id
    assert "24:00 前核对并签名确认" in message["data"]["keyword5"]["value"]
    url = message["url"]
    assert url.startswith(f"{config.public_base_url}/m/om/confirm/")
    link = visit_row(runtime).confirmations[0].links[0]
    assert url.rsplit("/", 1)[1] not in link.token_hash and len(link.token_hash) == 64
    assert timedelta(hours=71) < link.expires_at - clock.now() <= timedelta(hours=72)


def test_opening_the_link_asks_wechat_who_holds_the_phone_and_comes_back(submitted, runtime, client):
    url = om_links(runtime)[0]
    first = client.get(url)
    assert first.status_code == 302 and "scope=snsapi_base" in first.headers["Location"]
    page = open_as(client, url, POLLUTER)
    assert page.status_code == 200 and "运维记录签名确认" in page.get_data(as_text=True)


def test_the_polluter_sees_the_visit_every_sheet_and_the_photos(submitted, runtime, client):
    url, html = opened(client, runtime)
    for expected in ("示范化工自动监控设施运维", "上海示范化工有限公司", "上海恒运环保设施运维有限公司", "刘洋",
                     "DA001 锅炉废气排放口", "DW001 废水总排口", "烟气连续监测系统 SO2 分析仪", "SCS900-2024-0311",
                     "进场签到", "离场签到", "围栏内", "围栏外", "760 米",
                     "日常巡检记录单", "伴热管线温度</th><td>125 °C", "反吹电磁阀动作迟缓，已清洁",
                     "校准记录单", "标准物质证书编号</th><td>GBW(E)080047", "量程上限（满量程）</th><td>500",
                     "试剂余量</th><td>850 mL", "自动采样器冷藏温度</th><td>3.5 °C",
                     "手写签名", "<canvas", "清除", "确认签名", "退回理由"):
        assert expected in html, expected
    assert html.count("<h2>日常巡检记录单</h2>") == 2 and html.count("<h2>校准记录单</h2>") == 1
    assert "采样泵及过滤器" in html and html.count("采水泵及管路") == 1  # each sheet shows its point's fields
    assert html.count("/photos/") == 10  # five thumbnails, each opening its watermarked copy
    assert "disabled>确认签名" in html  # enabled once something is drawn
    thumb = html.split('<img alt="日常巡检记录单照片" src="')[1].split('"')[0]
    assert thumb.startswith("/m/om/confirm/") and thumb.endswith("/thumb")
    with client.get(BASE + thumb) as photo:
        assert photo.status_code == 200 and photo.mimetype == "image/jpeg"


def test_the_polluter_signs_and_the_signature_is_kept_with_the_confirmation(submitted, runtime, client, config):
    url, html = opened(client, runtime)
    done = sign(client, url, html)
    assert done.status_code == 303 and done.headers["Location"].endswith("/done")
    shown = outcome(client, done)
    assert "您已签名确认该运维记录" in shown and "已签名确认：王工（示范化工）" in shown and "<canvas" not in shown

    visit = visit_row(runtime)
    confirmation = visit.confirmations[0]
    assert visit.state == "confirmed" and confirmation.status == "confirmed" and not confirmation.late
    assert confirmation.links[0].used_at is not None
    with runtime.sessions() as s:
        assert s.get(User, confirmation.decided_by_id).username == "polluter1"
    stored = Path(config.media_root) / confirmation.signature_path
    with Image.open(stored) as image:  # the drawing itself: transparent paper, the strokes in ink
        assert image.format == "PNG" and image.size == (600, 240) and image.mode == "RGBA"
        assert image.getpixel((5, 5))[3] == 0 and image.getbbox() is not None
        assert confirmation.signature_hash == signatures.stroke_hash(image)  # what signature_reused compares
    event = visit.events[-1]
    assert event.action == "approve" and event.detail == {
        "via": "wechat", "confirmation": confirmation.id, "late": False, "signature": confirmation.signature_path}

    src = shown.split('<img class="signature" alt="王工（示范化工）的签名" src="')[1].split('"')[0]
    assert src.startswith("data:image/png;base64,")  # inline: the used link serves no file any more
    assert Image.open(io.BytesIO(base64.b64decode(src.split(",", 1)[1]))).size == (600, 240)
    again = client.get(url)
    assert again.status_code == 410 and "已使用" in again.get_data(as_text=True)


@pytest.mark.parametrize(("signature", "message"), [
    ("", "请先在签名框内手写签名"),
    (signature_url(ink=False), "未识别到有效的手写签名"),
    (signature_url(fill=(0, 0, 0, 255)), "未识别到有效的手写签名"),  # a filled box is no signature
    ("data:image/jpeg;base64,/9j/4AAQ", "签名图片无效"),
    ("data:image/png;base64,bm90IGEgcG5n", "签名图片无效"),  # "not a png"
    ("data:image/png;base64,@@@", "签名图片无效"),
    (png_url(Image.new("RGB", (600, 240), "white"), "JPEG"), "签名图片无效"),  # JPEG bytes labelled PNG
    (signature_url(size=(3000, 1000)), "签名图片尺寸异常"),
    (signature_url(size=(60, 20)), "签名图片尺寸异常"),
    ("data:image/png;base64," + "A" * (signatures.MAX_BYTES * 2), "签名图片过大"),
])
def test_a_signature_that_is_no_signature_is_refused_and_nothing_is_recorded(submitted, runtime, client, config,
                                                                             signature, message):
    url, html = opened(client, runtime)
    refused = sign(client, url, html, signature)
    assert refused.status_code == 400 and message in refused.get_data(as_text=True)
    visit = visit_row(runtime)
    assert visit.state == "awaiting_confirmation" and visit.confirmations[0].status == "pending"
    assert visit.confirmations[0].links[0].used_at is None and not signature_files(config)
    assert sign(client, url, html).status_code == 303  # the link still works
    assert visit_row(runtime).state == "confirmed"


def test_a_signature_of_too_many_bytes_is_refused_before_it_is_decoded():
    noisy = Image.effect_noise((1500, 1500), 100).convert("RGBA")
    with pytest.raises(signatures.SignatureProblem) as problem:
        signatures.read(png_url(noisy))
    assert problem.value.code == "too_big"


def test_the_signature_is_judged_on_paper_and_needs_ink():
    assert signatures.read(signature_url()).size == (600, 240)
    dot = Image.new("RGBA", (600, 240))
    dot.putpixel((10, 10), (0, 0, 0, 255))
    with pytest.raises(signatures.SignatureProblem) as problem:
        signatures.read(png_url(dot))
    assert problem.value.code == "blank"


def test_a_rejection_needs_a_reason_then_goes_back_to_the_agency(submitted, runtime, client, config):
    url, html = opened(client, runtime)
    refused = reject(client, url, html, "  ")
    assert refused.status_code == 400 and "请填写退回理由" in refused.get_data(as_text=True)
    assert visit_row(runtime).state == "awaiting_confirmation"
    done = reject(client, url, html, "校准记录单量程校准后读数有误")
    assert done.status_code == 303
    shown = outcome(client, done)
    assert "已退回该运维记录" in shown and "退回理由：校准记录单量程校准后读数有误" in shown
    visit = visit_row(runtime)
    confirmation = visit.confirmations[0]
    assert visit.state == "rejected" and confirmation.status == "rejected"
    assert confirmation.reason == "校准记录单量程校准后读数有误" and confirmation.signature_path is None
    assert visit.events[-1].action == "reject" and visit.events[-1].detail["reason"] == confirmation.reason
    assert not signature_files(config)


# --- one decision per round ---------------------------------------------------------------------------------

def test_signing_twice_has_one_effect(submitted, runtime, client, config):
    url, html = opened(client, runtime)
    first, second = sign(client, url, html), sign(client, url, html)
    assert first.status_code == second.status_code == 303
    late_reject = reject(client, url, html, "改主意了")
    assert late_reject.status_code == 303 and "已签名确认" in outcome(client, late_reject)
    visit = visit_row(runtime)
    assert visit.state == "confirmed" and len(visit.confirmations) == 1
    assert [e.action for e in visit.events] == ["approve"]
    assert len(signature_files(config)) == 1


def test_two_decisions_read_at_the_same_moment_only_the_first_counts(submitted, runtime, config):
    add_colleague(runtime)
    with UnitOfWork(runtime) as first, UnitOfWork(runtime) as second:
        stale = second.session.scalars(select(OmConfirmation)).one()
        colleague = second.session.scalars(select(User).where(User.username == "polluter1b")).one()
        assert stale.visit.state == "awaiting_confirmation"
        second.session.commit()  # the colleague's page was rendered; its rows stay in memory
        current = first.session.scalars(select(OmConfirmation)).one()
        polluter1 = first.session.scalars(select(User).where(User.username == "polluter1")).one()
        assert om_confirmations.confirm(first, current, polluter1, signature_url())
        first.commit()
        assert not om_confirmations.confirm(second, stale, colleague, signature_url())
        assert not om_confirmations.reject(second, stale, colleague, "不同意")
        second.commit()
    visit = visit_row(runtime)
    assert visit.state == "confirmed" and visit.confirmations[0].decided_by_id == polluter1.id
    assert [e.action for e in visit.events] == ["approve"]
    assert [p.name for p in signature_files(config)] == [Path(visit.confirmations[0].signature_path).name]


def test_a_colleagues_link_after_the_signature_shows_the_outcome(demo_world, runtime, app, client, drain,
                                                                 wechat_open):  # noqa: F811
    add_colleague(runtime)
    awaiting_visit(app, drain)
    url, html = opened(client, runtime)
    sign(client, url, html)
    colleague = app.test_client()
    other = om_links(runtime, "o_polluter1b")[-1]
    page = open_as(colleague, other, "o_polluter1b")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "已签名确认：王工（示范化工）" in text and "<canvas" not in text
    token = csrf_token(colleague.get(BASE + "/login").get_data(as_text=True))
    replay = colleague.post(other, data={"csrf_token": token, "verdict": "reject", "reason": "不同意"})
    assert replay.status_code == 303
    visit = visit_row(runtime)
    assert visit.state == "confirmed" and [e.action for e in visit.events] == ["approve"]


def test_only_a_user_of_the_visits_polluter_decides(submitted, runtime):
    add_user(runtime, "stranger", Role.POLLUTER_CONFIRMER)
    with UnitOfWork(runtime) as uow:
        round_ = uow.session.scalars(select(OmConfirmation)).one()
        for username in ("stranger", "omcrew1", "regulator1"):
            someone = uow.session.scalars(select(User).where(User.username == username)).one()
            with pytest.raises(ConfirmationProblem) as problem:
                om_confirmations.confirm(uow, round_, someone, signature_url())
            assert problem.value.code == "not_yours"
    assert visit_row(runtime).state == "awaiting_confirmation"


# --- same day: 24:00 of the visit day ------------------------------------------------------------------------

@pytest.mark.parametrize(("moment", "late"), [(at(0, 23, 59, 59), False), (at(1, 0, 0, 1), True)])
def test_a_signature_after_midnight_of_the_visit_day_is_late(submitted, runtime, client, monkeypatch, moment,
                                                               late):
    url, html = opened(client, runtime)
    monkeypatch.setattr(clock, "now", lambda: moment)
    shown = outcome(client, sign(client, url, html))
    visit = visit_row(runtime)
    confirmation = visit.confirmations[0]
    assert visit.state == "confirmed" and confirmation.late is late
    assert confirmation.decided_at == moment and visit.events[-1].detail["late"] is late
    assert ("逾期确认" in shown) is late


def test_the_visit_day_is_the_day_of_the_arrival_check_in(demo_world, app, runtime, drain, wechat_open):  # noqa: F811
    awaiting_visit(app, drain, day=clock.today() - timedelta(days=1), arrival=time(22, 30))
    with runtime.sessions() as s:
        visit = s.scalars(select(OmVisit).where(OmVisit.state != "new")).one()
        assert visit.due_on == clock.today()  # due today, but the crew was there yesterday evening
        assert om_confirmations.visit_day(s, visit) == clock.today() - timedelta(days=1)
        assert om_confirmations.is_late(s, visit, at(0, 0, 0, 0))
        assert not om_confirmations.is_late(s, visit, at(-1, 23, 59, 59))


def test_a_round_still_pending_after_midnight_is_shown_overdue(submitted, runtime, client, monkeypatch):
    url, html = opened(client, runtime)
    assert "请于 " in html and "24:00 前签名确认" in html and "逾期未确认" not in html
    next_morning = at(1, 8, 0)
    monkeypatch.setattr(clock, "now", lambda: next_morning)
    page = client.get(url).get_data(as_text=True)
    assert "逾期未确认" in page and "现在确认将被标记为“逾期确认”" in page
    with UnitOfWork(runtime) as uow:
        reply = om_polluter.awaiting(Turn(uow=uow, message=None, session={}, openid=POLLUTER, key=None))
    assert "｜逾期未确认" in reply


# --- the links ----------------------------------------------------------------------------------------------

def test_an_expired_link_is_refused_and_the_chat_gives_a_fresh_one(submitted, runtime, client):
    url, html = opened(client, runtime)
    with runtime.sessions() as s:
        s.scalars(select(ConfirmationLink)).one().expires_at = clock.now() - timedelta(minutes=1)
        s.commit()
    page = client.get(url)
    assert page.status_code == 410 and "已过期" in page.get_data(as_text=True)
    assert "污染源运维" in page.get_data(as_text=True)
    assert sign(client, url, html).status_code == 410
    assert visit_row(runtime).state == "awaiting_confirmation"

    with UnitOfWork(runtime) as uow:
        reply = om_polluter.awaiting(Turn(uow=uow, message=None, session={}, openid=POLLUTER, key=None))
        uow.commit()
    assert reply.startswith("待您签名确认的运维记录")
    assert "1. 示范化工自动监控设施运维｜" in reply and "运维人员：刘洋" in reply and "逾期未确认" not in reply
    fresh = reply.rsplit("\n", 1)[1]
    assert fresh.startswith(f"{BASE}/m/om/confirm/") and fresh != url
    page = open_as(client, fresh, POLLUTER)
    assert page.status_code == 200
    assert sign(client, fresh, page.get_data(as_text=True)).status_code == 303
    assert visit_row(runtime).state == "confirmed"


def test_the_chat_list_is_empty_when_nothing_waits(demo_world, runtime):
    with UnitOfWork(runtime) as uow:
        reply = om_polluter.awaiting(Turn(uow=uow, message=None, session={}, openid=POLLUTER, key=None))
    assert reply == "目前没有待您签名确认的运维记录。"


def test_a_link_opened_by_another_wechat_user_is_not_found(submitted, runtime, client):
    add_colleague(runtime)
    url = om_links(runtime)[-1]
    page = open_as(client, url, "o_polluter1b")
    assert page.status_code == 404 and "无法查看或确认该运维记录" in page.get_data(as_text=True)
    token = csrf_token(client.get(BASE + "/login").get_data(as_text=True))
    assert client.post(url, data={"csrf_token": token, "verdict": "confirm", "signature": signature_url()}
                       ).status_code == 404
    stranger = open_as(client, url, "o_stranger")
    assert stranger.status_code == 404
    assert visit_row(runtime).state == "awaiting_confirmation"


def test_photos_and_signatures_are_served_to_the_verified_holder_only(submitted, runtime, app, client):
    url, html = opened(client, runtime)
    path = BASE + html.split('<a href="')[1].split('"')[0]
    assert path.endswith("/watermarked") and "/m/om/confirm/" in path
    with client.get(path.replace("/watermarked", "/original")) as original:
        assert original.status_code == 404
    with app.test_client().get(path) as stranger:
        assert stranger.status_code == 404
    with UnitOfWork(runtime) as uow:  # signed on the desktop: the link stays alive and shows the signature
        round_ = uow.session.scalars(select(OmConfirmation)).one()
        polluter1 = uow.session.scalar(select(User).where(User.username == "polluter1"))
        assert om_confirmations.confirm(uow, round_, polluter1, signature_url())
        uow.commit()
    shown = client.get(url).get_data(as_text=True)
    src = BASE + shown.split('<img class="signature"')[1].split('src="')[1].split('"')[0]
    with client.get(src) as holder:
        assert holder.status_code == 200 and holder.mimetype == "image/png"
    with app.test_client().get(src) as stranger:
        assert stranger.status_code == 404


def test_a_trip_link_and_an_om_link_each_open_only_their_own_page(submitted, runtime, client):
    url = om_links(runtime)[-1]
    token = url.rsplit("/", 1)[1]
    on_trip_page = open_as(client, f"{BASE}/m/confirm/{token}", POLLUTER)
    assert on_trip_page.status_code == 404 and "链接无效" in on_trip_page.get_data(as_text=True)
    made_up = open_as(client, url[:-4] + ("aaaa" if not url.endswith("aaaa") else "bbbb"), POLLUTER)
    assert made_up.status_code == 404


# --- the agency resubmits a rejected visit --------------------------------------------------------------------

def test_the_agency_resubmits_a_rejected_visit_with_new_links(submitted, app, runtime, client, drain):
    old, html = opened(client, runtime)
    reject(client, old, html, "日常巡检记录单站房温度有误")
    with app.app_context(), UnitOfWork(runtime) as uow:
        visit = uow.session.scalars(select(OmVisit).where(OmVisit.state == "rejected")).one()
        for username in ("agency1", "polluter1"):  # another agency's admin; the polluter
            someone = uow.session.scalars(select(User).where(User.username == username)).one()
            with pytest.raises(ConfirmationProblem) as problem:
                om_confirmations.resubmit(uow, visit, someone)
            assert problem.value.code == "not_yours"
        om1 = uow.session.scalars(select(User).where(User.username == "om1")).one()
        messages = om_confirmations.resubmit(uow, visit, om1, "已按排污单位意见更正站房温度")
        assert len(messages) == 1
        uow.commit()
        with pytest.raises(ConfirmationProblem) as problem:
            om_confirmations.resubmit(uow, visit, om1)
        assert problem.value.code == "not_rejected"
    drain()

    visit = visit_row(runtime)
    assert visit.state == "awaiting_confirmation" and [c.status for c in visit.confirmations] == ["rejected", "pending"]
    assert [e.action for e in visit.events] == ["reject", "resubmit"]
    assert visit.events[-1].detail == {"note": "已按排污单位意见更正站房温度"}
    message = FakeWeChat(runtime.redis).inbox(POLLUTER)[-1]
    assert "重新提交" in message["data"]["keyword5"]["value"]
    urls = om_links(runtime)
    assert len(urls) == 2 and urls[0] == old
    stale = client.get(old)
    assert stale.status_code == 410 and "运维机构已更正并重新提交" in stale.get_data(as_text=True)
    url, html = opened(client, runtime)
    assert "已退回" in html and "日常巡检记录单站房温度有误" in html  # the earlier round stays on record
    assert sign(client, url, html).status_code == 303
    assert visit_row(runtime).state == "confirmed"


def test_the_events_of_a_visit_are_append_only(submitted, runtime, client):
    url, html = opened(client, runtime)
    sign(client, url, html)
    with runtime.sessions() as s:
        event = s.scalars(select(OmVisitEvent)).one()
        event.detail = {"forged": True}
        with pytest.raises(ValueError, match="append-only"):
            s.flush()



# --- 业务管理 → 污染源运维 on the polluter's desktop ---------------------------------------------------------------

def test_the_polluter_lists_and_signs_om_visits_on_its_desktop(submitted, runtime, login, monkeypatch):
    desk = login("polluter1")
    home = desk.get("/polluter/").get_data(as_text=True)
    assert 'href="/polluter/om/">污染源运维' in home
    listing = desk.get("/polluter/om/").get_data(as_text=True)
    assert "示范化工自动监控设施运维" in listing and "上海恒运环保设施运维有限公司" in listing
    assert f'href="/polluter/om/{submitted}">查看并签名' in listing and "逾期未确认" not in listing

    next_morning = at(1, 8, 0)
    monkeypatch.setattr(clock, "now", lambda: next_morning)
    assert "逾期未确认" in desk.get("/polluter/om/").get_data(as_text=True)
    page = desk.get(f"/polluter/om/{submitted}").get_data(as_text=True)
    assert "<canvas" in page and "日常巡检记录单" in page and "逾期未确认" in page
    assert f"/polluter/om/{submitted}/photos/" in page
    blank = desk.post(f"/polluter/om/{submitted}", data={"csrf_token": csrf_token(page), "verdict": "confirm",
                                                         "signature": signature_url(ink=False)})
    assert blank.status_code == 400 and "未识别到有效的手写签名" in blank.get_data(as_text=True)
    signed = desk.post(f"/polluter/om/{submitted}", data={"csrf_token": csrf_token(page), "verdict": "confirm",
                                                          "signature": signature_url()})
    assert signed.status_code == 303
    shown = desk.get(f"/polluter/om/{submitted}").get_data(as_text=True)
    assert "已签名确认：王工（示范化工）" in shown and "逾期确认" in shown and "<canvas" not in shown
    src = shown.split('<img class="signature"')[1].split('src="')[1].split('"')[0]
    assert src == f"/polluter/om/{submitted}/signatures/1"
    with desk.get(src) as picture:
        assert picture.status_code == 200 and picture.mimetype == "image/png"
    visit = visit_row(runtime)
    assert visit.state == "confirmed" and visit.confirmations[0].late
    assert visit.events[-1].detail["via"] == "web"
    listing = desk.get("/polluter/om/").get_data(as_text=True)
    assert "目前没有待签名确认的运维记录" in listing and "逾期确认" in listing


def test_another_polluters_user_finds_no_om_visit(submitted, runtime, login):
    with runtime.sessions() as s:  # a confirmer of the other demo polluter
        polluter_id = s.scalars(select(Polluter.id).where(Polluter.name == "上海自测示范电镀有限公司")).one()
    add_user(runtime, "polluter9", Role.POLLUTER_CONFIRMER, polluter_id=polluter_id)
    desk = login("polluter9")
    assert "目前没有待签名确认的运维记录" in desk.get("/polluter/om/").get_data(as_text=True)
    assert desk.get(f"/polluter/om/{submitted}").status_code == 404
    assert desk.get(f"/polluter/om/{submitted}/photos/1/thumb").status_code == 404


def test_the_om_agency_sees_the_unsigned_visit_and_resubmits_it_from_its_visits_list(submitted, runtime, app, client,
                                                                                    login, drain, monkeypatch):
    desk = login("om1")
    listing = desk.get("/om/tasks?show=all").get_data(as_text=True)
    # the state's one label, beside the visit machine (states/om_visit.py)
    assert "待排污单位签名确认" in listing and "逾期未确认" not in listing and "重新提交排污单位确认" not in listing
    next_morning = at(1, 8, 0)
    monkeypatch.setattr(clock, "now", lambda: next_morning)
    assert "逾期未确认" in desk.get("/om/tasks?show=all").get_data(as_text=True)
    monkeypatch.undo()

    url, html = opened(client, runtime)
    reject(client, url, html, "站房温度有误")
    listing = desk.get("/om/tasks?show=all").get_data(as_text=True)
    action = f'action="/om/visits/{submitted}/resubmit?show=all"'
    assert "排污单位已退回" in listing and action in listing and "重新提交排污单位确认" in listing

    done = desk.post(f"/om/visits/{submitted}/resubmit?show=all", data={"csrf_token": csrf_token(listing)})
    assert done.status_code == 303 and done.headers["Location"].endswith("/om/tasks?show=all")
    drain()
    assert "已重新提交排污单位签名确认" in desk.get("/om/tasks?show=all").get_data(as_text=True)
    visit = visit_row(runtime)
    assert visit.state == "awaiting_confirmation" and len(visit.confirmations) == 2
    assert len(om_links(runtime)) == 2
    again = desk.post(f"/om/visits/{submitted}/resubmit", data={"csrf_token": csrf_token(listing)})
    assert again.status_code == 303 and len(visit_row(runtime).confirmations) == 2
    assert "无需重新提交" in desk.get("/om/tasks?show=all").get_data(as_text=True)

    other = app.test_client()
    token = csrf_token(other.get("/login").get_data(as_text=True))
    other.post("/login", data={"username": "agency1", "password": demo.PASSWORD, "csrf_token": token})
    assert other.post(f"/om/visits/{submitted}/resubmit", data={"csrf_token": token}).status_code == 404


def test_the_daily_run_marks_a_round_left_unsigned_after_midnight_late(demo_world, app, drain, runtime,
                                                                        wechat_open):  # noqa: F811
    visit_id = awaiting_visit(app, drain, day=clock.today() - timedelta(days=1))
    with UnitOfWork(runtime) as uow:
        deadline = om_confirmations.deadline(uow.session, uow.session.get(OmVisit, visit_id))
        assert om_confirmations.mark_late(uow.session, deadline - timedelta(seconds=1)) == 0
        assert om_confirmations.mark_late(uow.session, deadline) == 1
        uow.commit()
    with UnitOfWork(runtime) as uow:
        confirmation = uow.session.scalars(select(OmConfirmation)).one()
        assert confirmation.late and confirmation.status == "pending"
        assert om_confirmations.mark_late(uow.session, deadline) == 0  # marked once


def test_the_polluter_sees_the_qc_warnings_of_what_it_signs_above_the_pad(submitted, runtime, client):
    from models import QcFinding

    with runtime.sessions() as s:
        visit = s.get(OmVisit, submitted)
        s.add(QcFinding(visit_id=visit.id, agency_id=visit.plan.agency_id, rule="zero_drift", severity="warning",
                        clause="HJ 75-2017 表 1", message="SO2 零点漂移 3.1%，超过 ±2.5% 的限值"))
        s.commit()
    _url, html = opened(client, runtime)
    assert "系统质控发现以下问题，请核实后再签名" in html
    assert html.index("SO2 零点漂移 3.1%，超过 ±2.5% 的限值") < html.index("<canvas")
