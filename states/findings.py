"""The catalogue of findings (异常线索) over sampling trips and O&M visits — data, in one reviewable file.

Each rule has its code, the Chinese title the desk shows, a severity, the parameters it uses with the reason
for each figure, and what it records as evidence. services/findings/rules.py applies the active ones;
inactive ones are declared so that pages and the API can name them, and are skipped by the engine until the
work that feeds them exists.

Parameters are chosen so that clean field work carries no finding: GPS noise of tens of metres, fences of
~300 m, phone clocks, minute-precision typed times and WeChat stripping EXIF (a photo without EXIF is never a
finding by itself). Minutes per point come from the sampling standards' procedures as commonly described; they
could NOT be checked against the standards' text here (the corpora hold no text of them), so each figure is a
deliberately low floor — a visit shorter than it cannot have followed the method — and says so.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from states.neardup import MAX_DISTANCE

HIGH = "high"  # points at forged work by itself (two places at once, bytes reused)
MEDIUM = "medium"  # strongly irregular, often explained by a mistake: look at it
LOW = "low"  # a procedural gap (confirmation missing or late)

SEVERITY_NAMES = {HIGH: "高", MEDIUM: "中", LOW: "低"}
TRIP = "trip"
OM = "om"
BOTH = (TRIP, OM)


@dataclass(frozen=True)
class Param:
    value: float | dict
    unit: str
    why: str


@dataclass(frozen=True)
class Rule:
    code: str
    title: str  # Chinese, shown to users
    severity: str
    subjects: tuple[str, ...]
    evidence: tuple[str, ...]  # the keys of the evidence it records
    params: dict[str, Param] = field(default_factory=dict)
    active: bool = True
    note: str = ""

    def param(self, name: str):
        return self.params[name].value


RULES: tuple[Rule, ...] = (
    Rule("outside_fence", "签到位置在电子围栏外", MEDIUM, BOTH,
         ("check_in", "kind", "distance_m", "fence_m", "person"),
         note="the fence itself (300 m typical) absorbs GPS noise of tens of metres"),
    Rule("point_outside", "点位采样位置远离登记位置", MEDIUM, (TRIP,),
         ("point", "point_name", "point_location", "reference", "distance_m", "allowed_m", "latitude", "longitude",
          "reference_latitude", "reference_longitude"),
         {"tolerance_m": Param(100, "m", "a phone's fix beside stacks, tanks and buildings is off by up to ~50 m "
                                         "(reflected signals), and a registered position is often itself such a "
                                         "fix (an accepted proposal): two errors add up to ~100 m; a sampling "
                                         "farther than that from its point was at another place")},
         note="the latest location sent for each point (a resend supersedes); a point with no registered position "
              "is measured to the site and allowed the fence radius, as a check-in"),
    Rule("photo_reused", "照片与其他行程/运维重复（字节相同）", HIGH, BOTH,
         ("photo", "sha256", "others: [{photo, subject}]"),
         note="same SHA-256 only; receipt photos of a task are not field work and are left out"),
    Rule("photo_near_duplicate", "照片与其他照片高度相似", HIGH, BOTH,
         ("photo", "point", "purpose", "hash_distance", "others: [{photo, subject, distance, point, purpose}]"),
         {"max_distance": Param(MAX_DISTANCE, "bits of 256", "states/neardup.py: over every re-encoded, resized "
                                "(50-100 %), brightened (±10 %) or 1 %-cropped copy, under every look-alike "
                                "(two chimneys, two bottles, two print-outs of one instrument)")},
         note="another trip's or visit's photo, or one of another point, purpose or sheet of the same one (one "
              "print-out shown for two points); a resend of the same step is no finding, the same bytes on "
              "another trip are photo_reused, a pair within one subject is reported once, on the later photo"),
    Rule("exif_time_mismatch", "照片拍摄时间不在现场时段内", MEDIUM, BOTH,
         ("photo", "exif_time", "window_from", "window_to", "minutes_outside"),
         {"tolerance_min": Param(30, "min", "phones set their clock from the network (seconds off); 30 min "
                                             "covers a photo taken while walking in before the arrival check-in")},
         note="photos without EXIF are skipped: WeChat strips it"),
    Rule("exif_place_mismatch", "照片拍摄位置远离排污单位", MEDIUM, BOTH,
         ("photo", "exif_lat", "exif_lng", "distance_m", "allowed_m"),
         {"gps_tolerance_m": Param(100, "m", "a camera's GPS fix indoors or just after start is off by up to "
                                             "about 100 m; added to the fence radius")},
         note="EXIF GPS is WGS-84 on most phones, the site GCJ-02 (~500 m apart in Shanghai): the nearer of the "
              "raw and the converted position is used, so either convention passes when the photo is on site"),
    Rule("short_visit", "现场停留时间过短", MEDIUM, BOTH,
         ("minutes_on_site", "minimum_minutes", "counted: [{what, minutes}]"),
         {"trip_minutes_per_point": Param({
             "wastewater": 10,  # HJ 91.1-2019 grab sampling: fill and preserve bottles, pH/temperature on site
             "flue_gas": 20,  # GB/T 16157-1996, HJ/T 397-2007: 3 readings or samples per point, probe warm-up, purge
             "fugitive": 60,  # HJ/T 55-2000: 1 h continuous sampling, or 4 samples within 1 h
             "noise": 10,  # GB 12348-2008: Leq over at least 1 min per measurement, calibrator before and after
         }, "min per planned point", "low floors of the standards' procedures (not checked against their text)"),
          "trip_concurrent_kinds": Param({"fugitive": True}, "kinds counted once per trip",
                                         "HJ/T 55-2000: the upwind and downwind points are sampled at the same "
                                         "time, so their hour is not added per point"),
          "om_minutes_per_sheet": Param({
              "daily_inspection": 10,  # HJ 75-2017 / HJ 355-2019 daily inspection items
              "calibration": 20,  # zero and span gas or standard solution, waiting for stable readings
              "repair": 10,
              "consumables": 5,
              "standard_materials": 5,
          }, "min per confirmed record sheet", "low floors of the O&M tasks (not checked against the standards)")}),
    Rule("sample_time_outside_visit", "采样时间不在进场与离场之间", HIGH, (TRIP,),
         ("sample", "sampled_at", "arrival", "departure"),
         note="compared to the minute: typed times carry minutes only"),
    Rule("off_schedule", "进场时间不在计划时段内", LOW, BOTH,
         ("arrival", "window_from", "window_to", "minutes_outside"),
         {"tolerance_min": Param(30, "min", "traffic: a crew may reach the site a little early or late")},
         note="O&M visits have a due day, no hours: their window is that whole day"),
    Rule("overlapping_visits", "同一人员同时在两处现场", HIGH, BOTH,
         ("person", "other", "other_site", "this_window", "other_window", "overlap_minutes")),
    Rule("impossible_travel", "两处现场间的移动速度不可能", HIGH, BOTH,
         ("person", "other", "from_check_in", "to_check_in", "distance_m", "minutes", "speed_kmh"),
         {"max_speed_kmh": Param(100, "km/h", "straight-line speed; roads are ≥ 1.3× longer and urban "
                                              "expressways are limited to 80–100 km/h"),
          "min_distance_m": Param(1000, "m", "below this, GPS noise and one-minute gaps make speeds meaningless "
                                             "(neighbouring sites in one park)")}),
    Rule("instrument_expired", "使用检定/校准过期的仪器", HIGH, (TRIP,),
         ("equipment", "name", "asset_no", "valid_until", "day"),
         note="the instruments confirmed on the trip against the agency's filing in force (the earlier of the "
              "filed and the current validity date) on the day of the arrival; chat refuses them, so this finds "
              "those recorded another way (a correction on the desk, an import)"),
    Rule("instrument_double_booked", "同一仪器同时在两处现场", HIGH, (TRIP,),
         ("equipment", "name", "asset_no", "other", "other_site", "this_window", "other_window", "overlap_minutes"),
         note="arrival to departure check-in; not yet left: to the end of the arrival's day (facts.time_on_site). "
              "Chat refuses the second trip's confirmation; the finding is on both trips, as for people"),
    Rule("crew_absent", "随行人员未本人到场签到", MEDIUM, BOTH,
         ("person", "name", "window_from", "window_to", "allowed_m", "tolerance_min",
          "nearest: {check_in, kind, at, distance_m, minutes_outside} | null"),
         {"gps_tolerance_m": Param(100, "m", "added to the fence: a phone's fix indoors or beside tanks and stacks is "
                                             "off by up to ~100 m (as exif_place_mismatch); a presence farther than "
                                             "fence + 100 m was not on site, and a fix just beyond the fence is "
                                             "outside_fence's business when it is an arrival or departure"),
          "window_tolerance_min": Param(30, "min", "either side of arrival → departure: a colleague confirms while "
                                                   "walking in with the leader or just before the leader checks in "
                                                   "(traffic, parking, the gate), as off_schedule's and "
                                                   "exif_time_mismatch's 30 min")},
         note="代签名: each person named on the work (a trip's samplers; an O&M visit names no crew of its own, so "
              "its plan's crew) checked in its arrival or departure, or confirmed presence (到场确认, "
              "services/field/presence.py) within the allowance of the site during the time on site; one finding "
              "per person, once the departure closes that time (before it, a colleague may still confirm). A far "
              "arrival or departure is outside_fence's finding, not reported again here. A single-person crew whose "
              "leader checked in is clean. A plan listing a pool of staff who take turns would need a visit's own "
              "crew list, which O&M visits do not have yet"),
    Rule("confirmation_missing", "排污单位未确认", LOW, BOTH, ("state", "confirmation_status"),
         note="as the regulator's desk: submitted and the latest round not confirmed; self-monitoring needs none"),
    Rule("after_departure", "排污单位在采样人员离场后确认", LOW, (TRIP,),
         ("confirmation", "decided_at", "departure"),
         note="the confirmation's after_departure mark (services/sampling/confirmations.py, 30 min grace)"),
    Rule("planned_sheet_missing", "缺少计划要求的运维记录单", MEDIUM, (OM,),
         ("plan_item", "sheet", "sheet_title", "instrument", "point")),
    Rule("copied_readings", "运维记录读数与其他记录相同", HIGH, (OM,),
         ("sheet", "form", "sheet_title", "readings: {field: value}", "others: [{sheet, subject}]"),
         {"readings": Param({"calibration": ("zero_before", "zero_after", "span_before", "span_after",
                                             "check_measured")},
                            "fields per sheet", "what the analyser showed at this visit (零点/量程 before and after "
                            "calibration, the water standard check); not the settings (range, standard, unit) "
                            "nor the 'after the last calibration' readings, which rightly repeat the last sheet. "
                            "The daily inspection is left out: its numbers are set points (伴热 120 °C, 制冷 4 °C, "
                            "flow) and whole-unit station temperature and humidity a clean station repeats daily"),
          "references": Param({"calibration": ("zero_gas", "span_gas", "standard_concentration", "check_standard")},
                              "fields per sheet", "a reading equal to the standard the analyser was calibrated to "
                              "(span after = 400 for a 400 standard) is the calibration's aim, not a measurement"),
          "context": Param({"calibration": ("analyte", "unit")}, "fields per sheet",
                           "readings are compared within the same analyte and unit only: 405 mg/m³ of SO2 and "
                           "405 mg/L of COD are not one reading"),
          "min_readings": Param(3, "readings", "at least three informative readings (not zero, not a standard's "
                                               "value), all equal: one or two equal numbers happen by chance")},
         note="every compared reading equal on a sheet of another O&M visit (another day or another site); the "
              "finding is on both visits, as for photos: which one was copied is for the reviewer"),
    Rule("signature_reused", "排污单位签名与以往签名雷同", HIGH, (OM,),
         ("confirmation", "decided_at", "hash_distance", "others: [{confirmation, subject, decided_at, distance}]"),
         {"max_distance": Param(24, "bits of 256", "the strokes' hash (services/adapters/signatures.py: ink cut to its box on "
                                "a 3:1 card) of one drawing saved again, scaled to 75-90 % or sent through JPEG "
                                "(quality 60-75) moved at most 18 bits; two drawings of one name by a steady hand "
                                "(every point within ~1 % of the width) 30 or more, by an ordinary hand (2-4 %) "
                                "64 or more (tests/unit/test_signature_hash.py)")},
         note="compared with the earlier signatures on the same polluter's O&M visits (who signs is the polluter's "
              "staff; a few hundred a year, read by hash only); on the later visit only: the earlier drawing may "
              "be genuine"),
)

BY_CODE = {rule.code: rule for rule in RULES}
ACTIVE = tuple(rule for rule in RULES if rule.active)


def rule(code: str) -> Rule:
    return BY_CODE[code]
