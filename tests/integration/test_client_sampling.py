"""接受委托方采送样的仅分析任务 (seed 000, 3.2.6): the client's sampling information and records are uploaded
before the report number; every sheet is checked as every upload is; the record is shown on the task pages."""
from __future__ import annotations

import io
from pathlib import Path

from sqlalchemy import select

from models import ClientSampling, ClientSamplingFile, MonitoringTask, ReceiptCheck, ReportCounter, TaskStatus, clock
from tests.conftest import csrf_token
from tests.support import records as R
from tests.support.images import jpeg

SHEET = (R.PDF, "采样记录单.pdf")
PHOTO = (jpeg(3), "现场.jpg")


def _reporting(runtime) -> int:
    """An analysis-only task at its report step, its receipt check of the delivered samples confirmed."""
    task_id = R.new_task(runtime, "T-SY", status=TaskStatus.REPORTING, sampling_needed=False)
    with runtime.sessions() as s:
        s.add(ReceiptCheck(task_id=task_id, answers={}, confirmed_at=clock.now()))
        s.commit()
    return task_id


def _ask_number(client, task_id: int):
    token = csrf_token(client.get(f"/records/tasks/{task_id}").get_data(as_text=True))
    return client.post(f"/records/tasks/{task_id}/report-number", data={"csrf_token": token})


def _media(config) -> set[Path]:
    root = Path(config.media_root)
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def test_no_report_number_before_the_clients_sampling_records_are_uploaded(demo_world, client, login, runtime):
    task_id = _reporting(runtime)
    login("agency1")
    refused = _ask_number(client, task_id)
    assert refused.status_code == 400 and "请先上传委托方的采样信息和采样记录" in refused.get_data(as_text=True)
    with runtime.sessions() as s:
        assert s.get(MonitoringTask, task_id).report_number is None and s.scalar(select(ReportCounter)) is None


def test_a_bad_sheet_refuses_the_whole_upload_then_good_sheets_open_the_report_number(demo_world, client, login,
                                                                                      runtime, config):
    task_id = _reporting(runtime)
    login("agency1")
    before = _media(config)
    bad = R.upload_client_sampling(client, task_id, SHEET, (b"%PDF-1.7\n<html>not a pdf</html>", "记录.pdf"))
    page = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "采样记录不是可以打开的 PDF 文件" in page and 'value="委托方 王强"' in page
    with runtime.sessions() as s:
        assert s.scalars(select(ClientSampling)).all() == [] and s.scalars(select(ClientSamplingFile)).all() == []
    assert _media(config) == before

    done = R.upload_client_sampling(client, task_id, SHEET, PHOTO)
    assert done.status_code == 302
    with runtime.sessions() as s:
        record = s.get(MonitoringTask, task_id).client_sampling
        assert (record.sampled_by, record.place, clock.fmt(record.sampled_at)) == \
            ("委托方 王强", "厂区总排口 DW001", "2026-01-05 09:30")
        assert [f.kind for f in record.files] == ["pdf", "jpg"]
        assert (Path(config.media_root) / record.files[1].path).read_bytes() == PHOTO[0]
        file_ids = [f.id for f in record.files]
        assert s.get(MonitoringTask, task_id).events[-1].action == "client_sampling_saved"
    desk_page = client.get(f"/records/tasks/{task_id}").get_data(as_text=True)
    assert "委托方 王强" in desk_page and "厂区总排口 DW001" in desk_page and "2026-01-05 09:30" in desk_page
    assert "委托方 王强" in client.get(f"/agency/tasks/{task_id}").get_data(as_text=True)
    with client.get(f"/records/tasks/{task_id}/client-sampling/files/{file_ids[0]}") as sheet:
        assert sheet.status_code == 200 and sheet.data == R.PDF and "attachment" in sheet.headers["Content-Disposition"]
        assert sheet.headers["Cache-Control"] == "private, no-store"

    assert _ask_number(client, task_id).status_code == 302
    with runtime.sessions() as s:
        assert s.get(MonitoringTask, task_id).report_number.startswith("LC-")
    locked = R.upload_client_sampling(client, task_id, SHEET)
    assert locked.status_code == 400 and "委托方采样记录不能再修改" in locked.get_data(as_text=True)


def test_the_information_is_required_and_the_time_cannot_be_in_the_future(demo_world, client, login, runtime):
    task_id = _reporting(runtime)
    login("agency1")
    nobody = R.upload_client_sampling(client, task_id, SHEET, sampled_by=" ")
    assert nobody.status_code == 400 and "请填写采样人员和采样地点" in nobody.get_data(as_text=True)
    no_time = R.upload_client_sampling(client, task_id, SHEET, sampled_at="明天")
    assert no_time.status_code == 400 and "请按“年-月-日 时:分”填写采样时间" in no_time.get_data(as_text=True)
    future = R.upload_client_sampling(client, task_id, SHEET, sampled_at="2999-01-01T08:00")
    assert future.status_code == 400 and "采样时间不能晚于现在" in future.get_data(as_text=True)
    no_file = R.upload_client_sampling(client, task_id)
    assert no_file.status_code == 400 and "请至少上传 1 份采样记录" in no_file.get_data(as_text=True)
    with runtime.sessions() as s:
        assert s.scalars(select(ClientSampling)).all() == []


def test_a_correction_keeps_the_sheets_already_uploaded(demo_world, client, login, runtime):
    task_id = _reporting(runtime)
    login("agency1")
    assert R.upload_client_sampling(client, task_id, SHEET).status_code == 302
    assert R.upload_client_sampling(client, task_id, place="雨水排口 YS001").status_code == 302
    with runtime.sessions() as s:
        record = s.get(MonitoringTask, task_id).client_sampling
        assert record.place == "雨水排口 YS001" and len(record.files) == 1


def test_a_field_sampling_task_has_no_client_sampling_record(demo_world, client, login, runtime):
    task_id = R.new_task(runtime, "T-XC", status=TaskStatus.REPORTING)
    login("agency1")
    token = csrf_token(client.get(f"/records/tasks/{task_id}").get_data(as_text=True))
    response = client.post(f"/records/tasks/{task_id}/client-sampling",
                           data={"csrf_token": token, **R.CLIENT_SAMPLING, "files": [(io.BytesIO(R.PDF), "a.pdf")]})
    assert response.status_code == 400 and "无需上传委托方采样记录" in response.get_data(as_text=True)
