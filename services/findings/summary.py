"""A finding in words for the pages: its Chinese title and one line of its evidence."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from models import Finding, clock
from services.findings.facts import Subject
from services.texts.names import CHECK_IN_NAMES, POINT_REFERENCE_NAMES
from states.findings import BY_CODE, SEVERITY_NAMES

STATUS_NAMES = {"open": "待核查", "confirmed": "已确认异常", "cleared": "已排除"}
KIND_NAMES = CHECK_IN_NAMES  # a check-in's kind


def _subject(key: str) -> str:
    kind, _, ident = key.partition(":")
    return f"{'采样行程' if kind == 'trip' else '现场运维'} #{ident}"


def _time(value: str | None) -> str:
    return value[:16].replace("T", " ") if value else "—"


# one sentence per code, from the evidence the rule records (states/findings.py)
SENTENCES = {
    "outside_fence": lambda e: f"{KIND_NAMES.get(e['kind'], e['kind'])}距点位 {e['distance_m']} 米，围栏 {e['fence_m']} 米",
    "point_outside": lambda e: f"点位 {e['point_name']} 采样位置距{POINT_REFERENCE_NAMES[e['reference']]}"
    f" {e['distance_m']} 米（允许 {e['allowed_m']} 米）",
    "photo_reused": lambda e: "与" + "、".join(f"{_subject(o['subject'])} 照片 {o['photo']}" for o in e["others"])
    + " 字节完全相同",
    "photo_near_duplicate": lambda e: f"照片 {e['photo']} 与" + "、".join(
        f"{_subject(o['subject'])} 照片 {o['photo']}（差异 {o['distance']} 位）" for o in e["others"])
    + f" 高度相似（相同阈值 {e['max_distance']} 位）",
    "copied_readings": lambda e: f"{e['sheet_title']}的 {len(e['readings'])} 个读数（"
    + "、".join(f"{v:g}" for v in e["readings"].values()) + "）与"
    + "、".join(f"{_subject(o['subject'])} 记录单 {o['sheet']}" for o in e["others"]) + " 完全相同",
    "signature_reused": lambda e: f"{_time(e['decided_at'])} 的签名与" + "、".join(
        f"{_subject(o['subject'])} {_time(o['decided_at'])} 的签名（差异 {o['distance']} 位）" for o in e["others"])
    + " 雷同",
    "exif_time_mismatch": lambda e: f"照片 {e['photo']} 拍摄于 {_time(e['exif_time'])}，在现场时段"
    f" {_time(e['window_from'])}–{_time(e['window_to'])} 之外 {e['minutes_outside']:g} 分钟",
    "exif_place_mismatch": lambda e: f"照片 {e['photo']} 拍摄位置距排污单位 {e['distance_m']} 米（允许 {e['allowed_m']} 米）",
    "short_visit": lambda e: f"现场停留 {e['minutes_on_site']:g} 分钟，所做工作至少需要 {e['minimum_minutes']:g} 分钟",
    "sample_time_outside_visit": lambda e: f"样品 {e['code']} 采样时间 {_time(e['sampled_at'])}，进场"
    f" {_time(e['arrival'])}，离场 {_time(e['departure'])}",
    "off_schedule": lambda e: f"进场 {_time(e['arrival'])}，计划时段 {_time(e['window_from'])}–{_time(e['window_to'])}",
    "overlapping_visits": lambda e: f"与{_subject(e['other'])}（{e['other_site']}）现场时段重叠"
    f" {e['overlap_minutes']:g} 分钟",
    "instrument_expired": lambda e: f"仪器 {e['name']}（{e['asset_no']}）检定/校准有效期至"
    f" {e['valid_until'] or '（未登记）'}，采样日 {e['day']}",
    "instrument_double_booked": lambda e: f"仪器 {e['name']}（{e['asset_no']}）同时记录在{_subject(e['other'])}"
    f"（{e['other_site']}），现场时段重叠 {e['overlap_minutes']:g} 分钟",
    "impossible_travel": lambda e: f"与{_subject(e['other'])}（{e['other_site']}）之间 {e['distance_m']} 米仅用"
    f" {e['minutes']:g} 分钟，直线速度 {e['speed_kmh'] if e['speed_kmh'] is not None else '∞'} 公里/小时",
    "crew_absent": lambda e: f"{e['name']} 在现场时段 {_time(e['window_from'])}–{_time(e['window_to'])}"
    + (f" 未用本人微信在现场签到：最近的一次{KIND_NAMES.get(e['nearest']['kind'], '签到')}在 "
       f"{_time(e['nearest']['at'])}，距现场 {e['nearest']['distance_m']} 米（允许 {e['allowed_m']} 米）"
       if e["nearest"] else " 未用本人微信签到或到场确认"),
    "confirmation_missing": lambda e: "已提交，排污单位尚未确认",
    "after_departure": lambda e: f"确认时间 {_time(e['decided_at'])}，离场 {_time(e['departure'])}",
    "planned_sheet_missing": lambda e: f"计划要求的{e['sheet_title']}未填写",
}


@dataclass
class Shown:
    finding: Finding
    title: str
    severity: str
    status: str
    summary: str


def shown(finding: Finding) -> Shown:
    rule = BY_CODE[finding.code]
    return Shown(finding, rule.title, SEVERITY_NAMES[rule.severity], STATUS_NAMES[finding.status],
                 SENTENCES[finding.code](finding.evidence))


def of_subject(db: Session, subject: Subject) -> list[Shown]:
    return [shown(f) for f in db.scalars(subject.findings().order_by(Finding.id))]


LOG_ACTIONS = {"raised": "发现", "withdrawn": "撤销（条件已不成立）"}


def log_line(entry, actor: str | None) -> str:
    """An entry of the findings log: “2026-11-26 10:35 系统 发现异常线索“签到位置在电子围栏外”” or a reviewer's
    decision with its reason."""
    title = BY_CODE[entry.code].title if entry.code in BY_CODE else "（规则已停用）"
    if entry.action == "decided":
        what = f"核查异常线索“{title}”：{STATUS_NAMES[entry.detail['status']]}（理由：{entry.detail['reason']}）"
    else:
        what = f"{LOG_ACTIONS[entry.action]}异常线索“{title}”"
    return f"{clock.fmt(entry.at)} {actor or '系统'} {what}"
