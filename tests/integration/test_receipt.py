"""送样接收检查 on the web: the form rendered from its definition, photos, confirmation, then the report."""
from __future__ import annotations

import io
from pathlib import Path

from sqlalchemy import select

from models import MonitoringTask, Photo, PhotoPurpose, PhotoStatus, TaskStatus
from states.receipt import RECEIPT_CHECK
from tests.conftest import csrf_token
from tests.support import records as R
from tests.support.images import jpeg
from tests.support.records import upload_client_sampling

GOOD = {"f_integrity": "完好无损", "f_transit_hours": "6", "f_storage": "冷藏 0~4°C", "f_storage_temperature": "3.5",
        "f_labels": "清晰完整", "f_sample_count": "4", "f_received_by": "陈静", "f_received_on": "2026-03-02",
        "f_received_time": "14:30", "f_remarks": ""}


def _delivered(runtime, **extra) -> int:
    """A delivered-samples task waiting at sampling management for its receipt check."""
    return R.new_task(runtime, "T-SY", status=TaskStatus.REVIEW, sampling_needed=False, **extra)


def _post(client, url: str, data: dict, page: str):
    token = csrf_token(client.get(page).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


def _fill(client, task_id: int, answers: dict = GOOD):
    url = f"/records/tasks/{task_id}/receipt"
    return _post(client, url, answers, url)


def _upload(client, task_id: int, data: bytes):
    url = f"/records/tasks/{task_id}/receipt"
    return _post(client, f"{url}/photos", {"photo": (io.BytesIO(data), "sample.jpg")}, url)


def test_the_receipt_form_is_rendered_from_its_definition(demo_world, client, login, runtime):
    task_id = _delivered(runtime)
    login("agency1")
    page = client.get(f"/records/tasks/{task_id}/receipt").get_data(as_text=True)
    for field in RECEIPT_CHECK.fields:
        assert field.label in page and f'name="f_{field.name}"' in page
    assert '<option value="冷藏 0~4°C">' in page and 'type="date"' in page and 'type="time"' in page


def test_a_bad_answer_is_refused_keeping_what_was_typed(demo_world, client, login, runtime):
    task_id = _delivered(runtime)
    login("agency1")
    response = _fill(client, task_id, {**GOOD, "f_transit_hours": "800", "f_received_by": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'value="800"' in page and "请输入 0～720 之间的数字（单位：小时）" in page and "「接收人」为必填项" in page
    assert 'value="3.5"' in page and '<option value="清晰完整" selected>' in page
    with runtime.sessions() as s:
        assert s.get(MonitoringTask, task_id).receipt is None


def test_the_clerk_saves_uploads_a_photo_confirms_and_then_gets_a_report_number(demo_world, client, login,
                                                                              runtime, config):
    task_id = _delivered(runtime)
    login("agency1")
    assert _fill(client, task_id).status_code == 302
    refused = _post(client, f"/records/tasks/{task_id}/receipt/confirm", {}, f"/records/tasks/{task_id}/receipt")
    assert refused.status_code == 400 and "至少上传 1 张样品照片" in refused.get_data(as_text=True)
    assert _upload(client, task_id, jpeg(7)).status_code == 302
    with runtime.sessions() as s:
        photo = s.scalars(select(Photo).where(Photo.task_id == task_id)).one()
        assert (photo.trip_id, photo.purpose, photo.status) == (None, PhotoPurpose.RECEIPT, PhotoStatus.READY)
        assert (Path(config.media_root) / photo.original_path).read_bytes() == jpeg(7)
        assert (Path(config.media_root) / photo.watermarked_path).exists()
    page = client.get(f"/records/tasks/{task_id}/receipt").get_data(as_text=True)
    assert f"/records/photos/{photo.id}/thumb" in page and 'value="陈静"' in page
    done = _post(client, f"/records/tasks/{task_id}/receipt/confirm", {}, f"/records/tasks/{task_id}/receipt")
    assert done.status_code == 302
    with runtime.sessions() as s:
        task = s.get(MonitoringTask, task_id)
        assert task.receipt.confirmed_at and task.receipt.recorded_by_id == R.user(s, "agency1").id
        assert task.receipt.answers["storage"] == "冷藏 0~4°C" and task.receipt.answers["transit_hours"] == 6
        assert task.receipt.answers["remarks"] is None
        assert [e.action for e in task.events] == ["receipt_saved", "receipt_photo", "receipt_confirmed"]
    submit = _post(client, f"/records/tasks/{task_id}/submit", {}, f"/records/tasks/{task_id}")
    assert submit.status_code == 302
    assert upload_client_sampling(client, task_id, (R.PDF, "采样记录.pdf")).status_code == 302
    _post(client, f"/records/tasks/{task_id}/report-number", {}, f"/records/tasks/{task_id}")
    with runtime.sessions() as s:
        assert s.get(MonitoringTask, task_id).report_number.startswith("LC-")


def test_submitting_a_delivered_task_needs_the_confirmed_receipt_check(demo_world, client, login, runtime):
    task_id = _delivered(runtime)
    login("agency1")
    response = _post(client, f"/records/tasks/{task_id}/submit", {}, f"/records/tasks/{task_id}")
    assert response.status_code == 400 and "送样接收检查" in response.get_data(as_text=True)


def test_a_file_that_is_not_a_picture_is_refused_and_not_kept(demo_world, client, login, runtime):
    task_id = _delivered(runtime)
    login("agency1")
    response = _upload(client, task_id, b"%PDF-1.4 not a photo")
    assert response.status_code == 400 and "照片须为 JPEG 或 PNG 文件" in response.get_data(as_text=True)
    with runtime.sessions() as s:
        assert s.scalars(select(Photo)).all() == []


def test_a_confirmed_receipt_check_can_no_longer_be_changed(demo_world, client, login, runtime):
    task_id = _delivered(runtime)
    login("agency1")
    _fill(client, task_id)
    _upload(client, task_id, jpeg(7))
    _post(client, f"/records/tasks/{task_id}/receipt/confirm", {}, f"/records/tasks/{task_id}/receipt")
    page = client.get(f"/records/tasks/{task_id}/receipt").get_data(as_text=True)
    assert "已确认" in page and 'name="f_integrity"' not in page
    token = csrf_token(client.get(f"/records/tasks/{task_id}").get_data(as_text=True))
    changed = client.post(f"/records/tasks/{task_id}/receipt", data={**GOOD, "f_sample_count": "9",
                                                                      "csrf_token": token})
    assert changed.status_code == 400 and "已确认，不能再修改" in changed.get_data(as_text=True)
    with runtime.sessions() as s:
        assert s.get(MonitoringTask, task_id).receipt.answers["sample_count"] == 4


def test_a_field_sampling_task_has_no_receipt_check(demo_world, client, login, runtime):
    login("agency1")
    with runtime.sessions() as s:
        task_id = R.demo_task(s).id
    response = client.get(f"/records/tasks/{task_id}/receipt")
    assert response.status_code == 302
    assert "无需送样接收检查" in client.get(response.location).get_data(as_text=True)
