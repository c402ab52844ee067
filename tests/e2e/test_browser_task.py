"""In a real browser: the agency clerk files a contract, then applies, plans and schedules a task under it."""
from __future__ import annotations

from pathlib import Path

from models import clock
from tests.support import files
from tests.support.browser import sign_in

PDF = files.pdf("signed contract")


CONTRACT = {
    "code": "HT-2026-201", "parameters": "化学需氧量、氨氮、pH值", "frequency": "每季度一次",
    "basis": "HJ 819-2017", "report_form": "纸质报告及电子版", "rights_obligations": "甲方提供采样条件。",
    "billing": "按次计费", "liability": "逾期按日支付违约金。",
}


def file_contract(desk, tmp_path: Path) -> None:
    desk.click("header a:has-text('合同管理')")
    desk.click("a:has-text('新建合同')")
    for name, value in CONTRACT.items():
        desk.fill(f"[name={name}]", value)
    desk.select_option("select[name=polluter_id]", label="上海示范化工有限公司（金山区）")
    desk.select_option("select[name=sample_source]", "sampling")
    desk.fill("input[name=period_start]", f"{clock.today().year}-01-01")
    desk.fill("input[name=period_end]", f"{clock.today().year}-12-31")
    scan = tmp_path / "合同扫描件.pdf"
    scan.write_bytes(PDF)
    desk.set_input_files("input[name=attachment]", str(scan))
    desk.click("button:has-text('提交')")
    assert "已提交，现在可以关联监测任务" in desk.inner_text(".flash")
    assert "合同扫描件.pdf" in desk.inner_text("main")


def take_task_to_the_field(desk) -> None:
    """Apply for a task under contract HT-2026-201, plan DW001, schedule 张伟 this evening, submit."""
    desk.click("header a:has-text('监测任务')")
    desk.click("a:has-text('新建委托任务')")
    desk.fill("input[name=name]", "示范化工 年度委托监测")
    desk.select_option("select[name=polluter_id]", label="上海示范化工有限公司（金山区）")
    desk.select_option("select[name=contract_id]", label="HT-2026-201｜上海示范化工有限公司")
    desk.click("button:has-text('保存')")
    assert "已新建委托任务" in desk.inner_text(".flash")
    desk.click("button:has-text('提交委托申请')")

    desk.click("a:has-text('编制监测方案')")
    desk.check("[aria-label='选用 DW001 化学需氧量']")
    desk.check("[aria-label='选用 DW001 氨氮']")
    desk.click("button:has-text('保存方案')")
    assert "监测方案已保存" in desk.inner_text(".flash")
    desk.click("a:has-text('返回任务')")
    desk.click("button:has-text('提交监测方案')")

    desk.click("a:has-text('安排采样')")
    desk.fill("input[name=starts]", "18:30")
    desk.fill("input[name=ends]", "20:00")
    desk.check("label:has-text('张伟') >> xpath=preceding-sibling::input")
    desk.check("label:has-text('GT-EQ-001') >> xpath=preceding-sibling::input")
    desk.click("button:has-text('安排采样')")
    assert "已安排" in desk.inner_text(".flash")
    desk.click("a:has-text('返回任务')")
    desk.click("button:has-text('提交采样计划')")
    assert "采样计划已提交" in desk.inner_text(".flash")


def test_clerk_files_a_contract_and_takes_a_task_to_the_field(demo_world, live, desk, tmp_path):
    sign_in(desk, live, "agency1")
    file_contract(desk, tmp_path)

    take_task_to_the_field(desk)

    page = desk.inner_text("main")
    assert "现场采样" in page and "张伟" in page and "HT-2026-201" in page
    log = page[page.index("任务日志"):]
    assert all(step in log for step in ("新建委托任务", "提交委托申请", "保存监测方案", "提交监测方案", "安排采样",
                                        "提交采样计划"))
