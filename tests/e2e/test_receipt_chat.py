"""送样接收 in WeChat: an agency administrator fills the receipt check of delivered samples field by field,
with photos, and confirms it — the same form as on the web page."""
from __future__ import annotations

from sqlalchemy import select

from models import MonitoringTask, Photo, PhotoPurpose, PhotoStatus, TaskStatus
from tests.e2e import trip_script as script
from tests.support import records as R
from tests.support.images import jpeg

ANSWERS = ["1", "6", "1", "3.5", "1", "4", "陈静", "2026-03-02", "14:30", "跳过"]


def _delivered(runtime) -> int:
    return R.new_task(runtime, "T-SY", status=TaskStatus.REVIEW, sampling_needed=False)


def _clerk(phone):
    clerk = phone("o_agency1")
    script.bind(clerk, "agency1")
    return clerk


def test_the_agency_admin_fills_checks_photographs_and_confirms_the_receipt_in_chat(demo_world, runtime, phone,
                                                                                     client, login):
    task_id = _delivered(runtime)
    clerk = _clerk(phone)
    listing = clerk.text("送样接收")
    assert "T-SY" in listing and "1." in listing
    opened = clerk.text("1")
    assert "开始送样接收检查：T-SY" in opened and "【送样接收检查 1/10】样品完整性" in opened
    assert "请回复选项前的数字" in clerk.text("9")
    assert "采样至接收时间" in clerk.text("1")
    assert "请输入 0～720 之间的数字（单位：小时）" in clerk.text("800")
    assert "保存条件" in clerk.text("6")
    went_back = clerk.text("上一步")
    assert "已返回上一项" in went_back and "采样至接收时间" in went_back
    reply = ""
    for answer in ANSWERS[1:]:
        reply = clerk.text(answer)
    assert "【送样接收检查】请核对" in reply and "保存条件：冷藏 0~4°C" in reply and "样品照片：0 张" in reply
    assert "至少发送 1 张样品照片" in clerk.text("1")
    assert "已收到第 1 张样品照片" in clerk.photo(jpeg(3))
    assert "送样接收检查已确认" in clerk.text("1")
    with runtime.sessions() as s:
        task = s.get(MonitoringTask, task_id)
        assert task.receipt.confirmed_at and task.receipt.answers["received_by"] == "陈静"
        assert task.receipt.answers["transit_hours"] == 6 and task.receipt.answers["remarks"] is None
        photo = s.scalars(select(Photo).where(Photo.task_id == task_id)).one()
        assert (photo.purpose, photo.status, photo.trip_id) == (PhotoPurpose.RECEIPT, PhotoStatus.READY, None)
        assert photo.sent_by.username == "agency1" and photo.live
    login("agency1")
    page = client.get(f"/records/tasks/{task_id}/receipt").get_data(as_text=True)
    assert "已确认" in page and "接收人：陈静" in page and f"/records/photos/{photo.id}/thumb" in page


def test_cancelling_pauses_and_the_next_time_it_resumes_at_the_first_unanswered_field(demo_world, runtime,
                                                                                      phone):
    _delivered(runtime)
    clerk = _clerk(phone)
    clerk.text("送样接收")
    clerk.text("1")
    clerk.text("1")
    clerk.text("6")
    assert "已暂停送样接收检查" in clerk.text("取消")
    assert "已填写 2 项" in clerk.text("送样接收")
    assert "【送样接收检查 3/10】保存条件" in clerk.text("1")


def test_a_photo_before_a_task_is_chosen_asks_to_choose_first(demo_world, runtime, phone):
    _delivered(runtime)
    clerk = _clerk(phone)
    clerk.text("送样接收")
    assert "请先回复序号选择送样任务" in clerk.photo(jpeg(3))
    with runtime.sessions() as s:
        assert s.scalars(select(Photo)).all() == []


def test_with_no_delivered_samples_waiting_the_admin_is_told_so(demo_world, phone):
    assert "目前没有待做送样接收检查的送样任务" in _clerk(phone).text("送样接收")


def test_a_sampler_is_told_the_receipt_check_is_for_the_agency_admin(demo_world, runtime, phone):
    _delivered(runtime)
    sampler = phone("o_s1")
    script.bind(sampler)
    assert "仅对监测机构管理员开放" in sampler.text("送样接收")


def test_another_command_leaves_the_receipt_check_and_keeps_its_answers(demo_world, runtime, phone):
    task_id = _delivered(runtime)
    clerk = _clerk(phone)
    clerk.text("送样接收")
    clerk.text("1")
    clerk.text("1")
    assert "使用帮助" in clerk.text("帮助")
    assert "回复“采样任务”" in clerk.text("2")  # no longer an answer to the form
    with runtime.sessions() as s:
        assert s.get(MonitoringTask, task_id).receipt.answers == {"integrity": "完好无损"}
