"""运维记录单 on the phone: a crew member opens a sheet from the link in chat (WeChat OAuth), finds what they
already answered in chat, types the rest, and keeps whatever was valid when something was not; once the visit
is submitted the sheet is read-only, and nobody but the plan's crew can open it."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from models import OmSheet, OmVisitEvent, Role, User, WechatBinding
from services.core import links
from services.dev import demo
from tests.conftest import BASE, csrf_token
from tests.support.om_records import CREW_OPENID, WATER_DAILY_IN_CHAT, bind_crew, recorded_visit


@pytest.fixture
def wechat_open(config):
    """WeChat's OAuth pages, served by the local stand-in."""
    config.wechat_open_base = f"{BASE}/fake-wechat/open/"


@pytest.fixture
def filling(demo_world, runtime, config, wechat_open):
    """The crew is on site, the water point's daily sheet half answered in chat."""
    bind_crew(runtime)
    return recorded_visit(runtime, config.media_root, submitted=False)


def open_as(client, url: str, openid: str):
    """Open the link in WeChat's browser as `openid` (the fake OAuth reads the simulator's cookie)."""
    client.set_cookie("emss_sim_openid", openid, domain="emss.test")
    return client.get(url, follow_redirects=True)


def sheet_url(sheet_id: int) -> str:
    """The link chat sends (services.om.om_visits.sheet_url)."""
    return links.url(BASE, "om_sheet", sheet_id)


def answers(runtime, sheet_id: int) -> dict:
    with runtime.sessions() as s:
        return dict(s.get(OmSheet, sheet_id).answers)


def post(client, sheet_id: int, page_html: str, **fields):
    data = {"csrf_token": csrf_token(page_html), **{f"f_{name}": value for name, value in fields.items()}}
    return client.post(sheet_url(sheet_id), data=data)


def test_the_link_asks_wechat_who_holds_the_phone(filling, client):
    first = client.get(sheet_url(filling.water_daily))
    assert first.status_code == 302
    assert first.headers["Location"].startswith(
        f"{BASE}/fake-wechat/open/connect/oauth2/authorize?appid=wx0000000000emss"
        "&redirect_uri=http%3A%2F%2Femss.test%2Fm%2Fom%2Foauth&response_type=code&scope=snsapi_base&state=")


def test_the_crew_finds_what_they_answered_in_chat(filling, client):
    page = open_as(client, sheet_url(filling.water_daily), CREW_OPENID)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "日常巡检记录单" in html and "DW001" in html and "化学需氧量在线分析仪" in html
    assert 'name="f_reagent_left" type="text" inputmode="decimal" value="800"' in html
    assert '<option value="正常" selected>' in html  # the pump and pre-treatment answered 正常 in chat
    assert "f_heat_trace_temp" not in html  # a wastewater point: no flue-gas fields
    assert "尚有" in html and "试剂有效期至" in html  # what is still to fill in


def test_the_calibration_sheet_comes_prefilled_from_the_instrument_register(filling, client):
    html = open_as(client, sheet_url(filling.calibration), CREW_OPENID).get_data(as_text=True)
    assert 'value="非分散红外"' in html and 'name="f_range_high" type="text" inputmode="decimal" value="500"' in html
    assert 'value="二氧化硫标准气体"' in html  # and the chat answers over it


def test_the_page_hints_in_web_words_not_in_chat_words(filling, client):
    html = open_as(client, sheet_url(filling.calibration), CREW_OPENID).get_data(as_text=True)
    assert "没有证书时填“无”" in html
    assert "请回复“无”" not in html and "回复“跳过”" not in html  # how the chat asks, not a web form


def test_saving_keeps_the_valid_answers_and_names_the_wrong_ones(filling, runtime, client):
    html = open_as(client, sheet_url(filling.water_daily), CREW_OPENID).get_data(as_text=True)
    response = post(client, filling.water_daily, html, sampling_pump="正常", pretreatment="异常",
                    reagent_left="很多", reagent_prepared="2026-13-40", waste_liquid="正常",
                    sampler_fridge_temp="4", shelter_temp="22", hygiene="正常", abnormality="")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "有效内容已保存（5 项）" in page
    assert "请输入 0～100000 之间的数字（单位：mL）" in page and "请输入日期" in page
    assert 'value="很多"' in page  # what was typed stays in the box to correct
    saved = answers(runtime, filling.water_daily)
    assert saved == {**WATER_DAILY_IN_CHAT, "pretreatment": "异常", "waste_liquid": "正常", "sampler_fridge_temp": 4,
                     "shelter_temp": 22, "hygiene": "正常"}
    # the wrong reagent volume did not wipe the chat's answer; untouched optional fields stay for chat to ask
    assert saved["reagent_left"] == 800 and "abnormality" not in saved and "reagent_prepared" not in saved
    with runtime.sessions() as s:
        sheet = s.get(OmSheet, filling.water_daily)
        assert sheet.confirmed_at is None  # the crew confirms the summary back in chat
        event = s.scalars(select(OmVisitEvent).where(OmVisitEvent.action == "sheet_saved_web")).one()
        assert event.detail == {"sheet": filling.water_daily,
                                "fields": ["pretreatment", "waste_liquid", "sampler_fridge_temp", "hygiene",
                                           "shelter_temp"]}
        assert event.actor_id == s.scalar(select(User.id).where(User.username == "omcrew1"))


