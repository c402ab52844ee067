"""A rejected trip is told: the sampler in WeChat and the agency's administrator on the desk, with the reason;
the agency's desk lists it for correction at the top; after the resubmission the sampler is told again."""
from __future__ import annotations

import io

from sqlalchemy import select

from bot.standin.store import FakeWeChat
from models import Notice
from tests.conftest import csrf_token
from tests.e2e import trip_script as script
from tests.integration.test_confirmation import (  # noqa: F401
    POLLUTER,
    decide,
    open_as,
    rejected_trip,
    trip_row,
    wechat_open,
)
from tests.support.desk import sign_in
from tests.support.om import awaiting_visit

SAMPLER = "o_sampler1"


def work_notices(runtime, openid: str) -> list[dict]:
    return [m["data"] for m in FakeWeChat(runtime.redis).inbox(openid)
            if m["kind"] == "template" and "keyword4" in m.get("data", {})
            and m["data"]["keyword1"]["value"] in ("采样记录被退回", "采样记录已重新提交", "运维记录被退回")]


def test_the_sampler_and_the_agency_hear_of_the_rejection_with_its_reason(demo_world, phone, runtime, app,
                                                                          client, drain, wechat_open):  # noqa: F811
    rejected_trip(phone, runtime, client)
    drain()
    told = work_notices(runtime, SAMPLER)
    assert [d["keyword1"]["value"] for d in told] == ["采样记录被退回"]
    assert "理由：生产负荷应为 60%" in told[0]["keyword4"]["value"]
    with runtime.sessions() as s:
        assert sorted(n.user.username for n in s.scalars(select(Notice).where(
            Notice.cause.startswith("rejected:trip:")))) == ["agency1", "sampler1"]

    clerk = sign_in(app, "agency1")
    home = clerk.get("/agency/").get_data(as_text=True)
    trip = trip_row(runtime)
    assert "待更正（排污单位已退回）" in home and "生产负荷应为 60%" in home
    assert home.index("待更正") < home.index("最近的监测任务")  # at the top of the desk
    assert f'href="/agency/trips/{trip.id}/correct"' in home

    page = clerk.get(f"/agency/trips/{trip.id}/correct").get_data(as_text=True)
    assert clerk.post(f"/agency/trips/{trip.id}/resubmit", data={"csrf_token": csrf_token(page)}).status_code == 303
    drain()
    assert [d["keyword1"]["value"] for d in work_notices(runtime, SAMPLER)] == ["采样记录被退回", "采样记录已重新提交"]
    assert "待更正（排污单位已退回）" not in clerk.get("/agency/").get_data(as_text=True)


def test_a_rejected_om_visit_is_told_to_the_crew_member_and_the_om_agency(demo_world, app, runtime, drain):
    from services.core.uow import UnitOfWork
    from services.om import om_confirmations
    from tests.support import records

    visit_id = awaiting_visit(app, drain)
    with app.app_context(), UnitOfWork(runtime) as uow:
        from models import OmVisit

        visit = uow.session.get(OmVisit, visit_id)
        assert om_confirmations.reject(uow, visit.confirmations[-1], records.user(uow.session, "polluter1"),
                                       "烟气校准记录缺少标准气体证书号")
        uow.commit()
    with runtime.sessions() as s:
        told = sorted((n.user.username, n.title) for n in s.scalars(select(Notice).where(
            Notice.cause.startswith("rejected:om:"))))
    assert told == [("om1", "运维记录被退回"), ("omcrew1", "运维记录被退回")]
    home = sign_in(app, "om1").get("/agency/").get_data(as_text=True)
    assert "烟气校准记录缺少标准气体证书号" in home and f'href="/om/visits/{visit_id}"' in home
    assert home.index("待更正（排污单位已退回）") < home.index("查看现场运维任务")  # at the top of the desk


class SimulatorPhone:
    """A trainer at /simulator: every tap, text, location and photo goes through the simulator's own API."""

    def __init__(self, client, drain, openid: str):
        self.client, self.drain, self.openid = client, drain, openid

    def text(self, content: str) -> str:
        return self._send(json={"openid": self.openid, "type": "text", "content": content})

    def tap(self, key: str) -> str:
        return self._send(json={"openid": self.openid, "type": "click", "key": key})

    def location(self, latitude: float, longitude: float, label: str = "现场") -> str:
        return self._send(json={"openid": self.openid, "type": "location", "latitude": latitude,
                                "longitude": longitude, "label": label})

    def photo(self, data: bytes, live: bool = True) -> str:
        assert live  # the simulator's 拍照 is the camera-only button
        return self._send(data={"openid": self.openid, "type": "photo",
                                "photo": (io.BytesIO(data), "photo.jpg", "image/jpeg")})

    def inbox(self, openid: str | None = None) -> list[dict]:
        return self.client.get(f"/simulator/api/inbox/{openid or self.openid}").get_json()

    def _send(self, **body) -> str:
        response = self.client.post("/simulator/api/send", **body)
        self.drain()
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.get_json()["reply"]


def test_a_rejection_tried_in_the_simulator_reaches_the_samplers_chat_and_the_agencys_desk(
        demo_world, app, client, drain, wechat_open):  # noqa: F811
    sampler = SimulatorPhone(client, drain, "o_demo_sampler1")  # a new user: binds first, as the README says
    assert "已提交" in script.whole_trip(sampler)
    url = next(m["url"] for m in sampler.inbox(POLLUTER) if m["kind"] == "template")
    page = open_as(client, url, POLLUTER).get_data(as_text=True)
    assert decide(client, url, page, "reject", "生产负荷应为 60%").status_code == 303
    drain()

    told = [m["data"] for m in sampler.inbox() if m["kind"] == "template"]
    assert [d["keyword1"]["value"] for d in told] == ["采样记录被退回"]
    assert "理由：生产负荷应为 60%" in told[0]["keyword4"]["value"]
    home = sign_in(app, "agency1").get("/agency/").get_data(as_text=True)
    assert "待更正（排污单位已退回）" in home and "生产负荷应为 60%" in home
