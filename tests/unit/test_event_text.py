"""Every event of the logs reads as a Chinese sentence: no action code, raw value, dictionary or ISO time."""
from __future__ import annotations

import re
from datetime import datetime, timezone
from types import SimpleNamespace

import pytest

from services.field.event_text import UNKNOWN, sentence, what
from tests.support.words import written_actions

CORRECTED_TIME = {"note": "笔误", "changes": [
    {"sample": "261126-00001-01", "old": "2026-11-26T10:35+08:00", "new": "2026-11-26T10:50+08:00"}]}
SENTENCES = [
    ("start", {}, "开始行程"),
    ("join", {}, "加入现场运维"),
    ("resume", {}, "继续现场运维"),
    ("check_in_arrival", {"distance_m": 12.4, "inside_fence": True}, "进场签到（距点位 12 米，在围栏内）"),
    ("check_in_departure", {"distance_m": 830.0, "inside_fence": False}, "离场签到（距点位 830 米，在围栏外）"),
    ("point_location", {"point": "废水总排口", "distance_m": 12.4, "reference": "point", "far": False,
                        "proposal": None}, "发送点位“废水总排口”的位置（距点位登记位置 12 米，在范围内）"),
    ("point_location", {"point": "雨水排口", "distance_m": 40.0, "reference": "site", "far": False, "proposal": 3},
     "发送点位“雨水排口”的位置（距排污单位位置 40 米，在范围内，提交为点位登记位置）"),
    ("instrument_add", {"equipment": 3, "name": "便携式 pH 计", "asset_no": "GT-EQ-002"},
     "增加仪器 便携式 pH 计（GT-EQ-002）"),
    ("instrument_remove", {"equipment": 3, "name": "便携式 pH 计", "asset_no": "GT-EQ-002"},
     "去掉仪器 便携式 pH 计（GT-EQ-002）"),
    ("instruments_confirm", {"instruments": ["GT-EQ-001", "GT-EQ-002"]},
     "确认带到现场的仪器（GT-EQ-001、GT-EQ-002）"),
    ("point_instruments", {"point": "废水总排口", "instruments": ["GT-EQ-002"]},
     "记录点位“废水总排口”使用的仪器：GT-EQ-002"),
    ("point_instruments", {"point": "雨水排口", "instruments": ["GT-EQ-001"], "only": True},
     "记录点位“雨水排口”使用的仪器：GT-EQ-001（仅 1 台，自动记录）"),
    ("photo", {"photo": 3, "purpose": "sampling", "live": True}, "发送采样照片，相机现拍"),
    ("photo", {"photo": 4, "purpose": "sheet", "sheet": 2, "live": False}, "发送记录单照片，非现场拍摄"),
    ("proceed", {"to": "sample_time"}, "完成本步，进入“现场采样（采样时间）”"),
    ("sample_time", {"at": "2026-11-26T02:35:00+00:00", "samples": ["261126-00001-01", "261126-00001-02"]},
     "记录采样时间：样品 261126-00001-01、261126-00001-02 为 2026-11-26 10:35"),
    ("condition", {"field": "production_status", "value": "正常生产"}, "填写采样工况“"),
    ("confirm", {"to": "departure_location"}, "核对确认，进入“离场签到（定位）”"),
    ("back", {"to": "arrival_photo"}, "返回上一步，进入“进场签到（照片）”"),
    ("cancel", {}, "取消本次现场工作"),
    ("approve", {"via": "wechat", "confirmation": 2, "after_departure": False}, "通过微信确认"),
    ("approve", {"via": "web", "confirmation": 2, "late": True, "signature": "s/1.png"}, "在网页上确认（离场后 / 逾期确认）"),
    ("reject", {"via": "wechat", "confirmation": 2, "reason": "采样时间不对"}, "通过微信退回，原因：采样时间不对"),
    ("correct", CORRECTED_TIME, "将样品 261126-00001-01 的采样时间由 10:35 更正为 10:50（说明：笔误）"),
    ("correct", {"note": "改正", "changes": [{"field": "load", "label": "生产负荷", "old": "80", "new": "90"}]},
     "将“生产负荷”由 80 更正为 90（说明：改正）"),
    ("resubmit", {}, "更正后重新提交排污单位确认"),
    ("client_sampling_saved", {"sampled_by": "王五", "place": "1 号排口", "sampled_at": "2026-11-25 09:00", "files": 2},
     "登记委托方采样记录（2026-11-25 09:00 由 王五 在 1 号排口 采样，2 个文件）"),
    ("lab_received", {"trip": 3, "received_at": "2026-11-26 18:00", "temperature": 4.5, "received_by": "李四",
                      "overdue": ["261126-00001-01"]},
     "实验室于 2026-11-26 18:00 接收样品（到达温度 4.5 ℃，接收人 李四，超过保存时限的样品：261126-00001-01）"),
    ("resubmit", {"note": "已补拍"}, "更正后重新提交排污单位确认（说明：已补拍）"),
    ("pick_sheet", {"sheet": 1, "form": "calibration", "instrument": 1}, "选择“校准记录单”"),
    ("pick_instrument", {"sheet": 1, "instrument": 1}, "选择记录单对应的仪器"),
    ("answer", {"sheet": 1, "field": "nope", "value": None}, "填写“一项”：（未填）"),
    ("sheet_refused", {"sheet": 1, "problems": ["零点漂移超限"]}, "记录单未通过检查（问题：零点漂移超限）"),
    ("confirm_sheet", {"sheet": 1, "form": "repair"}, "确认“维修记录单”"),
    ("submit", {"to": "awaiting_confirmation"}, "提交运维记录，等待排污单位签名确认"),
    ("leave", {}, "结束记录单填写，准备离场"),
    ("catch_up", {"to": "sheet_photo", "sheet": 1}, "同步网页填写的记录单，进入“记录单照片”"),
    ("sheet_saved_web", {"sheet": 1, "fields": ["a", "b"]}, "在网页上填写记录单（2 项）"),
    ("sheet_corrected", {"sheet": 1, "before": {"x": None}, "after": {"x": True}}, "更正记录单：将“一项”由 （未填） 更正为 是"),
    ("trip_confirmed", {"trip": 1, "via": "web"}, "在网页上确认采样记录"),
    ("trip_rejected", {"trip": 1, "via": "wechat", "reason": "缺照片"}, "通过微信退回采样记录，原因：缺照片"),
    ("trip_corrected", {"trip": 1, **CORRECTED_TIME}, "将样品 261126-00001-01 的采样时间由 10:35 更正为 10:50"),
    ("trip_resubmitted", {"trip": 1}, "更正后重新提交排污单位确认"),
    ("applied", {"code": "T-1", "name": "废水"}, "新建委托任务（编号：T-1）"),
    ("application_revised", {"name": "废水"}, "修改委托申请"),
    ("submit_application", {"from": "application", "to": "planning"}, "提交委托申请（原阶段：委托任务申请；新阶段：方案编制）"),
    ("plan_saved", {"added": ["DW001"], "removed": [], "changed": []}, "保存监测方案（新增 DW001）"),
    ("point_added", {"point": "DW002", "kind": "wastewater"}, "新增监测点位（点位：DW002）"),
    ("submit_plan", {}, "提交监测方案"), ("reopen_plan", {}, "退回修改监测方案"), ("submit_schedule", {}, "提交采样计划"),
    ("visit_scheduled", {"visit": 1, "day": "2026-11-27", "starts": "08:00", "ends": "10:00", "samplers": ["张伟"],
                         "equipment": []}, "安排采样（2026-11-27 08:00-10:00，采样人员：张伟）"),
    ("visit_removed", {"visit": 1, "day": "2026-11-27", "starts": "08:00", "ends": "10:00"},
     "删除采样安排（2026-11-27 08:00-10:00）"),
    ("submit_sampling", {}, "提交采样管理"), ("close", {}, "结束任务"), ("original_viewed", {"photo": 1}, "查看照片原图"),
    ("receipt_saved", {"answers": {"integrity": "完好无损"}}, "保存送样接收检查（"),
    ("receipt_answer", {"field": "integrity", "value": "完好无损"}, "填写送样接收检查“"),
    ("receipt_back", {}, "送样接收检查返回上一项"), ("receipt_confirmed", {}, "确认送样接收检查"),
    ("receipt_photo", {"photo": 5}, "上传送样接收照片"),
    ("presence", {"distance_m": 42.4, "inside_fence": True}, "到场确认（距点位 42 米，在围栏内）"),
    ("issue_report_number", {"number": "X-2026-001"}, "生成报告系统编号"), ("upload_report", {}, "上传报告"),
]
RAW = re.compile(r"[A-Za-z_]{3,}|\{'|\['|\d{4}-\d{2}-\d{2}T")


