"""Crew presence (到场确认): the second sampler on today's demo visit confirms, from their own WeChat, that they are on
site; the leader's chat goes on as before."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.standin.store import FakeWeChat
from models import CheckIn, Finding, OmPlan, Photo, Role, SamplingTrip, TripEvent, User, Visit, WechatBinding, clock
from services.adapters import media
from tests.e2e import om_script
from tests.e2e import trip_script as script
from tests.support.images import jpeg

LEADER, COLLEAGUE = "o_sampler1", "o_sampler2"


@pytest.fixture
def two_crew(demo_world, runtime):
    """sampler2 (李娜) named on today's demo visit with sampler1 (张伟)."""
    with runtime.sessions() as s:
        people = {u.username: u for u in s.scalars(select(User).where(User.username.in_(["sampler1", "sampler2"])))}
        visit = s.scalars(select(Visit).where(Visit.day == clock.today(),
                                              Visit.samplers.contains(people["sampler1"]))).one()
        visit.samplers.append(people["sampler2"])
        s.commit()


def _presence(runtime) -> list[CheckIn]:
    with runtime.sessions() as s:
        return list(s.scalars(select(CheckIn).where(CheckIn.kind == "presence").order_by(CheckIn.id)))


def _started(phone):
    """Both bound; the leader has started the trip but not checked in yet."""
    leader, colleague = phone(LEADER), phone(COLLEAGUE)
    script.bind(leader)
    script.bind(colleague, "sampler2")
    script.start(leader)
    return leader, colleague


def test_the_leaders_arrival_asks_the_colleague_who_confirms_from_their_own_wechat(two_crew, phone, runtime):
    leader, colleague = _started(phone)
    assert "进场签到已记录" in leader.location(*script.SITE)

    asked = [m["content"] for m in FakeWeChat(runtime.redis).inbox(COLLEAGUE) if m.get("kind") == "text"]
    assert len(asked) == 1 and "张伟已在上海示范化工有限公司进场签到" in asked[0] and "到场确认" in asked[0]
    assert not [m for m in FakeWeChat(runtime.redis).inbox(LEADER) if "到场确认" in m.get("content", "")]

    ask = colleague.tap("PRESENCE")
    assert "【到场确认】采样行程" in ask and "上海示范化工有限公司（带队：张伟）" in ask and "发送位置" in ask
    reply = colleague.location(*script.SITE)
    assert "到场确认已记录" in reply and "在 300 米范围内" in reply

    [check_in] = _presence(runtime)
    with runtime.sessions() as s:
        trip = s.scalars(select(SamplingTrip)).one()
        colleague_id = s.scalars(select(User.id).where(User.username == "sampler2")).one()
        assert check_in.trip_id == trip.id and check_in.user_id == colleague_id and check_in.inside_fence
        assert trip.state == "arrival_photo"  # the trip's own step is untouched
        logged = s.scalars(select(TripEvent).where(TripEvent.action == "presence")).one()
        assert logged.actor_id == colleague_id


def test_the_leaders_chat_goes_on_as_before(two_crew, phone, runtime):
    leader, colleague = _started(phone)
    script.arrive(leader)
    colleague.tap("PRESENCE")
    colleague.location(*script.SITE)
    # the arrival photos done: the instruments, then the first point's location
    assert "发送您当前的位置" in script.confirm_instruments(leader)
    assert "采样过程照片" in script.at_point(leader, 0)
    assert "带队人员" in leader.tap("PRESENCE")  # the leader's arrival is their presence
    with runtime.sessions() as s:
        kinds = [c.kind for c in s.scalars(select(CheckIn).order_by(CheckIn.id))]
    assert kinds == ["arrival", "presence"]


def test_a_colleague_far_from_the_site_is_recorded_and_flagged(two_crew, phone, runtime):
    leader, colleague = _started(phone)
    script.arrive(leader)
    colleague.tap("PRESENCE")
    reply = colleague.location(*script.FAR)
    assert "⚠ 到场确认已记录" in reply and "围栏外" in reply
    [check_in] = _presence(runtime)
    assert not check_in.inside_fence and check_in.distance_m > 1900
    leader.photo(jpeg(2))  # the leader's next arrival photo is marked with the leader's place, not the colleague's
    with runtime.sessions() as s:
        photo = s.scalars(select(Photo).order_by(Photo.id.desc())).first()
        assert media.watermark_for(photo).place.endswith(f"{script.SITE[0]:.5f},{script.SITE[1]:.5f}")


def test_nobody_on_a_visit_in_progress_is_told_so_in_chinese(two_crew, phone, runtime):
    colleague = phone(COLLEAGUE)
    script.bind(colleague, "sampler2")
    assert "您当前没有需要确认到场的采样行程或现场运维" in colleague.tap("PRESENCE")
    assert "您当前没有需要确认到场的采样行程或现场运维" in colleague.text("到场确认")
    assert "进行中的采样行程" in colleague.location(*script.SITE)  # no presence asked: the usual answer
    assert _presence(runtime) == []


def test_a_polluter_is_told_presence_is_for_field_crews(demo_world, phone):
    assert "仅对采样人员和运维人员开放" in phone("o_demo_polluter").tap("PRESENCE")


