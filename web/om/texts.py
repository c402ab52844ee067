"""Words of the O&M record pages and exports."""
from __future__ import annotations

from services.texts.names import CHECK_IN_NAMES
from states.om_visit import STATE_NAMES
from states.qc_limits import SEVERITY_NAMES

VISIT_STATE = STATE_NAMES  # beside the visit machine (states/om_visit.py)
SEVERITY = SEVERITY_NAMES  # the QC's own words (states/qc_limits.py)
CHECK_IN = CHECK_IN_NAMES
PHOTO_PURPOSE = {"arrival": "进场照片", "departure": "离场照片", "sheet": "记录单照片"}
PHOTO_STATUS = {"pending": "接收中", "failed": "未能从微信接收（已通知运维人员重新拍摄）"}
CONFIRMATION = {"pending": "待确认", "confirmed": "已确认", "rejected": "已退回"}
NO_CONFIRMATION = "尚未提交确认"
LATE = "逾期确认"

VISIT_HEADERS = ("运维记录号", "运维计划", "排污单位", "运维机构", "计划日期", "状态", "运维人员", "进场签到",
                 "离场签到", "记录单", "质控发现数", "排污单位确认", "确认时间", "逾期确认")
FINDING_HEADERS = ("运维记录号", "计划日期", "排污单位", "运维机构", "记录单", "规则", "级别", "依据条款", "问题", "规则代码")
FINDING_CODE_COLUMNS = (10,)  # the rule codes stay for other systems, hidden from the reader
VISITS_TITLE = "运维记录列表"
FINDINGS_TITLE = "运维质控发现"
BAD_DATE = "日期格式不正确，请使用 2026-01-31 这样的格式。"

CORRECTED = "已更正 {n} 项，质控已重新核查。请核对后“重新提交排污单位确认”。"
NOTHING_CORRECTED = "内容没有变化。"
RESUBMIT_HINT = "排污单位已退回本次运维记录。请更正有误的记录单后重新提交，排污单位将收到新的签名确认通知。"
