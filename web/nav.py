"""The panel's navigation per role: (endpoint, label)."""
from __future__ import annotations

from handlers.texts import ROLE_NAMES
from web.access import me

NAV = {
    "agency_admin": [("agency.home", "工作台"), ("filing.edit", "备案管理"), ("contracts.index", "合同管理"),
                     ("tasks.index", "监测任务"), ("records.trips", "采样行程")],
    "sampler": [("agency.home", "我的采样任务")],
    "polluter_confirmer": [("polluter.home", "待确认采样行程"), ("polluter.account", "账户与微信绑定"),
                           ("polluter.site", "污染源基本信息")],
    "regulator": [("regulator.home", "监管工作台"), ("review.index", "备案审核"), ("regulator.tasks", "任务监管")],
    "system_admin": [("admin.home", "系统管理"), ("review.index", "备案审核")],
}


def nav_links() -> list[tuple[str, str]]:
    return NAV.get(me().role, [])


def nav_name() -> str:
    user = me()
    return f"{user.display_name}（{ROLE_NAMES.get(user.role, user.role)}）"
