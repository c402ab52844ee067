"""A sampler's trip through the official account, scene by scene, on the demo data."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from bot.session import RedisSessionStorage
from bot.standin.store import FakeWeChat
from models import CheckIn, OutboundMessage, OutboundStatus, Photo, PhotoStatus, Sample, SamplingTrip, TripEvent
from tests.e2e import trip_script as script
from tests.support.images import jpeg


def _trip(runtime) -> SamplingTrip:
    with runtime.sessions() as s:
        trip = s.scalars(select(SamplingTrip)).one()
        for relation in (trip.check_ins, trip.photos, trip.samples, trip.events, trip.confirmations):
            list(relation)
        _ = trip.conditions
        return trip


def test_sampler_completes_a_trip_and_the_polluter_gets_a_template_message(demo_world, phone, runtime, config):
    sampler = phone("o_sampler1")
    assert "已提交" in script.whole_trip(sampler)

    trip = _trip(runtime)
    assert trip.state == "awaiting_confirmation" and trip.submitted_at is not None
    assert [c.kind for c in trip.check_ins] == ["arrival", "departure"]
    assert all(c.inside_fence and c.distance_m < 300 and c.datum == "GCJ-02" for c in trip.check_ins)
    assert len(trip.samples) == 6 and len({s.code for s in trip.samples}) == 6
    assert all(s.sampled_at is not None for s in trip.samples)
    assert trip.conditions.confirmed_at and trip.conditions.answers["production_load"] == 85
    photos = trip.photos
    assert len(photos) == 6 and all(p.status == PhotoStatus.READY and p.live for p in photos)
    for p in photos:
        for path in (p.original_path, p.thumbnail_path, p.watermarked_path):
            assert (Path(config.media_root) / path).is_file()
        assert p.sha256 and len(p.phash) == 16
    assert (Path(config.media_root) / photos[0].original_path).read_bytes() == jpeg(1)
    actions = [e.action for e in trip.events]
    assert actions[0] == "start" and actions[-1] == "confirm" and "check_in_arrival" in actions

    inbox = FakeWeChat(runtime.redis).inbox("o_demo_polluter")
    templates = [m for m in inbox if m["kind"] == "template"]
    assert len(templates) == 1
    assert templates[0]["data"]["keyword2"]["value"] == "上海示范化工有限公司"
    assert templates[0]["url"].startswith(f"{config.public_base_url}/m/confirm/")
    assert len(trip.confirmations) == 1 and trip.confirmations[0].status == "pending"
    with runtime.sessions() as s:
        message = s.scalars(select(OutboundMessage)).one()
        assert message.status == OutboundStatus.SENT and message.wechat_msgid


def test_the_template_link_opens_the_trip_page_and_a_forged_link_does_not(demo_world, phone, runtime, client,
                                                                          config):
    script.whole_trip(phone("o_sampler1"))
    config.wechat_open_base = "http://emss.test/fake-wechat/open/"
    url = FakeWeChat(runtime.redis).inbox("o_demo_polluter")[-1]["url"]
    assert url.startswith("http://emss.test/m/confirm/")
    client.set_cookie("emss_sim_openid", "o_demo_polluter", domain="emss.test")  # the phone's WeChat user
    page = client.get(url, follow_redirects=True)  # through WeChat's OAuth and back
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "上海示范化工有限公司" in html and "张伟" in html and "围栏内" in html
    thumb = html.split('src="')[1].split('"')[0]
    with client.get("http://emss.test" + thumb) as picture:
        assert picture.status_code == 200 and picture.mimetype == "image/jpeg"
    assert client.get(url[:-3] + "xyz", follow_redirects=True).status_code == 404


def test_sampler_checks_in_outside_fence_is_flagged(demo_world, phone, runtime):
    sampler = phone("o_sampler1")
    script.bind(sampler)
    script.start(sampler)
    reply = sampler.location(*script.FAR)
    assert "围栏外" in reply and "约 199" in reply
    assert "进场照片" in reply  # accepted: the trip moves on to the arrival photo
    check_in = _trip(runtime).check_ins[0]
    assert not check_in.inside_fence and 1900 < check_in.distance_m < 2100


def test_wrong_kind_of_message_gets_a_hint_and_changes_nothing(demo_world, phone, runtime):
    sampler = phone("o_sampler1")
    script.bind(sampler)
    script.start(sampler)
    assert "需要您的位置" in sampler.text("到了")
    assert "需要您的位置" in sampler.photo(jpeg(3))
    sampler.location(*script.SITE)
    assert "需要照片" in sampler.location(*script.SITE)
    assert "需要照片" in sampler.text("你好")
    assert "至少需要 1 张照片" in sampler.text("1")
    trip = _trip(runtime)
    assert trip.state == "arrival_photo" and len(trip.check_ins) == 1 and trip.photos == []


def test_a_number_where_a_photo_is_asked_and_a_photo_where_a_number_is_asked(demo_world, phone):
    sampler = phone("o_sampler1")
    script.bind(sampler)
    script.start(sampler)
    script.arrive(sampler)
    script.sample_all_points(sampler)
    assert "需要文字回复" in sampler.photo(jpeg(77)) and "生产负荷" in sampler.photo(jpeg(78))
    assert "0～120" in sampler.text("很多")


def test_back_steps_through_the_form_and_the_trip_without_losing_records(demo_world, phone, runtime):
    sampler = phone("o_sampler1")
    script.bind(sampler)
    script.start(sampler)
    sampler.location(*script.FAR)
    assert "发送位置" in sampler.text("上一步")
    sampler.location(*script.SITE)
    sampler.photo(jpeg(1))
    script.sample_all_points(sampler)
    sampler.text("90")
    assert "生产负荷" in sampler.text("上一步")
    assert "主要生产设备" in sampler.text("80")
    assert "生产负荷" in sampler.text("上一步")
    assert "采样时间" in sampler.text("上一步")  # past the first question: back to the previous step
    trip = _trip(runtime)
    assert len(trip.check_ins) == 2  # the far check-in stays on record; the later one counts
    assert trip.latest_check_in("arrival").inside_fence


def test_cancel_asks_first_and_keeps_what_was_recorded(demo_world, phone, runtime):
    sampler = phone("o_sampler1")
    script.bind(sampler)
    script.start(sampler)
    script.arrive(sampler)
    assert "确定要取消" in sampler.text("取消")
    assert "已继续" in sampler.text("不取消了")
    assert _trip(runtime).state == "arrival_photo"
    sampler.text("取消")
    assert "已取消" in sampler.text("1")
    trip = _trip(runtime)
    assert trip.state == "cancelled" and len(trip.photos) == 1 and len(trip.check_ins) == 1
    assert "没有分配" in sampler.text("采样任务")  # the cancelled visit's trip is over


def test_status_says_where_the_trip_stands_and_what_is_next(demo_world, phone):
    sampler = phone("o_sampler1")
    script.bind(sampler)
    assert "没有进行中" in sampler.tap("STATUS")
    script.start(sampler)
    script.arrive(sampler)
    status = sampler.tap("STATUS")
    assert "进场签到" in status and "进场照片：1 张" in status and "下一步" in status


def test_a_retried_delivery_gets_the_same_reply_and_has_one_effect(demo_world, phone, runtime):
    sampler = phone("o_sampler1")
    script.bind(sampler)
    script.start(sampler)
    xml = ("<xml><ToUserName><![CDATA[gh_emss_demo]]></ToUserName><FromUserName><![CDATA[o_sampler1]]>"
           "</FromUserName><CreateTime>1764000000</CreateTime><MsgType><![CDATA[location]]></MsgType>"
           "<Location_X>30.8168</Location_X><Location_Y>121.3502</Location_Y><Scale>16</Scale>"
           "<Label><![CDATA[现场]]></Label><MsgId>990001</MsgId></xml>")
    first = sampler.deliver(xml)
    again = sampler.deliver(xml)
    third = sampler.deliver(xml)
    assert first == again == third and "进场签到已记录" in first
    with runtime.sessions() as s:
        assert s.scalar(select(func.count()).select_from(CheckIn)) == 1


def test_a_retried_event_is_recognised_by_sender_and_time(demo_world, phone, runtime):
    sampler = phone("o_sampler1")
    script.bind(sampler)
    script.start(sampler)
    sampler.location(*script.SITE)
    media_id = sampler.upload(jpeg(5))
    image = ("<xml><ToUserName><![CDATA[gh_emss_demo]]></ToUserName><FromUserName><![CDATA[o_sampler1]]>"
             f"</FromUserName><CreateTime>1764000100</CreateTime><MsgType><![CDATA[image]]></MsgType>"
             f"<PicUrl><![CDATA[http://x/{media_id}]]></PicUrl><MediaId><![CDATA[{media_id}]]></MediaId>"
             "<MsgId>990002</MsgId></xml>")
    sampler.deliver(image)
    tap = ("<xml><ToUserName><![CDATA[gh_emss_demo]]></ToUserName><FromUserName><![CDATA[o_sampler1]]>"
           "</FromUserName><CreateTime>1764000200</CreateTime><MsgType><![CDATA[event]]></MsgType>"
           "<Event><![CDATA[CLICK]]></Event><EventKey><![CDATA[STATUS]]></EventKey></xml>")
    assert sampler.deliver(tap) == sampler.deliver(tap)
    sampler.deliver(image)
    with runtime.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Photo)) == 1


def test_trip_resumes_where_it_stands_after_the_chat_session_is_wiped(demo_world, phone, runtime, config):
    sampler = phone("o_sampler1")
    script.bind(sampler)
    script.start(sampler)
    script.arrive(sampler)
    script.confirm_instruments(sampler)
    script.at_point(sampler, 0)
    RedisSessionStorage(runtime.redis, config.session_ttl).delete("o_sampler1")
    assert "采样过程照片" in sampler.tap("STATUS")
    assert "已收到第 1 张采样照片" in sampler.photo(jpeg(20))


def test_a_photo_whose_download_fails_once_is_fetched_on_retry(demo_world, phone, runtime, client):
    sampler = phone("o_sampler1")
    script.bind(sampler)
    script.start(sampler)
    sampler.location(*script.SITE)
    client.post("/fake-wechat/_control/fail", json={"endpoint": "cgi-bin/media/get", "times": 1, "http": 502})
    assert "已收到第 1 张进场照片" in sampler.photo(jpeg(1))
    photo = _trip(runtime).photos[0]
    assert photo.status == PhotoStatus.READY and photo.sha256


def test_a_photo_wechat_never_delivers_is_marked_failed_and_the_sampler_told(demo_world, phone, runtime, client):
    sampler = phone("o_sampler1")
    script.bind(sampler)
    script.start(sampler)
    sampler.location(*script.SITE)
    client.post("/fake-wechat/_control/fail", json={"endpoint": "cgi-bin/media/get", "times": 9, "errcode": 40007})
    sampler.photo(jpeg(1))
    photo = _trip(runtime).photos[0]
    assert photo.status == PhotoStatus.FAILED and "40007" in photo.error
    told = [m for m in FakeWeChat(runtime.redis).inbox("o_sampler1") if m["kind"] == "text"]
    assert told and "重新发送" in told[-1]["content"]


def test_a_file_that_is_not_an_image_is_refused_and_does_not_count(demo_world, phone, runtime):
    sampler = phone("o_sampler1")
    script.bind(sampler)
    script.start(sampler)
    sampler.location(*script.SITE)
    sampler.photo(b"%PDF-1.4 not a photo")
    photo = _trip(runtime).photos[0]
    assert photo.status == PhotoStatus.REJECTED and photo.original_path is None
    told = [m for m in FakeWeChat(runtime.redis).inbox("o_sampler1") if m["kind"] == "text"]
    assert "不是有效的图片" in told[-1]["content"]
    assert "至少需要 1 张照片" in sampler.text("1")


def test_a_template_message_that_never_goes_out_is_recorded_as_failed(demo_world, phone, runtime, client):
    client.post("/fake-wechat/_control/fail",
                json={"endpoint": "cgi-bin/message/template/send", "times": 9, "errcode": 43004,
                      "errmsg": "require subscribe"})
    assert "已提交" in script.whole_trip(phone("o_sampler1"))
    with runtime.sessions() as s:
        message = s.scalars(select(OutboundMessage).where(OutboundMessage.kind == "template")).one()
        assert message.status == OutboundStatus.FAILED and "43004" in message.last_error
        assert message.attempts == 4


def test_two_samplers_on_one_visit_share_one_trip(demo_world, phone, runtime):
    with runtime.sessions() as s:
        from models import User, Visit
        visit = s.scalars(select(Visit)).first()
        visit.samplers.append(s.scalars(select(User).where(User.username == "sampler2")).one())
        s.commit()
    first, second = phone("o_sampler1"), phone("o_sampler2")
    script.bind(first)
    script.bind(second, "sampler2")
    script.start(first)
    first.location(*script.SITE)
    joined = script.start(second)
    assert "已加入同事 张伟" in joined and "进场照片" in joined
    second.photo(jpeg(2))
    assert "发送您当前的位置" in script.confirm_instruments(first)
    assert "采样过程照片" in script.at_point(second, 0)
    with runtime.sessions() as s:
        assert s.scalar(select(func.count()).select_from(SamplingTrip)) == 1
        actors = set(s.scalars(select(TripEvent.actor_id)))
        assert len(actors) == 2


def test_a_self_monitoring_polluter_completes_its_trip_without_confirmation(demo_world, phone, runtime):
    sampler = phone("o_selfmon1")
    script.bind(sampler, "selfmon1")
    script.start(sampler)
    sampler.location(*script.SELF_SITE)
    sampler.photo(jpeg(1))
    script.sample_all_points(sampler, places=script.SELF_POINTS)
    assert "提交前核对" in script.leave(sampler, where=script.SELF_SITE)
    assert "无需排污单位确认" in sampler.text("1")
    trip = _trip(runtime)
    assert trip.state == "completed" and trip.confirmations == []
    with runtime.sessions() as s:
        assert s.scalar(select(func.count()).select_from(OutboundMessage)) == 0


def test_samples_get_unique_printable_codes(demo_world, phone, runtime):
    sampler = phone("o_sampler1")
    script.bind(sampler)
    script.start(sampler)
    script.arrive(sampler)
    script.confirm_instruments(sampler)
    reply = script.at_point(sampler, 0)
    with runtime.sessions() as s:
        codes = list(s.scalars(select(Sample.code)))
    assert len(codes) == 3 and all(code in reply for code in codes)
    assert all(code.replace("-", "").isalnum() and len(code) <= 16 for code in codes)


def test_a_sampling_time_before_the_arrival_check_in_is_refused_with_the_arrival_time(demo_world, phone, runtime,
                                                                                      client):
    from datetime import time

    from models import clock

    assert client.put("/fake-wechat/clock", json={
        "now": clock.at_local(clock.today(), time(16, 54, 30)).isoformat()}).status_code == 200
    sampler = phone("o_sampler1")
    script.bind(sampler)
    script.start(sampler)
    script.arrive(sampler)
    script.confirm_instruments(sampler)
    assert "采样过程照片" in script.at_point(sampler, 0)
    sampler.photo(jpeg(10))
    sampler.text("1")
    sampler.photo(jpeg(110))
    assert "采样时间" in sampler.text("1")
    refused = sampler.text("10:35")
    assert "采样时间 10:35 早于您的进场签到时间 16:54" in refused
    with runtime.sessions() as s:
        assert all(sample.sampled_at is None for sample in s.scalars(select(Sample)))
    assert "16:54" in sampler.text("16:54")  # the arrival's own minute is on site
