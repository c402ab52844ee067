"""What the sampling-management, report and supervision pages say, in one place."""
from __future__ import annotations

from services.field import event_text
from services.field.records import RecordsProblem
from services.texts.names import POINT_REFERENCE_NAMES
from states.task import STATUS_NAMES
from states.trip import STATE_NAMES

TASK_STATUS = STATUS_NAMES
TRIP_STATE = STATE_NAMES  # beside the trip machine (states/trip.py)
VISIT_STATUS = {
    "no_trip": "未开始", "in_progress": "进行中", "awaiting_confirmation": "待排污单位确认",
    "rejected": "排污单位已退回", "completed": "已完成", "cancelled": "已取消",
}
CONFIRMATION = {"pending": "待确认", "confirmed": "已确认", "rejected": "已退回"}
FLAGS = {
    "outside_fence": "签到在围栏外", "photo_reused": "照片与其他行程重复",
    "confirmation_missing": "缺少排污单位确认", "after_departure": "离场后才确认",
}
FENCE = {"": "全部", "outside": "有围栏外签到", "inside": "均在围栏内"}
PHOTO_PURPOSE = {"arrival": "进场照片", "sampling": "采样照片", "output": "仪器输出", "departure": "离场照片",
                 "receipt": "送样接收照片"}
CHECK_IN = {"arrival": "进场签到", "departure": "离场签到"}
POINT_REFERENCE = POINT_REFERENCE_NAMES
PHOTO_PENDING = "接收中"
PHOTO_FAILED = "未能从微信接收（已通知采样人员重新拍摄）"
ALL = "全部"

PROBLEMS = {
    "wrong_status": "任务当前处于“{status}”阶段，不能进行此操作。",
    "no_visits": "该任务还没有采样计划，无法提交。",
    "visits_missing": "以下采样计划尚未完成（采样行程须已完成并经排污单位确认）：{missing}",
    "receipt_needed": "送样分析任务须先完成并确认送样接收检查。",
    "no_analysis": "该任务无需分析，请使用“结束任务”。",
    "analysis_needed": "该任务需要分析，请提交采样管理后生成报告。",
    "not_delivered": "该任务为现场采样任务，无需送样接收检查。",
    "receipt_confirmed": "送样接收检查已确认，不能再修改。",
    "receipt_incomplete": "送样接收检查尚未填写完整。",
    "receipt_photo_needed": "请至少上传 1 张样品照片后再确认。",
    "photo_rejected": "照片未能保存：{reason}",
    "number_first": "请先生成报告系统编号，再上传报告。",
    "report_too_large": "报告文件超过 20 MB，请压缩后重新上传。",
    "not_pdf": "报告必须是 PDF 文件。",
    "client_sampling_needed": "请先上传委托方的采样信息和采样记录，再生成报告系统编号。",
    "client_sampling_not_delivered": "该任务为现场采样任务，无需上传委托方采样记录。",
    "client_sampling_locked": "已生成报告系统编号，委托方采样记录不能再修改。",
    "client_sampling_incomplete": "请填写采样人员和采样地点。",
    "client_sampling_too_long": "采样人员不超过 100 字、采样地点不超过 255 字、备注不超过 {limit} 字。",
    "client_sampling_future": "采样时间不能晚于现在。",
    "client_sampling_file_needed": "请至少上传 1 份采样记录（PDF 或照片）。",
    "client_sampling_too_many": "一次最多上传 {limit} 个文件。",
    "lab_trip_active": "采样行程尚未离场，不能登记实验室接收。",
    "lab_time_impossible": "接收时间不能早于离场时间，也不能晚于现在。",
    "lab_temperature": "到达温度应在 {low:g}~{high:g} °C 之间。",
    "lab_receiver": "请填写接收人（不超过 {limit} 字）。",
    "agency_code_missing": "本机构未设置编号简称，无法生成报告系统编号，请联系系统管理员。",
}


def problem(exc: RecordsProblem) -> str:
    """A refusal of a use case in the user's words."""
    detail = dict(exc.detail)
    if "status" in detail:
        detail["status"] = TASK_STATUS.get(detail["status"], detail["status"])
    if "missing" in detail:
        detail["missing"] = "；".join(visit_line(s) for s in detail["missing"])
    return PROBLEMS[exc.code].format(**detail)


def visit_line(status) -> str:
    """One planned visit and where it stands, e.g. “06-01 08:00 张伟：待排污单位确认”."""
    visit = status.visit
    people = "、".join(u.display_name for u in visit.samplers) or "—"
    return f"{visit.day:%m-%d} {visit.starts:%H:%M} {people}：{VISIT_STATUS[status.status]}"


def event_line(event) -> str:
    """What a trip event says, in words (services/field/event_text.py is the one place for them)."""
    return event_text.what(event.action, event.detail or {})
