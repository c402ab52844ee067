"""The limits the automatic QC (自动质控) checks O&M record sheets against — data, in one reviewable file.

Each limit carries the clause it comes from; services/om/qc.py applies them and quotes the clause in every
finding. Units: drifts in % of full scale (%F.S.), the standard-solution check in % relative error,
intervals in days, validity by calendar date (a certificate, standard or calibration "valid until D" is
valid on D and expired from D + 1).

Sources and how sure we are
---------------------------
The numbers are the ones commonly cited from HJ 75-2017 (flue-gas CEMS), HJ 355-2019 (water online
analysers) and HJ 1286-2023 (NMHC CEMS), as listed in docs/om-forms.md. They could NOT be confirmed against the
standards' text: the reference corpora searched for this work (documentation, web pages, public code) do not
hold the text of these standards, only secondary mentions. Every entry is therefore marked `confirmed=False`;
a reviewer holding the standards should check each number and clause and flip the flag. Clause references
name the standard and the part of it (table or requirement) rather than a section number where the number
was not certain.

Particulate out-of-control (失控) thresholds follow docs/om-forms.md (zero beyond ±3 %F.S., span beyond
±4 %F.S.); the flow-velocity out-of-control threshold (±8.0 %F.S.) is not in that list and is unconfirmed.

Not applied (no sheet records the numbers): the actual-water comparison bands of HJ 355-2019 (CODcr ±5 mg/L
below 30 mg/L, ±30 % 30–60, ±20 % 60–100, ±15 % from 100; NH3-N ±0.3 mg/L below 2 mg/L, ±15 % from 2) belong to
comparison reports (比对), not to the five record sheets; drift limits for water analysers, pH and NMHC are
not set (HJ 355-2019 checks water analysers by the standard-solution check below; HJ 1286-2023 limits not
confirmed), so their calibration sheets are checked for the standard material only.
"""
from __future__ import annotations

from dataclasses import dataclass

WARNING = "warning"  # beyond the limit: recalibrate / put right, data still usable
OUT_OF_CONTROL = "out_of_control"  # 失控: data invalid from the last good check until put right

SEVERITY_NAMES = {WARNING: "警告", OUT_OF_CONTROL: "失控"}

HJ75 = "HJ 75-2017"
HJ355 = "HJ 355-2019"
HJ1286 = "HJ 1286-2023"
DRIFT_TABLE = f"{HJ75} 定期校准技术指标及数据失控判别（零点漂移、量程漂移）"
CALIBRATION_PERIOD = f"{HJ75} 日常运行质量保证·定期校准周期"


@dataclass(frozen=True)
class DriftLimit:
    """Zero or span drift: within ±`limit` %F.S. passes; beyond ±`out_of_control` %F.S. is 失控."""

    limit: float
    out_of_control: float | None
    clause: str
    confirmed: bool = False


@dataclass(frozen=True)
class AnalyteClass:
    """What applies to an instrument of one `Instrument.analyte_class`."""

    label: str  # as the message names it
    standard: str  # the standard that governs it
    zero: DriftLimit | None
    span: DriftLimit | None
    # the longest interval between two calibrations recorded on calibration sheets, in days, for an
    # instrument without / with automatic calibration; None: not checked on sheets (see `interval_clause`)
    manual_interval_days: int | None
    auto_interval_days: int | None
    interval_clause: str
    # direct-measuring gaseous CEMS (直接测量法) may go longer without calibration than extractive ones
    direct_interval_days: int | None = None
    confirmed: bool = False


GAS_ZERO = DriftLimit(2.5, 5.0, DRIFT_TABLE)
GAS_SPAN = DriftLimit(2.5, 10.0, DRIFT_TABLE)
PARTICULATE_ZERO = DriftLimit(2.0, 3.0, DRIFT_TABLE)
PARTICULATE_SPAN = DriftLimit(2.0, 4.0, DRIFT_TABLE)
FLOW_ZERO = DriftLimit(3.0, 8.0, f"{HJ75} 定期校准技术指标及数据失控判别（流速零点漂移）")

# HJ 75-2017: CEMS with automatic calibration calibrate themselves every 24 h (the analyser's own record, not
# an O&M sheet), so crew calibration sheets of such instruments are not held to an interval here.
_AUTO_24H = "具备自动校准功能的每 24 h 自动校准一次，由仪器记录"
# HJ 355-2019: automatic calibration at most every 168 h (7 d), with or without the crew.
WATER_INTERVAL = f"{HJ355} 自动标样核查及校准（校准周期最长间隔不超过 168 h）"