@pytest.mark.parametrize(("action", "detail", "expected"), SENTENCES, ids=[f"{a}-{i}" for i, (a, _, _) in
                                                                            enumerate(SENTENCES)])
def test_each_logged_action_reads_as_a_chinese_sentence(action, detail, expected):
    said = what(action, detail)
    assert expected in said
    assert not RAW.search(said), said


def test_a_correction_reads_with_local_time_and_name_as_in_the_issue():
    event = SimpleNamespace(at=datetime(2026, 11, 26, 2, 35, tzinfo=timezone.utc), action="correct",
                            detail=CORRECTED_TIME)
    assert sentence(event, "张伟") == ("2026-11-26 10:35 张伟 将样品 261126-00001-01 的采样时间由 10:35 更正为 10:50"
                                     "（说明：笔误）")


def test_an_action_nobody_named_still_reads_as_chinese_never_its_code():
    assert what("frobnicate_sheet", {"x": 1}) == UNKNOWN
    event = SimpleNamespace(at=datetime(2026, 11, 26, 2, 35, tzinfo=timezone.utc), action="zap", detail=None)
    assert sentence(event, None) == f"2026-11-26 10:35 系统 {UNKNOWN}"


def test_every_action_the_services_write_has_its_own_sentence():
    written = written_actions()
    assert {"approve", "reject", "correct", "resubmit", "trip_corrected", "receipt_saved", "visit_removed"} <= written
    assert [a for a in sorted(written) if what(a, {}) == UNKNOWN] == []
