"""Every event of the logs (trip, O&M visit, task) as one Chinese sentence with local times, in one place.

The pages of agencies and regulators and the exports read the logs through `sentence` (or `what` where the time
and the person have their own columns): no action code, raw value, dictionary or ISO timestamp reaches a user.
"""
from __future__ import annotations

from datetime import datetime

from models import clock
from services.texts.names import CHECK_IN_NAMES, TRANSPORT_FIELDS
from states.conditions import WORKING_CONDITIONS
from states.om_sheets import SHEETS
from states.om_visit import STATE_NAMES as VISIT_STATES
from states.receipt import RECEIPT_CHECK
from states.task import STATUS_NAMES
from states.trip import STATE_NAMES as TRIP_STATES

SYSTEM = "系统"
UNFILLED = "（未填）"
UNKNOWN = "进行了一项操作（类型未登记）"
PHOTOS = {"arrival": "进场照片", "sampling": "采样照片", "output": "仪器输出照片", "departure": "离场照片",
          "receipt": "送样接收照片", "sheet": "记录单照片"}
VIA = {"wechat": "通过微信", "web": "在网页上"}
STATES = {**STATUS_NAMES, **VISIT_STATES, **TRIP_STATES}
# the label of every field a log may name (forms share few names, and then mean the same thing)
FIELDS = {f.name: f for form in (WORKING_CONDITIONS, RECEIPT_CHECK, *SHEETS.values()) for f in form.fields}
LABELS = {name: f.label for name, f in FIELDS.items()}

# actions whose sentence needs no detail
FIXED = {
    "join": "加入现场运维", "resume": "继续现场运维", "cancel": "取消本次现场工作",
    "leave": "结束记录单填写，准备离场", "submit": "提交运维记录，等待排污单位签名确认",
    "resubmit": "更正后重新提交排污单位确认", "trip_resubmitted": "更正后重新提交排污单位确认",
    "submit_application": "提交委托申请", "reopen_plan": "退回修改监测方案", "submit_plan": "提交监测方案",
    "submit_schedule": "提交采样计划", "submit_sampling": "提交采样管理", "sampling_submitted": "提交采样管理",
    "close": "结束任务", "closed": "结束任务", "original_viewed": "查看照片原图",
    "receipt_back": "送样接收检查返回上一项", "receipt_confirmed": "确认送样接收检查",
    "report_number": "生成报告系统编号", "issue_report_number": "生成报告系统编号",
    "report_uploaded": "上传报告", "upload_report": "上传报告",
}


def sentence(event, actor: str | None) -> str:
    """“2026-11-26 10:35 张伟 将样品 261126-00001-01 的采样时间由 10:35 更正为 10:50”."""
    return f"{clock.fmt(event.at)} {actor or SYSTEM} {what(event.action, event.detail or {})}"


def what(action: str, detail: dict) -> str:
    """What the person did, in words; an action no table knows still reads as Chinese."""
    if action in FIXED:
        return _with_note(FIXED[action] + _stages(detail), detail)
    if action.startswith("check_in_"):
        return _check_in(action.removeprefix("check_in_"), detail)
    build = _BUILDERS.get(action)
    return build(detail) if build else UNKNOWN


def value_text(value) -> str:
    """One recorded value as a person reads it: 是/否, local times, lists joined."""
    if value is None or value == "":
        return UNFILLED
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list | tuple):
        return "、".join(value_text(v) for v in value) or UNFILLED
    if isinstance(value, dict):
        return "；".join(f"{LABELS.get(k, '一项')}：{value_text(v)}" for k, v in value.items())
    if isinstance(value, str) and len(value) >= 16 and value[10:11] == "T":
        return _local(value)
    return str(value)


def _answer(field: str | None, value) -> str:
    """A form's answer with its unit (生产负荷 85 %)."""
    unit = getattr(FIELDS.get(field), "unit", "")
    shown = value_text(value)
    return f"{shown} {unit}" if unit and isinstance(value, int | float) and not isinstance(value, bool) else shown


def _local(iso: str) -> str:
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    return clock.fmt(moment) if moment.tzinfo else moment.strftime("%Y-%m-%d %H:%M")


