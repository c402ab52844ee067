"""The panel's navigation per role: (endpoint, label)."""
from __future__ import annotations

from services.notifying import notices
from services.texts.names import ROLE_NAMES
from web.access import me
from web.db import db

NAV = {
    "agency_admin": [("agency.home", "工作台"), ("filing.edit", "备案管理"), ("agency.accounts_page", "人员账号"),
                     ("contracts.index", "合同管理"),
                     ("tasks.index", "监测任务"), ("records.trips", "采样行程"), ("positions.index", "点位位置建议")],
    "sampler": [("agency.home", "我的采样任务")],
    **{role: [("agency.home", "工作台")]
       for role in ("om_crew", "technical_lead", "quality_lead", "quality_supervisor")},
    "polluter_confirmer": [("polluter.home", "待确认采样行程"), ("polluter.account", "账户与微信绑定"),
                           ("polluter.site", "污染源基本信息"), ("positions.index", "点位位置建议")],
    "regulator": [("regulator.home", "监管工作台"), ("review.index", "备案审核"), ("regulator.tasks", "任务监管"),
                  ("om.visits", "运维记录"), ("regulator.om_oversight_page", "运维监管"),
                  ("regulator.credit_agencies", "运维信用评价"),
                  ("om.qc_findings", "运维质控"), ("regulator.coverage_page", "覆盖情况"),
                  ("inspections.draws", "双随机抽查"), ("inspections.inspection_list", "检查记录"),
                  ("notices.urging_desk", "督促")],
    "system_admin": [("admin.home", "系统管理"), ("admin.accounts_page", "账号管理"), ("admin.parks", "园区"),
                     ("directory.index", "名录库"), ("review.index", "备案审核"), ("help.edit", "帮助中心"),
                     ("help.feedback_list", "意见反馈")],
}
NAV["polluter_confirmer"] = [*NAV["polluter_confirmer"], ("polluter.om_visits", "污染源运维")]  # 业务管理 → 污染源运维

# added for the administrator of an O&M agency (运维机构, 自主检测&运维排污企业)
OM_AGENCY_NAV = [("om.plans", "运维计划"), ("om.tasks", "现场运维任务"), ("om.visits", "运维记录"),
                 ("om.reports", "比对校验报告"), ("credit.index", "信用评价信息"), ("om.qc_findings", "质控发现")]
OM_AGENCY_KINDS = ("om", "self_monitoring_om")
MONITORING_ONLY = ("tasks.index", "records.trips")


def nav_links() -> list[tuple[str, str]]:
    user = me()
    links = NAV.get(user.role, [])
    if user.role == "agency_admin" and user.agency is not None and user.agency.kind in OM_AGENCY_KINDS:
        if user.agency.kind == "om":  # an O&M agency runs no monitoring tasks or sampling trips
            links = [link for link in links if link[0] not in MONITORING_ONLY]
        links = links + OM_AGENCY_NAV
    return links


def nav_name() -> str:
    user = me()
    return f"{user.display_name}（{ROLE_NAMES.get(user.role, user.role)}）"


def unread_notices() -> int:
    return notices.unread(db(), me())