def test_a_duplicate_delivery_of_the_location_records_one_presence(two_crew, phone, runtime):
    leader, colleague = _started(phone)
    script.arrive(leader)
    colleague.tap("PRESENCE")
    xml = ("<xml><ToUserName><![CDATA[gh_emss_demo]]></ToUserName><FromUserName><![CDATA[o_sampler2]]>"
           "</FromUserName><CreateTime>1764000000</CreateTime><MsgType><![CDATA[location]]></MsgType>"
           "<Location_X>30.8168</Location_X><Location_Y>121.3502</Location_Y><Scale>16</Scale>"
           "<Label><![CDATA[现场]]></Label><MsgId>880077</MsgId></xml>")
    first, again = colleague.deliver(xml), colleague.deliver(xml)
    assert "到场确认已记录" in first and again == first
    assert len(_presence(runtime)) == 1


def test_an_unusable_location_is_explained_and_the_question_stays_open(two_crew, phone, runtime):
    leader, colleague = _started(phone)
    script.arrive(leader)
    colleague.tap("PRESENCE")
    assert "纬度无效" in colleague.send("location", {"Location_X": "91", "Location_Y": "121.35", "Label": "现场"})
    assert "到场确认已记录" in colleague.location(*script.SITE)
    assert len(_presence(runtime)) == 1


def _whole_trip(leader, colleague, colleague_confirms: bool) -> None:
    script.arrive(leader)
    if colleague_confirms:
        colleague.tap("PRESENCE")
        colleague.location(*script.SITE)
    script.sample_all_points(leader)
    assert "提交前核对" in script.leave(leader)
    leader.text("1")


def _crew_absent(runtime) -> list[Finding]:
    with runtime.sessions() as s:
        return list(s.scalars(select(Finding).where(Finding.code == "crew_absent")))


def test_a_colleague_who_never_confirmed_is_found_absent_once_the_leader_leaves(two_crew, phone, runtime):
    _whole_trip(*_started(phone), colleague_confirms=False)
    [finding] = _crew_absent(runtime)
    assert finding.evidence["name"] == "李娜" and finding.evidence["nearest"] is None


def test_a_colleague_who_confirmed_on_site_carries_no_finding(two_crew, phone, runtime):
    _whole_trip(*_started(phone), colleague_confirms=True)
    assert _crew_absent(runtime) == []


def test_a_presence_confirmed_after_the_departure_check_in_withdraws_the_finding(two_crew, phone, runtime):
    leader, colleague = _started(phone)
    script.arrive(leader)
    script.sample_all_points(leader)
    assert "提交前核对" in script.leave(leader)  # departed, not yet submitted: the trip is still in progress
    assert len(_crew_absent(runtime)) == 1
    colleague.tap("PRESENCE")
    colleague.location(*script.SITE)  # moments after the departure: within the time on site's allowance
    assert _crew_absent(runtime) == []


def test_an_arrival_checked_in_again_asks_the_crew_once(two_crew, phone, runtime):
    leader, _ = _started(phone)
    leader.location(*script.FAR)
    leader.text("上一步")
    leader.location(*script.SITE)
    asked = [m for m in FakeWeChat(runtime.redis).inbox(COLLEAGUE) if "到场确认" in m.get("content", "")]
    assert len(asked) == 1


# --- an O&M visit: the plan's second crew member ----------------------------------------------------------------

@pytest.fixture
def om_colleague(demo_world, runtime):
    """王磊, a second O&M crew member of the demo plan, bound to WeChat as o_omcrew2."""
    with runtime.sessions() as s:
        plan = s.scalars(select(OmPlan).where(OmPlan.name == "示范化工自动监控设施运维")).one()
        colleague = User(username="omcrew2", display_name="王磊", role=Role.OM_CREW, agency_id=plan.agency_id,
                         password_hash="!")
        colleague.binding = WechatBinding(openid="o_omcrew2")
        plan.crew.append(colleague)
        s.commit()


def test_the_o_and_m_leaders_arrival_asks_the_plans_other_crew_who_confirm_without_joining(om_colleague, phone,
                                                                                           runtime):
    leader, colleague = phone(om_script.CREW), phone("o_omcrew2")
    om_script.bind(leader)
    om_script.start(leader)
    assert "进场签到已记录" in leader.location(*om_script.SITE)
    [asked] = [m["content"] for m in FakeWeChat(runtime.redis).inbox("o_omcrew2") if m.get("kind") == "text"]
    assert "刘洋已在上海示范化工有限公司进场签到（现场运维：示范化工自动监控设施运维）" in asked

    assert "现场运维：示范化工自动监控设施运维｜上海示范化工有限公司（带队：刘洋）" in colleague.tap("PRESENCE")
    assert "到场确认已记录（现场运维" in colleague.location(*om_script.SITE)
    with runtime.sessions() as s:
        [check_in] = s.scalars(select(CheckIn).where(CheckIn.kind == "presence")).all()
        assert check_in.om_visit_id is not None and check_in.user.username == "omcrew2"
    # confirming presence is not taking part in the work: the colleague's chat holds no visit of its own
    assert "您当前没有进行中的现场运维" in colleague.text("状态")
