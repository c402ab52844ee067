"""Every word the task pages show beyond the templates: event names, detail labels, flashes, the export."""
from __future__ import annotations

from handlers.texts import KIND_NAMES
from models import TaskEvent
from states.task import STATUS_NAMES

# what each event of the task log means (任务日志); unknown actions are shown as recorded
ACTIONS = {
    "applied": "新建委托任务",
    "application_revised": "修改委托申请",
    "submit_application": "提交委托申请",
    "plan_saved": "保存监测方案",
    "point_added": "新增监测点位",
    "submit_plan": "提交监测方案",
    "reopen_plan": "退回修改方案",
    "visit_scheduled": "安排采样",
    "visit_removed": "删除采样安排",
    "submit_schedule": "提交采样计划",
    "sampling_submitted": "提交采样管理",
    "submit_sampling": "提交采样管理",
    "closed": "结束任务",
    "close": "结束任务",
    "original_viewed": "查看原图",
    "receipt_saved": "保存送样接收检查",
    "receipt_answer": "填写送样接收检查",
    "receipt_back": "送样接收检查返回上一项",
    "receipt_confirmed": "确认送样接收检查",
    "receipt_photo": "上传送样接收照片",
    "client_sampling_saved": "登记委托方采样记录",
    "lab_received": "实验室接收样品",
    "report_number": "生成报告系统编号",
    "issue_report_number": "生成报告系统编号",
    "report_uploaded": "上传报告",
    "upload_report": "上传报告",
    "trip_confirmed": "排污单位确认采样行程",
    "trip_rejected": "排污单位退回采样行程",
    "trip_corrected": "更正采样记录",
    "trip_resubmitted": "重新提交排污单位确认",
}
DETAILS = {
    "reason": "退回原因", "note": "更正说明", "after_departure": "离场后确认", "via": "确认方式",
    "code": "任务编号", "name": "名称", "polluter": "监测对象", "contract": "合同", "sampling_needed": "现场采样",
    "analysis_needed": "需要分析", "from": "原阶段", "to": "新阶段", "added": "新增", "removed": "移除",
    "changed": "修改", "point": "点位", "kind": "类型", "factors": "因子", "visit": "安排编号", "day": "日期",
    "starts": "开始", "ends": "结束", "samplers": "采样人员", "equipment": "设备", "visits": "采样次数",
    "number": "报告系统编号", "photo": "照片", "trip": "行程", "field": "项目", "value": "内容", "size": "字节数",
    "answers": "内容", "sampled_by": "采样人员", "sampled_at": "采样时间", "place": "采样地点", "files": "文件数",
    "received_at": "接收时间", "temperature": "到达温度", "received_by": "接收人", "overdue": "超过保存时限",
}
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


def action_name(action: str) -> str:
    return ACTIONS.get(action, action)


def detail_text(record: TaskEvent) -> str:
    """The event's details as one readable line: 点位：DW001；因子：化学需氧量、氨氮"""
    parts = []
    for key, value in (record.detail or {}).items():
        if value in (None, [], {}, ""):
            continue
        parts.append(f"{DETAILS.get(key, key)}：{_value(key, value)}")
    return "；".join(parts)


def _value(key: str, value) -> str:
    if key in ("from", "to"):
        return status_name(value)
    if key == "kind":
        return KIND_NAMES.get(value, value)
    if isinstance(value, bool):
        return YES_NO[value]
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if isinstance(value, dict):
        return "，".join(f"{k}={v}" for k, v in value.items())
    return str(value)
