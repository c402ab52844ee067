"""Who may open what around the polluter's confirmation: the phone pages, the photos, the agency's correction
and the polluter's desktop pages all answer 404 to every other tenant."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.standin.store import FakeWeChat
from models import Agency, Photo, Polluter, Role, SamplingTrip, User, WechatBinding
from services.dev import demo
from tests.conftest import BASE, csrf_token
from tests.e2e import trip_script as script

# other tenants, each bound to WeChat: (username, OpenID)
STRANGERS = [
    ("agency2", "o_agency2"),  # another agency in the same district
    ("zc_admin", "o_zc_admin"),  # the self-monitoring agency's admin
    ("selfmon1", "o_selfmon1"),  # the self-monitoring agency's sampler
    ("zc_confirmer", "o_zc_confirmer"),  # another polluter's confirmer
    ("regulator_sj", "o_regulator_sj"),  # a regulator of another district
]


@pytest.fixture
def world(demo_world, runtime, phone, config):
    """The demo trip submitted to the polluter, and the strangers' accounts and WeChat bindings."""
    config.wechat_open_base = f"{BASE}/fake-wechat/open/"
    with runtime.sessions() as s:
        own = s.scalars(select(Agency).where(Agency.code == "ZC")).one()
        own_site = s.scalars(select(Polluter).where(Polluter.own_agency_id == own.id)).one()
        for username, role, links in (("zc_admin", Role.AGENCY_ADMIN, {"agency": own}),
                                      ("zc_confirmer", Role.POLLUTER_CONFIRMER, {"polluter": own_site}),
                                      ("regulator_sj", Role.REGULATOR, {"district": "松江区"})):
            s.add(User(username=username, display_name=username, role=role, password_hash=demo._demo_hash(),
                       **links))
        s.flush()
        for username, openid in STRANGERS:
            s.add(WechatBinding(openid=openid, user=s.scalars(select(User).where(User.username == username)).one()))
        s.commit()
    assert "已提交" in script.whole_trip(phone("o_sampler1"))
    with runtime.sessions() as s:
        trip = s.scalars(select(SamplingTrip)).one()
        photo = s.scalars(select(Photo).where(Photo.trip_id == trip.id).order_by(Photo.id)).first()
        polluter1 = s.scalars(select(User).where(User.username == "polluter1")).one()
        url = [m["url"] for m in FakeWeChat(runtime.redis).inbox(demo.POLLUTER_OPENID) if m["kind"] == "template"][-1]
        return {"trip": trip.id, "photo": photo.id, "polluter1": polluter1.id, "url": url}


def signed_in(app, username: str):
    """A browser of `username`, signed in on the desktop."""
    browser = app.test_client()
    token = csrf_token(browser.get(BASE + "/login").get_data(as_text=True))
    answer = browser.post(BASE + "/login", data={"username": username, "password": demo.PASSWORD,
                                                 "csrf_token": token})
    assert answer.status_code == 302
    return browser


def token_of(browser) -> str:
    return csrf_token(browser.get(BASE + "/login").get_data(as_text=True))


@pytest.mark.parametrize("username,openid", STRANGERS)
def test_the_polluters_link_photos_and_decision_are_not_found_for_other_tenants(world, app, runtime, username,
                                                                               openid):
    browser = signed_in(app, username)
    browser.set_cookie("emss_sim_openid", openid, domain="emss.test")
    page = browser.get(world["url"], follow_redirects=True)
    assert page.status_code == 404
    for path in (f"{world['url']}/done", f"{world['url']}/photos/{world['photo']}/thumb",
                 f"{world['url']}/photos/{world['photo']}/watermarked"):
        with browser.get(path) as answer:
            assert answer.status_code == 404, path
    decision = browser.post(world["url"], data={"csrf_token": token_of(browser), "verdict": "confirm"})
    assert decision.status_code == 404
    with runtime.sessions() as s:
        assert s.get(SamplingTrip, world["trip"]).state == "awaiting_confirmation"


def test_the_link_holder_gets_the_pages_the_strangers_do_not(world, app):
    holder = app.test_client()
    holder.set_cookie("emss_sim_openid", demo.POLLUTER_OPENID, domain="emss.test")
    assert holder.get(world["url"], follow_redirects=True).status_code == 200
    with holder.get(f"{world['url']}/photos/{world['photo']}/thumb") as thumb:
        assert thumb.status_code == 200
    assert holder.get(f"{world['url']}/done").status_code == 200


def rejected(app, world) -> None:
    polluter = signed_in(app, "polluter1")
    page = polluter.get(f"{BASE}/polluter/trips/{world['trip']}").get_data(as_text=True)
    answer = polluter.post(f"{BASE}/polluter/trips/{world['trip']}",
                           data={"csrf_token": csrf_token(page), "verdict": "reject", "reason": "工况有误"})
    assert answer.status_code == 303


@pytest.mark.parametrize("username", ["agency2", "zc_admin", "selfmon1", "sampler1", "zc_confirmer", "polluter1",
                                      "regulator1", "regulator_sj", "admin1"])
def test_only_the_trips_agency_admin_corrects_and_resubmits(world, app, runtime, username):
    rejected(app, world)
    browser = signed_in(app, username)
    assert browser.get(f"{BASE}/agency/trips/{world['trip']}/correct").status_code == 404
    token = token_of(browser)
    assert browser.post(f"{BASE}/agency/trips/{world['trip']}/correct",
                        data={"csrf_token": token, "note": "x", "f_production_load": "1"}).status_code == 404
    assert browser.post(f"{BASE}/agency/trips/{world['trip']}/resubmit",
                        data={"csrf_token": token}).status_code == 404
    with runtime.sessions() as s:
        assert s.get(SamplingTrip, world["trip"]).state == "rejected"
    agency1 = signed_in(app, "agency1")
    assert agency1.get(f"{BASE}/agency/trips/{world['trip']}/correct").status_code == 200


@pytest.mark.parametrize("username", ["zc_confirmer", "agency1", "agency2", "sampler1", "regulator1", "admin1"])
def test_the_polluters_desktop_pages_are_not_found_for_others(world, app, runtime, username):
    browser = signed_in(app, username)
    trip, photo = world["trip"], world["photo"]
    for path in (f"/polluter/trips/{trip}", f"/polluter/trips/{trip}/photos/{photo}/thumb"):
        with browser.get(BASE + path) as answer:
            assert answer.status_code == 404, path
    token = token_of(browser)
    assert browser.post(f"{BASE}/polluter/trips/{trip}",
                        data={"csrf_token": token, "verdict": "confirm"}).status_code == 404
    assert browser.post(f"{BASE}/polluter/account/users/{world['polluter1']}/unbind",
                        data={"csrf_token": token}).status_code == 404
    home = browser.get(BASE + "/polluter/")
    if username == "zc_confirmer":  # its own (empty) list: nothing of the other polluter
        assert home.status_code == 200 and "示范化工" not in home.get_data(as_text=True)
        assert "polluter1" not in browser.get(BASE + "/polluter/account").get_data(as_text=True)
    else:
        assert home.status_code == 404 and browser.get(BASE + "/polluter/account").status_code == 404
    with runtime.sessions() as s:
        assert s.get(SamplingTrip, trip).state == "awaiting_confirmation"
        assert s.scalar(select(WechatBinding).where(WechatBinding.openid == demo.POLLUTER_OPENID)) is not None
