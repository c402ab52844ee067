"""数据报告: report system numbers (unique per agency and year, sequential, never reused, safe under concurrent
requests) and the report PDF upload."""
from __future__ import annotations

import io
import threading

import pytest
from sqlalchemy import select

from models import ClientSampling, ClientSamplingFile, MonitoringTask, ReceiptCheck, ReportCounter, TaskStatus, clock
from services.adapters import uploads
from services.core.uow import UnitOfWork, use_case
from services.field.records import RecordsProblem
from services.sampling import reports
from services.texts.refusals import say
from tests.conftest import csrf_token
from tests.support import records as R

YEAR = clock.today().year


def _issue(runtime, task_id: int) -> str:
    with UnitOfWork(runtime) as uow:
        task = uow.session.get(MonitoringTask, task_id)
        number = reports.issue_number(uow, task, R.user(uow.session, "agency1"))
        uow.commit()
        return number


def _post(client, url: str, **data):
    token = csrf_token(client.get("/records/trips").get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


def test_the_agency_gets_its_report_number_after_submitting_sampling_management(demo_world, client, login,
                                                                                runtime, phone):
    R.confirmed_trip(runtime, phone)
    login("agency1")
    with runtime.sessions() as s:
        task_id = R.demo_task(s).id
    assert _post(client, f"/records/tasks/{task_id}/submit").status_code == 302
    response = _post(client, f"/records/tasks/{task_id}/report-number")
    assert response.status_code == 302
    page = client.get(f"/records/tasks/{task_id}").get_data(as_text=True)
    assert f"LC-{YEAR}-00001" in page and "上传报告" in page
    with runtime.sessions() as s:
        task = R.demo_task(s)
        assert task.report_number == f"LC-{YEAR}-00001" and task.status == TaskStatus.REPORTING
        assert task.events[-1].action == "issue_report_number"
        assert task.events[-1].detail["number"] == f"LC-{YEAR}-00001"


def test_numbers_are_sequential_per_agency_and_asking_twice_gives_the_same_number(demo_world, runtime):
    first, second = R.new_task(runtime, "T-1"), R.new_task(runtime, "T-2")
    own = R.new_task(runtime, "T-ZC", agency_code="ZC")
    assert _issue(runtime, first) == f"LC-{YEAR}-00001"
    assert _issue(runtime, own) == f"ZC-{YEAR}-00001"
    assert _issue(runtime, second) == f"LC-{YEAR}-00002"
    assert _issue(runtime, first) == f"LC-{YEAR}-00001"
    with runtime.sessions() as s:
        assert sorted((c.year, c.last) for c in s.scalars(select(ReportCounter))) == [(YEAR, 1), (YEAR, 2)]


class Interrupted(Exception):
    pass


def test_a_rolled_back_request_leaves_no_gap_and_no_number_is_handed_out_twice(demo_world, runtime):
    first, second = R.new_task(runtime, "T-1"), R.new_task(runtime, "T-2")
    with UnitOfWork(runtime) as uow, pytest.raises(Interrupted):
        with use_case(uow.session):  # a larger use case that fails after taking the number: nothing is committed
            task = uow.session.get(MonitoringTask, first)
            assert reports.issue_number(uow, task, R.user(uow.session, "agency1")) == f"LC-{YEAR}-00001"
            raise Interrupted
    assert _issue(runtime, second) == f"LC-{YEAR}-00001"
    assert _issue(runtime, first) == f"LC-{YEAR}-00002"


def test_no_number_before_sampling_management_is_submitted(demo_world, client, login, runtime):
    login("agency1")
    with runtime.sessions() as s:
        task_id = R.demo_task(s).id
    response = _post(client, f"/records/tasks/{task_id}/report-number")
    assert response.status_code == 400 and "现场采样" in response.get_data(as_text=True)
    with runtime.sessions() as s:
        assert R.demo_task(s).report_number is None and s.scalar(select(ReportCounter)) is None


def test_delivered_samples_need_their_receipt_check_confirmed_before_a_number(demo_world, runtime):
    task_id = R.new_task(runtime, "T-SY", sampling_needed=False)
    with pytest.raises(RecordsProblem) as refused:
        _issue(runtime, task_id)
    assert refused.value.code == "receipt_needed"
    with runtime.sessions() as s:
        s.add(ReceiptCheck(task_id=task_id, answers={}, confirmed_at=clock.now()))
        s.commit()
    with pytest.raises(RecordsProblem) as no_records:
        _issue(runtime, task_id)
    assert no_records.value.code == "client_sampling_needed"  # 3.2.6: the client's sampling records first
    with runtime.sessions() as s:
        s.add(ClientSampling(task_id=task_id, sampled_by="委托方 王强", sampled_at=clock.now(), place="总排口",
                             recorded_at=clock.now(), files=[ClientSamplingFile(path="x.pdf", kind="pdf", size=1,
                                                                                uploaded_at=clock.now())]))
        s.commit()
    assert _issue(runtime, task_id) == f"LC-{YEAR}-00001"


@pytest.mark.parametrize("same_task", [False, True], ids=["twenty-tasks", "one-task-twenty-times"])
def test_twenty_concurrent_requests_get_distinct_sequential_numbers(demo_world, runtime, same_task):
    """Each request runs in its own thread with its own session and connection, all released at once."""
    ids = [R.new_task(runtime, f"T-{n:02d}") for n in range(1 if same_task else 20)]
    targets = ids * 20 if same_task else ids
    start = threading.Barrier(len(targets))
    numbers: list[str] = []
    failures: list[BaseException] = []

    def request(task_id: int) -> None:
        try:
            start.wait(timeout=30)
            numbers.append(_issue(runtime, task_id))
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            failures.append(exc)

    threads = [threading.Thread(target=request, args=(task_id,)) for task_id in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not failures, failures
    expected = [f"LC-{YEAR}-00001"] * 20 if same_task else [f"LC-{YEAR}-{n:05d}" for n in range(1, 21)]
    assert sorted(numbers) == expected
    with runtime.sessions() as s:
        issued = [t.report_number for t in s.scalars(select(MonitoringTask).where(MonitoringTask.id.in_(ids)))]
        assert sorted(issued) == sorted(set(expected))
        assert s.scalar(select(ReportCounter.last)) == len(set(expected))


def test_the_report_upload_checks_type_and_size_and_then_closes_the_task(demo_world, client, login, runtime):
    task_id = R.new_task(runtime, "T-PDF")
    login("agency1")
    early = _post(client, f"/records/tasks/{task_id}/report", report=(io.BytesIO(R.PDF), "r.pdf"))
    assert early.status_code == 400 and "请先生成报告系统编号" in early.get_data(as_text=True)
    number = _issue(runtime, task_id)
    fake = _post(client, f"/records/tasks/{task_id}/report", report=(io.BytesIO(b"<html>not a pdf"), "r.pdf"))
    assert fake.status_code == 400 and "PDF" in fake.get_data(as_text=True)
    with UnitOfWork(runtime) as uow, pytest.raises(uploads.UploadRefused) as too_big:
        reports.upload_report(uow, uow.session.get(MonitoringTask, task_id), R.user(uow.session, "agency1"),
                              R.PDF + b"0" * uploads.REPORT.max_bytes)
    assert say(too_big.value) == "报告文件不能超过 20 MB。"
    with runtime.sessions() as s:
        assert s.get(MonitoringTask, task_id).status == TaskStatus.REPORTING
    done = _post(client, f"/records/tasks/{task_id}/report", report=(io.BytesIO(R.PDF), "../../evil.pdf"))
    assert done.status_code == 302
    with runtime.sessions() as s:
        task = s.get(MonitoringTask, task_id)
        assert task.status == TaskStatus.CLOSED and task.report_uploaded_at and task.closed_at
        assert "evil" not in task.report_path and task.events[-1].action == "upload_report"
    with client.get(f"/records/tasks/{task_id}/report") as download:
        assert download.status_code == 200 and download.data == R.PDF
        assert f"{number}.pdf" in download.headers["Content-Disposition"]
    again = _post(client, f"/records/tasks/{task_id}/report", report=(io.BytesIO(R.PDF), "r.pdf"))
    assert again.status_code == 400 and "已结束" in again.get_data(as_text=True)
