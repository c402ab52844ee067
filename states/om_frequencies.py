"""How often the standards want each O&M record sheet done, and how often comparison/verification reports are
due: one reviewable table of data, each number with the clause it comes from.

A plan item (OmPlanItem) takes its default frequency from `standard_for(...)`; a frequency longer than the rule's
`maximum` is refused with the clause. `maximum=None` means the standard sets no interval for that sheet (repairs,
consumables and standard materials are done as needed): the default is only a suggestion.

Rules are matched in order, first match wins: the sheet, the point's medium ("flue_gas" or "wastewater"), the
instrument's analyte class (models/om.py Instrument.analyte_class) and whether it calibrates itself
(Instrument.auto_calibration); `None` in a rule matches anything. Every sheet ends with a catch-all rule, so
every sheet always has a default.

Sources: HJ 75-2017 (flue-gas CEMS: SO2, NOx, particulates, with O2 and flow), HJ 355-2019 (water online
analysers: CODCr, NH3-N, TP, TN, pH, flow), HJ 1286-2023 (NMHC CEMS), and ../shared/docs/om-forms.md.
Checking: the standards' texts were searched for (search tool, corpora pages/docs/code, Nov 2026) and are not in
the stored corpora; no number below could be checked against the standard's own text. Every rule therefore says
`confirmed=False`; the numbers are the ones commonly cited and listed in om-forms.md, kept here as data so a
reviewer with the standard at hand changes one line. Clause numbers are given as commonly cited, to verify too.
Known gaps, marked in the rules: HJ 75-2017 distinguishes extractive from direct-measuring gaseous CEMS (7 vs 15
days without automatic calibration) but the instrument register does not record which — the stricter 7 days
is used; the HJ 1286-2023 (NMHC) and HJ 355-2019 intervals are the least certain.
"""
from __future__ import annotations

from dataclasses import dataclass

from states.qc_limits import CLASSES as QC_CLASSES

FLUE_GAS, WASTEWATER = "flue_gas", "wastewater"

# analyte classes (Instrument.analyte_class) by medium
GASEOUS = frozenset({"gas", "o2"})  # SO2, NOx and the O2 of the gaseous CEMS
PARTICULATE = frozenset({"particulate"})
FLOW = frozenset({"flow"})
NMHC = frozenset({"nmhc"})
WATER_ANALYSERS = frozenset({"codcr", "nh3n", "tp", "tn"})
PH = frozenset({"ph"})
FLUE_GAS_CLASSES = GASEOUS | PARTICULATE | FLOW | NMHC
WATER_CLASSES = WATER_ANALYSERS | PH


@dataclass(frozen=True)
class Rule:
    """A sheet's interval for instruments matching (medium, classes, auto): `days` the plan's default,
    `maximum` the longest interval allowed (None: no interval set by the standard)."""

    sheet: str
    medium: str | None
    classes: frozenset[str] | None
    auto: bool | None
    days: int
    maximum: int | None
    clause: str
    confirmed: bool = False

    def matches(self, sheet: str, medium: str | None, analyte_class: str | None, auto: bool) -> bool:
        return (self.sheet == sheet and self.medium in (None, medium)
                and (self.classes is None or analyte_class in self.classes) and self.auto in (None, auto))


R = Rule


def _qc(analyte_class: str) -> int:
    """The longest calibration interval the automatic QC holds calibration sheets to (states/qc_limits.py):
    the plan's calibration frequency may not be longer, so the two never disagree."""
    return QC_CLASSES[analyte_class].manual_interval_days