def test_a_valid_save_sends_the_crew_back_to_chat(filling, runtime, client):
    html = open_as(client, sheet_url(filling.water_daily), CREW_OPENID).get_data(as_text=True)
    response = post(client, filling.water_daily, html, reagent_left="650 mL", reagent_expiry="2027-01-31",
                    data_consistent="一致", remarks="更换试剂")
    assert response.status_code == 303
    after = client.get(BASE + response.headers["Location"]).get_data(as_text=True)
    assert "已保存 4 项" in after and "回到微信对话" in after
    saved = answers(runtime, filling.water_daily)
    assert saved["reagent_left"] == 650 and saved["reagent_expiry"] == "2027-01-31" and saved["remarks"] == "更换试剂"
    assert saved["sampling_pump"] == "正常"


def test_after_submission_the_sheet_is_read_only(demo_world, runtime, config, wechat_open, client):
    bind_crew(runtime)
    submitted = recorded_visit(runtime, config.media_root, submitted=True, signed=False)
    page = open_as(client, sheet_url(submitted.water_daily), CREW_OPENID)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "该运维记录已提交排污单位确认，记录单不能再修改。" in html and "<form" not in html
    assert "试剂余量（mL）" in html and "800" in html  # still readable
    before = answers(runtime, submitted.water_daily)
    refused = client.post(sheet_url(submitted.water_daily),
                          data={"csrf_token": csrf_token(_any_form(client)), "f_reagent_left": "1"})
    assert refused.status_code == 409 and "不能再修改" in refused.get_data(as_text=True)
    assert answers(runtime, submitted.water_daily) == before


def test_a_cancelled_visits_sheet_is_read_only_too(filling, runtime, client):
    with runtime.sessions() as s:
        s.get(OmSheet, filling.water_daily).visit.state = "cancelled"
        s.commit()
    html = open_as(client, sheet_url(filling.water_daily), CREW_OPENID).get_data(as_text=True)
    assert "该运维记录已取消，记录单不能再修改。" in html and "<form" not in html


def _any_form(client) -> str:
    """A page with a form of this browser session, for its CSRF token (the read-only page has none)."""
    return client.get(f"{BASE}/login").get_data(as_text=True)


@pytest.mark.parametrize("openid", [demo.POLLUTER_OPENID, "o_stranger"])
def test_only_the_plans_crew_may_open_it(filling, client, openid):
    refused = open_as(client, sheet_url(filling.water_daily), openid)
    assert refused.status_code == 404
    assert "未绑定此运维计划的运维人员账号" in refused.get_data(as_text=True)


def test_a_crew_member_of_another_plan_is_refused(filling, runtime, client):
    with runtime.sessions() as s:
        agency_id = s.scalar(select(User.agency_id).where(User.username == "omcrew1"))
        other = User(username="omcrew2", display_name="王磊", role=Role.OM_CREW, agency_id=agency_id,
                     password_hash=demo._demo_hash())
        s.add_all([other, WechatBinding(openid="o_omcrew2", user=other)])
        s.commit()
    assert open_as(client, sheet_url(filling.water_daily), "o_omcrew2").status_code == 404


def test_a_forged_oauth_return_is_refused(filling, client):
    client.get(sheet_url(filling.water_daily))
    assert client.get(f"{BASE}/m/om/oauth?code=abc&state=forged").status_code == 400


def test_an_unknown_sheet_is_not_found(filling, client):
    assert client.get(sheet_url(9999)).status_code == 404


def test_once_the_page_completes_the_sheet_the_chat_moves_on_and_says_so(filling, runtime, client, drain):
    from bot.standin.store import FakeWeChat
    from models import OmVisit
    from services.dev.scenario_work import sheet_answers
    from services.om.om_records import CHAT_MOVED_ON
    from states.om_sheets import SHEETS

    with runtime.sessions() as s:
        sheet = s.get(OmSheet, filling.water_daily)
        title, before = SHEETS[sheet.form].title, s.get(OmVisit, sheet.visit_id).state
        whole = sheet_answers(sheet.form, sheet.instrument, dict(sheet.answers))  # the rest, as a crew would
    html = open_as(client, sheet_url(filling.water_daily), CREW_OPENID).get_data(as_text=True)
    assert post(client, filling.water_daily, html, **{k: "无" if v is None else v for k, v in whole.items()}) \
        .status_code == 303
    drain()  # the customer-service message goes out in a job (RQ on PostgreSQL + Redis)
    with runtime.sessions() as s:
        after = s.get(OmVisit, s.get(OmSheet, filling.water_daily).visit_id).state
    told = [m["content"] for m in FakeWeChat(runtime.redis).inbox(CREW_OPENID) if m["kind"] == "text"]
    assert (before, after) == ("sheet_form", "sheet_confirm")
    assert told == [CHAT_MOVED_ON.format(sheet=title)]
