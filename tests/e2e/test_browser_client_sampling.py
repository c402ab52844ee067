"""In a real browser: the agency uploads the client's sampling record of an analysis-only task (a bad sheet is
refused with what was typed kept), then generates the report number."""
from __future__ import annotations

from models import ReceiptCheck, TaskStatus, clock
from tests.support import records as R
from tests.support.browser import sign_in
from tests.support.images import jpeg


def _sheet(name: str, mime: str, data: bytes) -> dict:
    return {"name": name, "mimeType": mime, "buffer": data}


def test_the_agency_uploads_the_clients_sampling_record_and_then_gets_the_report_number(demo_world, runtime,
                                                                                      live, desk):
    task_id = R.new_task(runtime, "T-SY", status=TaskStatus.REPORTING, sampling_needed=False)
    with runtime.sessions() as s:
        s.add(ReceiptCheck(task_id=task_id, answers={}, confirmed_at=clock.now()))
        s.commit()
    sign_in(desk, live, "agency1")
    desk.goto(f"{live}/records/tasks/{task_id}")
    desk.click("button:has-text('生成报告系统编号')")
    assert "请先上传委托方的采样信息和采样记录" in desk.inner_text(".flash")

    desk.click("a:has-text('上传 / 补充委托方采样记录')")
    desk.fill("#sampled_by", "委托方 王强")
    desk.fill("#sampled_at", "2026-01-05T09:30")
    desk.fill("#place", "厂区总排口 DW001")
    desk.set_input_files("#files", [_sheet("记录.pdf", "application/pdf", b"%PDF-1.7\n<html>x</html>")])
    desk.click("button:has-text('保存委托方采样记录')")
    assert "不是可以打开的 PDF 文件" in desk.inner_text(".flash")
    assert desk.input_value("#place") == "厂区总排口 DW001"  # what was typed is kept

    desk.set_input_files("#files", [_sheet("记录.pdf", "application/pdf", R.PDF),
                                    _sheet("现场.jpg", "image/jpeg", jpeg(5))])
    desk.click("button:has-text('保存委托方采样记录')")
    assert "委托方采样记录已保存（本次上传 2 个文件）" in desk.inner_text(".flash")
    record = desk.inner_text("#client-sampling")
    assert "委托方 王强" in record and "2026-01-05 09:30" in record and "记录 2（JPG）" in record

    desk.goto(f"{live}/records/tasks/{task_id}")
    desk.click("button:has-text('生成报告系统编号')")
    assert "报告系统编号：LC-" in desk.inner_text(".flash")