RULES: tuple[Rule, ...] = (
    # 日常巡检记录单 — daily inspection
    R("daily_inspection", FLUE_GAS, None, None, 7, 7, "HJ 75-2017 11.2 日常巡检：CEMS 日常巡检间隔不超过 7 天"),
    R("daily_inspection", WASTEWATER, None, None, 7, 7,
      "HJ 355-2019 日常巡检：水污染源在线监测系统每 7 天至少巡检 1 次"),
    R("daily_inspection", None, None, None, 7, 7, "HJ 75-2017 11.2 / HJ 355-2019：日常巡检每 7 天至少 1 次"),

    # 校准记录单 — calibration (zero and span)
    R("calibration", FLUE_GAS, GASEOUS, False, _qc("gas"), _qc("gas"),
      "HJ 75-2017 12.2 d)：无自动校准功能的抽取式气态污染物 CEMS 每 7 天至少校准一次零点和量程"
      "（直接测量法为 15 天；仪器登记未区分，按较严的 7 天）"),
    R("calibration", FLUE_GAS, GASEOUS, True, 30, 90,
      "HJ 75-2017 12.2 a)、e)：具有自动校准功能的每 24 h 至少自动校准一次；抽取式气态污染物 CEMS 每 3 个月"
      "至少进行一次全系统校准"),
    R("calibration", FLUE_GAS, PARTICULATE, False, _qc("particulate"), _qc("particulate"),
      "HJ 75-2017 12.2 b)：无自动校准功能的颗粒物 CEMS 每 15 天至少校准一次零点和量程"),
    R("calibration", FLUE_GAS, PARTICULATE, True, 30, None,
      "HJ 75-2017 12.2 a)：具有自动校准功能的颗粒物 CEMS 每 24 h 至少自动校准一次零点和量程（现场校准间隔未规定）"),
    R("calibration", FLUE_GAS, FLOW, False, _qc("flow"), _qc("flow"),
      "HJ 75-2017 12.2 f)：无自动校准功能的流速 CMS 每 30 天至少进行一次零点校准"),
    R("calibration", FLUE_GAS, FLOW, True, 30, None,
      "HJ 75-2017 12.2 f)：具有自动校准功能的流速 CMS 每 24 h 至少进行一次零点校准（现场校准间隔未规定）"),
    R("calibration", FLUE_GAS, NMHC, False, 7, 7,
      "HJ 1286-2023：无自动校准功能的非甲烷总烃 CEMS 定期校准（按 HJ 75-2017 抽取式气态污染物每 7 天，待核对）"),
    R("calibration", FLUE_GAS, NMHC, True, 30, None,
      "HJ 1286-2023：具有自动校准功能的非甲烷总烃 CEMS 每 24 h 自动校准（现场校准间隔未规定，待核对）"),
    R("calibration", WASTEWATER, WATER_ANALYSERS, None, _qc("codcr"), _qc("codcr"),
      "HJ 355-2019 标准溶液核查与校准：CODCr、NH3-N、TP、TN 水质自动分析仪每 7 天至少 1 次（待核对）"),
    R("calibration", WASTEWATER, PH, None, 30, 30, "HJ 355-2019：pH 水质自动分析仪每月至少校准 1 次（待核对）"),
    R("calibration", WASTEWATER, None, None, 30, None,
      "HJ 355-2019：流量计等按仪器说明书定期校准（未规定统一间隔）"),
    R("calibration", None, None, None, 7, 7, "HJ 75-2017 12.2 / HJ 355-2019：定期校准"),

    # 维修记录单 — repair: when a fault is found, no interval
    R("repair", None, None, None, 7, None,
      "HJ 75-2017 11.5 / HJ 355-2019：发现故障及时维修，无固定周期（默认随巡检）"),
    # 易耗品更换记录单 — consumables: per the analyser's manual and the periodic maintenance
    R("consumables", FLUE_GAS, None, None, 90, None,
      "HJ 75-2017 12.3 定期维护：过滤器、采样探头、泵膜等定期检查、更换（默认每 3 个月，按说明书）"),
    R("consumables", None, None, None, 30, None, "HJ 355-2019 定期维护：试剂、泵管等易耗品按说明书定期更换"),
    # 标准物质更换记录单 — standard materials: before they expire
    R("standard_materials", None, None, None, 30, None,
      "HJ 75-2017 / HJ 355-2019：标准气体、标准溶液须在有效期内使用，到期前更换（无固定周期）"),
)


@dataclass(frozen=True)
class ReportRule:
    """Comparison (比对) or verification (校验) reports due every `months` months for matching instruments."""

    kind: str  # comparison | verification
    medium: str
    classes: frozenset[str] | None
    auto: bool | None
    months: int
    clause: str
    confirmed: bool = False

    def matches(self, kind: str, medium: str | None, analyte_class: str | None, auto: bool) -> bool:
        return (self.kind == kind and self.medium == medium
                and (self.classes is None or analyte_class in self.classes) and self.auto in (None, auto))


REPORT_KINDS = {"comparison": "比对", "verification": "校验"}

REPORT_RULES: tuple[ReportRule, ...] = (
    # flue gas: verification (校验) with the reference methods, per om-forms.md
    ReportRule("verification", FLUE_GAS, GASEOUS | PARTICULATE | FLOW, False, 3,
               "HJ 75-2017 12.4 定期校验：无自动校准功能的 CEMS 每 3 个月至少校验一次"),
    ReportRule("verification", FLUE_GAS, GASEOUS | PARTICULATE | FLOW, True, 6,
               "HJ 75-2017 12.4 定期校验：具有自动校准功能的 CEMS 每 6 个月至少校验一次"),
    ReportRule("verification", FLUE_GAS, NMHC, False, 3,
               "HJ 1286-2023 定期校验：无自动校准功能的每 3 个月至少一次（按 HJ 75-2017，待核对）"),
    ReportRule("verification", FLUE_GAS, NMHC, True, 6,
               "HJ 1286-2023 定期校验：具有自动校准功能的每 6 个月至少一次（按 HJ 75-2017，待核对）"),
    # water: comparison (比对) with the laboratory method on actual water samples
    ReportRule("comparison", WASTEWATER, WATER_CLASSES, None, 1,
               "HJ 355-2019 实际水样比对试验：水质自动分析仪每月至少进行 1 次"),
    ReportRule("comparison", WASTEWATER, FLOW, None, 3, "HJ 355-2019 流量计比对：每季度至少 1 次（待核对）"),
)


def medium_of(point_kind: str | None, analyte_class: str | None) -> str | None:
    """The medium a rule is chosen by: the point's kind, or else what the analyte class implies."""
    if point_kind in (FLUE_GAS, WASTEWATER):
        return point_kind
    if analyte_class in FLUE_GAS_CLASSES:
        return FLUE_GAS
    if analyte_class in WATER_CLASSES:
        return WASTEWATER
    return None


def standard_for(sheet: str, medium: str | None, analyte_class: str | None = None, auto: bool = False) -> Rule:
    """The rule for a record sheet on an instrument of that class (KeyError: not a sheet of om_sheets.py)."""
    for rule in RULES:
        if rule.matches(sheet, medium, analyte_class, bool(auto)):
            return rule
    raise KeyError(sheet)


def report_rule(kind: str, medium: str | None, analyte_class: str | None, auto: bool = False) -> ReportRule | None:
    """The interval for reports of `kind` on such an instrument, or None when the standards require none."""
    for rule in REPORT_RULES:
        if rule.matches(kind, medium, analyte_class, bool(auto)):
            return rule
    return None