def _stages(detail: dict) -> str:
    """A task's step from one stage to the next, as the task page has always shown it."""
    if detail.get("from") in STATUS_NAMES and detail.get("to") in STATUS_NAMES:
        return f"（原阶段：{STATUS_NAMES[detail['from']]}；新阶段：{STATUS_NAMES[detail['to']]}）"
    return ""


def _with_note(text: str, detail: dict) -> str:
    note = detail.get("note")
    return f"{text}（说明：{note}）" if note else text


def _check_in(kind: str, detail: dict) -> str:
    where = CHECK_IN_NAMES.get(kind, "签到")
    parts = []
    if isinstance(detail.get("distance_m"), int | float):
        parts.append(f"距点位 {detail['distance_m']:.0f} 米")
    if "inside_fence" in detail:
        parts.append("在围栏内" if detail["inside_fence"] else "在围栏外")
    return f"{where}（{'，'.join(parts)}）" if parts else where


def _point_location(d: dict) -> str:
    reference = {"point": "点位登记位置", "site": "排污单位位置"}.get(d.get("reference"), "点位")
    parts = [f"距{reference} {d['distance_m']:.0f} 米"] if isinstance(d.get("distance_m"), int | float) else []
    if "far" in d:
        parts.append("超出范围" if d["far"] else "在范围内")
    if d.get("proposal"):
        parts.append("提交为点位登记位置")
    where = f"发送点位“{d['point']}”的位置" if d.get("point") else "发送点位位置"
    return f"{where}（{'，'.join(parts)}）" if parts else where


def _instrument(verb: str):
    return lambda d: f"{verb}仪器 {d['name']}（{d['asset_no']}）" if d.get("name") else f"{verb}仪器"


def _instruments(d: dict) -> str:
    return f"确认带到现场的仪器（{value_text(d['instruments'])}）" if d.get("instruments") else "确认带到现场的仪器"


def _point_instruments(d: dict) -> str:
    used = value_text(d.get("instruments") or [])
    how = "（仅 1 台，自动记录）" if d.get("only") else ""
    return f"记录点位“{d.get('point', '')}”使用的仪器：{used}{how}"


def _photo(d: dict) -> str:
    how = {True: "，相机现拍", False: "，非现场拍摄"}.get(d.get("live"), "")
    return f"发送{PHOTOS.get(d.get('purpose'), '照片')}{how}"


def _to(text: str):
    return lambda d: f"{text}，进入“{STATES.get(d.get('to'), '下一步')}”" if d.get("to") else text


def _decided(verb: str):
    def build(d: dict) -> str:
        text = f"{VIA.get(d.get('via'), '')}{verb}"
        if d.get("after_departure") or d.get("late"):
            text += "（离场后 / 逾期确认）"
        return f"{text}，原因：{d['reason']}" if d.get("reason") else text
    return build


def _corrected(d: dict) -> str:
    changes = "；".join(_change(c) for c in d.get("changes") or []) or "更正采样记录"
    return _with_note(changes, d)


def _change(c: dict) -> str:
    old, new = _answer(c.get("field"), c.get("old")), _answer(c.get("field"), c.get("new"))
    if "sample" in c:
        old, new = _same_day_times(old, new)
        return f"将样品 {c['sample']} 的采样时间由 {old} 更正为 {new}"
    return f"将“{c.get('label') or LABELS.get(c.get('field'), '一项')}”由 {old} 更正为 {new}"


def _same_day_times(old: str, new: str) -> tuple[str, str]:
    """“10:35 → 10:50” when both fall on one day (the sentence's own date says which); full times otherwise."""
    if len(old) == len(new) == 16 and old[:10] == new[:10]:
        return old[11:], new[11:]
    return old, new


def _sheet_corrected(d: dict) -> str:
    before, after = d.get("before") or {}, d.get("after") or {}
    changes = "；".join(f"将“{LABELS.get(n, '一项')}”由 {_answer(n, before.get(n))} 更正为 {_answer(n, after.get(n))}"
                        for n in after)
    return f"更正记录单：{changes}" if changes else "更正记录单"


def _sample_time(d: dict) -> str:
    samples = "、".join(d.get("samples") or [])
    return f"记录采样时间：样品 {samples} 为 {value_text(d.get('at'))}" if samples else "记录采样时间"


