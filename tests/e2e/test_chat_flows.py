"""The conversation as data (handlers/flows.py): a new flow is a table entry the router serves as it is, and the
chat session, whatever layout Redis still holds, never breaks the conversation — the database stays the truth."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from bot.session import RedisSessionStorage
from handlers import flows
from handlers.flows import Command, Flow
from models import OmVisit, Role, SamplingTrip
from tests.e2e import om_script, trip_script
from tests.support.images import jpeg

SAMPLER = "o_sampler1"


def _ask_feedback(turn) -> str:
    turn.enter("feedback", step="ask")
    return "请写下您对公众号的意见（回复“取消”放弃）："


def _feedback(turn, text: str, command: str | None) -> str:
    turn.leave()
    return "已放弃意见反馈。" if command == "cancel" else f"已收到您的意见：{text}"


FEEDBACK = Flow("feedback", "意见反馈", (Command("feedback", ("意见反馈",), {Role.SAMPLER: _ask_feedback}),),
                refusal="意见反馈仅对采样人员开放。", answer=_feedback, needs=("step",))


@pytest.fixture
def feedback_flow(monkeypatch):
    """A flow that is not in the product: one more entry in the table, nothing else."""
    monkeypatch.setitem(flows.FLOWS, FEEDBACK.name, FEEDBACK)


def _sessions(runtime, config) -> RedisSessionStorage:
    return RedisSessionStorage(runtime.redis, config.session_ttl)


def test_a_new_flow_entry_is_started_asked_and_answered_without_a_router_change(demo_world, phone, feedback_flow):
    sampler = phone(SAMPLER)
    trip_script.bind(sampler)
    assert "请写下您对公众号的意见" in sampler.text("意见反馈")
    assert sampler.text("照片上传有点慢") == "已收到您的意见：照片上传有点慢"
    assert "采样任务" in sampler.text("你好")  # the flow is over: idle again
    sampler.text("意见反馈")
    assert sampler.text("取消") == "已放弃意见反馈。"
    crew = phone(om_script.CREW)
    om_script.bind(crew)
    assert crew.text("意见反馈") == "意见反馈仅对采样人员开放。"


def test_a_new_flow_holding_the_conversation_leaves_the_trip_in_the_database(demo_world, phone, feedback_flow):
    sampler = phone(SAMPLER)
    trip_script.bind(sampler)
    trip_script.start(sampler)
    sampler.text("意见反馈")
    assert "进场签到已记录" in sampler.location(*trip_script.SITE)  # a location still goes to the trip
    assert sampler.text("签到很方便").startswith("已收到您的意见")
    assert "已收到第 1 张进场照片" in sampler.photo(jpeg(5))


def test_a_cancel_question_asked_in_the_old_session_layout_is_answered_after_deploy(demo_world, phone, runtime,
                                                                                    config):
    sampler = phone(SAMPLER)
    trip_script.bind(sampler)
    trip_script.start(sampler)
    with runtime.sessions() as s:
        trip_id = s.scalars(select(SamplingTrip.id)).one()
    _sessions(runtime, config).set(SAMPLER, {"trip": trip_id, "cancel": trip_id})  # as the old router wrote it
    assert "采样行程已取消" in sampler.text("1")
    with runtime.sessions() as s:
        assert s.get(SamplingTrip, trip_id).state == "cancelled"
    stored = runtime.redis.get(_sessions(runtime, config).key(SAMPLER))
    assert stored is None or not set(json.loads(stored)) & {"trip", "cancel"}


def test_an_old_layout_visit_list_is_still_a_list_to_choose_from(demo_world, phone, runtime, config):
    crew = phone(om_script.CREW)
    om_script.bind(crew)
    crew.tap("OM_TASKS")
    with runtime.sessions() as s:
        today = s.scalars(select(OmVisit.id).order_by(OmVisit.due_on, OmVisit.id)).first()
    _sessions(runtime, config).set(om_script.CREW, {"om_choices": [today]})
    assert "已开始现场运维" in crew.text("1")


@pytest.mark.parametrize("strange", [
    {"flow": ["trip"]}, {"flow": {"name": "retired_flow", "subject": 1}}, {"flow": {"name": "om", "subject": "x"}},
    {"om_choices": "1,2,3", "om_visit": None}, {"receipt": {"task": "abc"}}, {"bind": {"step": "password"}},
])
def test_a_session_of_a_strange_shape_does_not_break_the_conversation(demo_world, phone, runtime, config, strange):
    crew = phone(om_script.CREW)
    om_script.bind(crew)
    om_script.start(crew)
    _sessions(runtime, config).set(om_script.CREW, strange)
    assert "【进场签到】" in crew.tap("STATUS")  # the visit, resumed from the database
    assert "进场签到已记录" in crew.location(*om_script.SITE)


def test_a_photo_after_the_task_list_answers_the_step_and_closes_the_list(demo_world, phone):
    sampler = phone(SAMPLER)
    trip_script.bind(sampler)
    trip_script.start(sampler)
    sampler.location(*trip_script.SITE)
    assert "回复序号" in sampler.tap("SAMPLING_TASKS")
    assert "已收到第 1 张进场照片" in sampler.photo(jpeg(6))
    assert "【采样仪器】" in sampler.text("1")  # 1 goes on to the next step, not to the list shown before