CLASSES: dict[str, AnalyteClass] = {
    "gas": AnalyteClass(
        "气态污染物 CEMS", HJ75, GAS_ZERO, GAS_SPAN, 7, None,
        f"{CALIBRATION_PERIOD}（无自动校准功能的抽取式气态污染物 CEMS 至少每 7 d、直接测量法至少每 15 d 校准一次；"
        f"{_AUTO_24H}）", direct_interval_days=15),
    "o2": AnalyteClass(
        "氧气 CMS", HJ75, GAS_ZERO, GAS_SPAN, 7, None,
        f"{CALIBRATION_PERIOD}（氧量按气态污染物 CEMS 的要求；{_AUTO_24H}）", direct_interval_days=15),
    "particulate": AnalyteClass(
        "颗粒物 CEMS", HJ75, PARTICULATE_ZERO, PARTICULATE_SPAN, 15, None,
        f"{CALIBRATION_PERIOD}（无自动校准功能的颗粒物 CEMS 至少每 15 d 校准一次；{_AUTO_24H}）"),
    "flow": AnalyteClass(
        "流速 CMS", HJ75, FLOW_ZERO, None, 30, None,
        f"{CALIBRATION_PERIOD}（无自动校准功能的流速 CMS 至少每 30 d 零点校准一次；{_AUTO_24H}）"),
    "nmhc": AnalyteClass(
        "非甲烷总烃 CEMS", HJ1286, None, None, None, None,
        f"{HJ1286}（漂移限值与校准周期未核实，暂不检查）"),
    **{name: AnalyteClass(label, HJ355, None, None, 7, 7, WATER_INTERVAL) for name, label in (
        ("codcr", "化学需氧量（CODcr）水质自动分析仪"), ("nh3n", "氨氮水质自动分析仪"),
        ("tp", "总磷水质自动分析仪"), ("tn", "总氮水质自动分析仪"))},
    "ph": AnalyteClass("pH 水质自动分析仪", HJ355, None, None, None, None, f"{HJ355}（pH 无校准周期检查）"),
}

# Standard-solution check (标准溶液核查) of water analysers: relative error within ±10 %.
STANDARD_CHECK_LIMIT = 10.0
STANDARD_CHECK_CLAUSE = f"{HJ355} 标准溶液核查（相对误差不超过 ±10%）"

# Standard gases and solutions must be certified reference materials (有证标准物质) within their validity.
STANDARD_MATERIAL_CLAUSE = {
    HJ75: f"{HJ75} 校准用标准气体须为有证标准物质并在有效期内",
    HJ355: f"{HJ355} 标准溶液须为有证标准物质（或按规定配制）并在有效期内",
    HJ1286: f"{HJ1286} 校准用标准气体须为有证标准物质并在有效期内",
}
NOT_CERTIFIED = frozenset({"无", "没有", "无证书", "/", "-", "—"})  # answers meaning "no certificate"
REAGENT_CLAUSE = f"{HJ355} 日常巡检：试剂应在有效期内使用"
CYLINDER_CLAUSE = f"{HJ75} 日常巡检：标准气体应在有效期内"

# People and equipment (备案 of the O&M agency, seed guide §2.2.1 / §2.2.2).
STAFF_CLAUSE = "运维机构备案要求 2.2.1：运维人员须持有效期内的运维能力评定证书"
EQUIPMENT_CLAUSE = "运维机构备案要求 2.2.2：运维设备须在检定/校准有效期内"


@dataclass(frozen=True)
class Rule:
    title: str
    severity: str  # the severity unless the rule grades it (drifts: warning, then out_of_control)


# Rule codes stored in QcFinding.rule. Sheet rules are replaced whenever the sheet is reviewed again;
# visit rules whenever the visit is.
SHEET_RULES: dict[str, Rule] = {
    "zero_drift": Rule("零点漂移超限", WARNING),
    "span_drift": Rule("量程漂移超限", WARNING),
    "standard_check": Rule("标准溶液核查不合格", OUT_OF_CONTROL),
    "standard_expired": Rule("标准物质过期", OUT_OF_CONTROL),
    "standard_uncertified": Rule("标准物质无证书", OUT_OF_CONTROL),
    "cylinder_expired": Rule("标准气体过期", WARNING),
    "reagent_expired": Rule("试剂过期", WARNING),
}
VISIT_RULES: dict[str, Rule] = {
    "calibration_interval": Rule("校准间隔超期", WARNING),
    "staff_certificate": Rule("人员证书无效", WARNING),
    "equipment_calibration": Rule("设备检定/校准过期", WARNING),
}
RULES = {**SHEET_RULES, **VISIT_RULES}
OTHER_RULE = "其他质控问题"


def rule_title(code: str) -> str:
    """A rule's Chinese title; a code no table knows (an older rule) still reads as Chinese."""
    return RULES[code].title if code in RULES else OTHER_RULE
