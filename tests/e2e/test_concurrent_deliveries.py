"""WeChat's retries can arrive while the first delivery is still being handled."""
from __future__ import annotations

import threading

from sqlalchemy import func, select

from models import CheckIn
from tests.e2e import trip_script as script


def test_simultaneous_retries_of_one_location_check_in_once_and_answer_alike(demo_world, phone, runtime, app):
    sampler = phone("o_sampler1")
    script.bind(sampler)
    script.start(sampler)
    xml = ("<xml><ToUserName><![CDATA[gh_emss_demo]]></ToUserName><FromUserName><![CDATA[o_sampler1]]>"
           "</FromUserName><CreateTime>1764000000</CreateTime><MsgType><![CDATA[location]]></MsgType>"
           "<Location_X>30.8168</Location_X><Location_Y>121.3502</Location_Y><Scale>16</Scale>"
           "<Label><![CDATA[现场]]></Label><MsgId>880001</MsgId></xml>")
    replies = []

    def deliver():
        from tests.support.phone import Phone
        replies.append(Phone(app.test_client(), sampler.config, "o_sampler1").deliver(xml))

    threads = [threading.Thread(target=deliver) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(replies) == 3 and len(set(replies)) == 1 and "进场签到已记录" in replies[0]
    with runtime.sessions() as s:
        assert s.scalar(select(func.count()).select_from(CheckIn)) == 1


def test_a_photo_from_the_album_is_recorded_as_not_live(demo_world, phone, runtime):
    from models import Photo
    from tests.support.images import jpeg

    sampler = phone("o_sampler1")
    script.bind(sampler)
    script.start(sampler)
    sampler.location(*script.SITE)
    sampler.photo(jpeg(1), live=False)
    sampler.photo(jpeg(2), live=True)
    with runtime.sessions() as s:
        assert list(s.scalars(select(Photo.live).order_by(Photo.id))) == [False, True]