def _transport(d: dict) -> str:
    samples = "、".join(d.get("samples") or [])
    field = TRANSPORT_FIELDS.get(d.get("field"), "一项")
    return f"修改运输保存：样品 {samples} 的{field}为 {value_text(d.get('value'))}"


def _field(verb: str):
    return lambda d: f"{verb}“{LABELS.get(d.get('field'), '一项')}”：{_answer(d.get('field'), d.get('value'))}"


def _sheet(verb: str):
    return lambda d: f"{verb}“{SHEETS[d['form']].title}”" if d.get("form") in SHEETS else f"{verb}记录单"


def _listed(text: str, key: str, label: str):
    return lambda d: f"{text}（{label}：{value_text(d[key])}）" if d.get(key) else text


def _visit(text: str):
    def build(d: dict) -> str:
        when = f"{d.get('day', '')} {d.get('starts', '')}-{d.get('ends', '')}".strip(" -")
        people = f"，采样人员：{value_text(d['samplers'])}" if d.get("samplers") else ""
        gear = f"，设备：{value_text(d['equipment'])}" if d.get("equipment") else ""
        return f"{text}（{when}{people}{gear}）" if when else text
    return build


def _client_sampling(d: dict) -> str:
    return (f"登记委托方采样记录（{d.get('sampled_at', '')} 由 {d.get('sampled_by', UNFILLED)} 在 "
            f"{d.get('place', UNFILLED)} 采样，{d.get('files', 0)} 个文件）")


def _lab_received(d: dict) -> str:
    late = f"，超过保存时限的样品：{value_text(d['overdue'])}" if d.get("overdue") else ""
    return (f"实验室于 {d.get('received_at', '')} 接收样品（到达温度 {value_text(d.get('temperature'))} ℃，"
            f"接收人 {d.get('received_by', UNFILLED)}{late}）")


def _plan(d: dict) -> str:
    parts = [f"{label}{value_text(d[k])}" for k, label in (("added", "新增 "), ("removed", "移除 "),
                                                            ("changed", "修改 ")) if d.get(k)]
    return "保存监测方案" + (f"（{'，'.join(parts)}）" if parts else "")


_BUILDERS = {
    "photo": _photo, "receipt_photo": lambda d: "上传送样接收照片",
    "proceed": _to("完成本步"), "confirm": _to("核对确认"), "back": _to("返回上一步"), "catch_up": _to("同步网页填写的记录单"),
    "point_location": _point_location, "presence": lambda d: _check_in("presence", d),
    "start": lambda d: "开始行程" + ("（采样人员确认在计划时段外开始）" if d.get("off_schedule") else ""),
    "instrument_add": _instrument("增加"), "instrument_remove": _instrument("去掉"),
    "instruments_confirm": _instruments, "point_instruments": _point_instruments,
    "sample_time": _sample_time, "transport": _transport,
    "left_site": lambda d: f"记录样品离场时间：{value_text(d.get('at'))}",
    "condition": _field("填写采样工况"), "answer": _field("填写"),
    "receipt_answer": _field("填写送样接收检查"),
    "receipt_saved": lambda d: f"保存送样接收检查（{value_text(d['answers'])}）" if d.get("answers") else "保存送样接收检查",
    "pick_sheet": _sheet("选择"), "confirm_sheet": _sheet("确认"), "pick_instrument": lambda d: "选择记录单对应的仪器",
    "sheet_refused": _listed("记录单未通过检查", "problems", "问题"),
    "sheet_saved_web": lambda d: f"在网页上填写记录单（{len(d.get('fields') or [])} 项）",
    "sheet_corrected": _sheet_corrected,
    "approve": _decided("确认"), "trip_confirmed": _decided("确认采样记录"),
    "reject": _decided("退回"), "trip_rejected": _decided("退回采样记录"),
    "correct": _corrected, "trip_corrected": _corrected,
    "applied": _listed("新建委托任务", "code", "编号"), "application_revised": lambda d: "修改委托申请",
    "plan_saved": _plan, "point_added": _listed("新增监测点位", "point", "点位"),
    "visit_scheduled": _visit("安排采样"), "visit_removed": _visit("删除采样安排"),
    "client_sampling_saved": _client_sampling, "lab_received": _lab_received,
}
