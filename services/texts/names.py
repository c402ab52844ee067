"""The Chinese names both the chat (handlers/) and the web pages (web/) show: roles, point kinds, check-ins and
the sampling trip's closing states. Here, below both, so neither imports the other."""

ROLE_NAMES = {
    "agency_admin": "机构管理员",
    "sampler": "采样人员",
    "om_crew": "运维人员",
    "technical_lead": "技术负责人",
    "quality_lead": "质量负责人",
    "quality_supervisor": "质量监督员",
    "polluter_confirmer": "排污单位",
    "regulator": "管理部门",
    "system_admin": "系统管理员",
}
KIND_NAMES = {"wastewater": "废水", "flue_gas": "有组织废气", "fugitive": "无组织废气", "noise": "噪声"}
CHECK_IN_NAMES = {"arrival": "进场签到", "departure": "离场签到", "presence": "到场确认"}
# what a point's sampling location was measured against (models/trips.py, PointReference)
POINT_REFERENCE_NAMES = {"point": "点位登记位置", "site": "排污单位位置（该点位尚未登记位置）"}
# 运输保存: what a sample's packing records (models/trips.py, Sample)
TRANSPORT_FIELDS = {"container": "容器", "preservative": "保存剂", "storage": "保存条件"}
STATE_NAMES = {
    "awaiting_confirmation": "待排污单位确认",
    "rejected": "排污单位已退回",
    "completed": "已完成",
    "cancelled": "已取消",
}
# a self-monitoring scheme item's sampling mode (SchemeItem.sampling): the agency samples, or only analyses what
# the polluter samples and delivers
SCHEME_MODE_NAMES = {True: "采样", False: "仅分析"}
# where a task's planned visit stands (services/field/records.py: VisitStatus)
VISIT_STATUS_NAMES = {
    "no_trip": "未开始", "in_progress": "进行中", "awaiting_confirmation": "待排污单位确认",
    "rejected": "排污单位已退回", "completed": "已完成", "cancelled": "已取消",
}


def visit_line(status) -> str:
    """One planned visit and where it stands, e.g. “06-01 08:00 张伟：待排污单位确认”."""
    visit = status.visit
    people = "、".join(u.display_name for u in visit.samplers) or "—"
    return f"{visit.day:%m-%d} {visit.starts:%H:%M} {people}：{VISIT_STATUS_NAMES[status.status]}"
