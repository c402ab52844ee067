"""督促 and 站内通知: the district inspector urges a polluter or an agency; the people who can act are told on
the desk and in WeChat (a 工作提醒 template message), and their reply comes back to the inspector."""
from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from models import Agency, Notice, OutboundMessage, Polluter, Urging, User
from services.core.uow import UnitOfWork
from services.notifying import notices
from states.templates import TEMPLATES
from tests.support.desk import post, sign_in

TEXT = "贵单位 11 月 20 日的采样记录至今未确认，请于三日内核对确认。"


@pytest.fixture
def inspector(app, demo_world):
    return sign_in(app, "regulator1")


def _ids(runtime):
    with runtime.sessions() as s:
        polluter = s.scalars(select(Polluter).where(Polluter.name == "上海示范化工有限公司")).one().id
        agency = s.scalars(select(Agency).where(Agency.name == "上海绿测环境检测有限公司")).one().id
        return polluter, agency


def test_an_urging_reaches_the_polluters_wechat_and_desk_and_its_reply_comes_back(inspector, app, client,
                                                                                   runtime, drain):
    polluter, _ = _ids(runtime)
    sent = post(inspector, "/regulator/urgings", {"kind": "polluter", "polluter_id": str(polluter),
                                                  "reason": "unconfirmed_trips", "text": TEXT})
    assert sent.status_code == 302
    drain()
    delivered = client.get("/simulator/api/inbox/o_demo_polluter").get_json()
    template = next(e for e in delivered if e["kind"] == "template")
    assert template["template_id"] == app.extensions["emss"].config.wechat_notice_template_id
    assert [template["data"][f]["value"] for f in ("keyword1", "keyword2", "keyword4")] == [
        "督促：采样记录未确认", "金山区生态环境局", TEXT]
    assert template["url"].endswith("/notices")

    officer = sign_in(app, "polluter1")
    assert "通知（1）" in officer.get("/polluter/").get_data(as_text=True)
    inbox = officer.get("/notices").get_data(as_text=True)
    assert "督促：采样记录未确认" in inbox and TEXT in inbox
    assert "通知（1）" not in officer.get("/polluter/").get_data(as_text=True)  # read once seen
    with runtime.sessions() as s:
        urging = s.scalars(select(Urging)).one().id
    assert post(officer, f"/notices/urgings/{urging}/reply", {"reply": "已于今日全部核对确认。"}).status_code == 302

    desk = inspector.get("/regulator/urgings").get_data(as_text=True)
    assert "已于今日全部核对确认。" in desk and "王工（示范化工）" in desk
    assert "督促已答复：上海示范化工有限公司" in inspector.get("/notices").get_data(as_text=True)


def test_an_agency_is_urged_through_its_administrators(inspector, runtime):
    _, agency = _ids(runtime)
    assert post(inspector, "/regulator/urgings", {"kind": "agency", "agency_id": str(agency),
                                                  "reason": "overdue_reports", "text": TEXT}).status_code == 302
    with runtime.sessions() as s:
        told = [n.user.username for n in s.scalars(select(Notice))]
    assert told == ["agency1"]  # not its samplers


def test_an_agency_outside_the_district_cannot_be_urged(inspector, runtime):
    with runtime.sessions() as s:
        other = s.scalars(select(Agency).where(Agency.district == "松江区")).first().id
    refused = post(inspector, "/regulator/urgings", {"kind": "agency", "agency_id": str(other),
                                                     "reason": "other", "text": TEXT})
    assert refused.status_code == 400 and "请选择您辖区内的机构或排污单位" in refused.get_data(as_text=True)
    with runtime.sessions() as s:
        assert s.scalars(select(Urging)).first() is None


def test_an_urging_without_content_is_refused_and_what_was_chosen_stays(inspector, runtime):
    polluter, _ = _ids(runtime)
    refused = post(inspector, "/regulator/urgings", {"kind": "polluter", "polluter_id": str(polluter),
                                                     "reason": "missing_signatures", "text": "请"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "请填写督促内容" in page
    assert f'<option value="{polluter}" selected>' in page


def test_only_those_urged_may_reply(inspector, app, runtime):
    polluter, _ = _ids(runtime)
    post(inspector, "/regulator/urgings", {"kind": "polluter", "polluter_id": str(polluter),
                                           "reason": "unconfirmed_trips", "text": TEXT})
    with runtime.sessions() as s:
        urging = s.scalars(select(Urging)).one().id
    stranger = sign_in(app, "agency1")
    answer = post(stranger, f"/notices/urgings/{urging}/reply", {"reply": "与我无关"})
    assert answer.status_code == 303
    with runtime.sessions() as s:
        assert s.get(Urging, urging).reply is None


def test_a_cause_is_told_once_however_often_it_is_sent(demo_world, runtime):
    with UnitOfWork(runtime) as uow:
        officer = uow.session.scalars(select(User).where(User.username == "polluter1")).one()
        first = notices.notify_user(uow, officer, "reminder:trip:7", "待确认", "请确认", "系统")
        again = notices.notify_user(uow, officer, "reminder:trip:7", "待确认", "请确认", "系统")
        uow.commit()
    assert first is not None and again is None
    with runtime.sessions() as s:
        assert s.scalar(select(Notice.id).where(Notice.cause == "reminder:trip:7")) == first.id
        assert len(list(s.scalars(select(OutboundMessage)))) == 1


def test_the_simulator_shows_each_template_with_the_labels_of_the_template_library(client, config, demo_world):
    page = client.get("/simulator").get_data(as_text=True)
    settings = json.loads(re.search(r"const SETTINGS = (\{.*\});", page).group(1))
    for template in TEMPLATES:  # the O&M template no longer shows keyword1…5 under "模板消息"
        assert settings["templates"][getattr(config, template.key)] == {"title": template.title,
                                                                        "labels": template.labels}


def test_each_template_message_opens_the_page_its_definition_names(demo_world, phone, app, runtime, config, drain):
    from tests.e2e import trip_script as script
    from tests.support.om import awaiting_visit
    from web.links import PAGES

    script.whole_trip(phone("o_sampler1"))  # 采样记录待确认
    awaiting_visit(app, drain)  # 运维记录待签名确认
    with UnitOfWork(runtime) as uow:  # 工作提醒
        polluter = uow.session.scalars(select(User).where(User.username == "polluter1")).one()
        notices.notify_user(uow, polluter, "test:page", "待确认", "请确认", "系统")
        uow.commit()
    by_id = {getattr(config, t.key): t for t in TEMPLATES}
    routes = app.url_map.bind("")
    with runtime.sessions() as s:
        sent = {m.payload["template_id"]: m.payload["url"] for m in s.scalars(select(OutboundMessage))
                if m.kind == "template"}
    assert set(sent) == set(by_id)
    for template_id, url in sent.items():
        assert url.startswith(config.public_base_url)
        endpoint, _args = routes.match(url.removeprefix(config.public_base_url.rstrip("/")))
        assert endpoint == PAGES[by_id[template_id].page][0]
