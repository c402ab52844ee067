"""Every word the task pages show beyond the templates: flashes, buttons, the export."""
from __future__ import annotations

from models import TaskEvent
from services.field import event_text
from states.task import STATUS_NAMES

YES_NO = {True: "是", False: "否"}

SUBMIT_BUTTONS = {
    "submit_application": "提交委托申请",
    "submit_plan": "提交监测方案",
    "reopen_plan": "退回修改方案",
    "submit_schedule": "提交采样计划",
}
FLASH = {
    "applied": "已新建委托任务 {code}，请核对后提交委托申请。",
    "application_revised": "委托申请已保存。",
    "submit_application": "委托申请已提交，请编制监测方案。",
    "submit_plan": "监测方案已提交。",
    "reopen_plan": "已退回方案编制阶段，可以修改方案。",
    "submit_schedule": "采样计划已提交，采样人员可在微信“采样任务”中开始采样。",
    "plan_saved": "监测方案已保存。",
    "point_added": "已在名录中新增点位 {code}，请在方案中选用其监测因子。",
    "visit_scheduled": "已安排 {day} {starts}-{ends} 的采样。",
    "visit_removed": "已删除该次采样安排。",
    "bad_dates": "日期格式不正确（应为 年-月-日），该条件未生效。",
}
SAMPLING_NEEDED = {True: "现场采样", False: "仅送样（分析送检样品）"}
EXPORT_TITLE = "监测任务列表"
EXPORT_HEADERS = ("任务编号", "任务名称", "类别", "监测对象", "地址", "合同编号", "样品获取", "需要分析", "状态",
                  "采样安排次数", "申请时间", "报告系统编号")
NO_FILTERS = "无（全部任务）"


def status_name(status) -> str:
    return STATUS_NAMES.get(status, str(status or ""))


def event_line(record: TaskEvent) -> str:
    """What a task event says, in words (services/field/event_text.py is the one place for them)."""
    return event_text.what(record.action, record.detail or {})
