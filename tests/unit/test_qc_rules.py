"""The QC rules on the numbers a crew enters: each limit with values just inside and just outside, both signs."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from models import Equipment, Instrument, Staff
from services.om import qc
from states import qc_limits as L

VISIT_DAY = date(2026, 6, 10)
FS = 500.0  # 0–500 mg/m³


def calibration(kind: str, drift_pct: float, last_after: float = 20.0, **more) -> dict:
    """A calibration sheet whose `kind` ("zero" or "span") reading drifted by `drift_pct` %F.S."""
    return {"analyte": "SO2", "range_low": 0, "range_high": FS, f"{kind}_last_after": last_after,
            f"{kind}_before": last_after + drift_pct * FS / 100, **more}


def analyser(analyte_class: str, auto: bool = False, principle: str = "非分散红外") -> Instrument:
    return Instrument(name="SO2 分析仪", analyte_class=analyte_class, auto_calibration=auto, principle=principle,
                      range_low=0, range_high=FS)


def findings(answers: dict, analyte_class: str = "gas", form: str = "calibration", on: date = VISIT_DAY):
    return qc.sheet_findings(form, answers, analyser(analyte_class), "flue_gas", on)


def test_drift_is_the_change_since_the_last_calibration_as_a_share_of_full_scale():
    assert qc.drift(before=35.5, last_after=20.0, full_scale=500) == pytest.approx(3.1)
    assert qc.drift(before=4.5, last_after=20.0, full_scale=500) == pytest.approx(-3.1)


# (analyte class, zero or span, the limit, the out-of-control threshold) from states/qc_limits.py
DRIFT_LIMITS = [
    ("gas", "zero", 2.5, 5.0),
    ("gas", "span", 2.5, 10.0),
    ("o2", "zero", 2.5, 5.0),
    ("o2", "span", 2.5, 10.0),
    ("particulate", "zero", 2.0, 3.0),
    ("particulate", "span", 2.0, 4.0),
    ("flow", "zero", 3.0, 8.0),
]


@pytest.mark.parametrize("analyte_class,kind,limit,out_of_control", DRIFT_LIMITS)
@pytest.mark.parametrize("sign", [1, -1])
def test_a_drift_at_the_limit_passes_and_just_beyond_it_is_a_warning(analyte_class, kind, limit, out_of_control,
                                                                      sign):
    assert findings(calibration(kind, sign * limit), analyte_class) == []
    [found] = findings(calibration(kind, sign * (limit + 0.01)), analyte_class)
    assert (found.rule, found.severity) == (f"{kind}_drift", L.WARNING)
    assert "漂移" in found.message and f"{sign * (limit + 0.01):g}%F.S." in found.message
    assert found.clause.startswith("HJ 75-2017")


@pytest.mark.parametrize("analyte_class,kind,limit,out_of_control", DRIFT_LIMITS)
@pytest.mark.parametrize("sign", [1, -1])
def test_a_drift_at_the_out_of_control_threshold_is_a_warning_and_beyond_it_out_of_control(
        analyte_class, kind, limit, out_of_control, sign):
    [at] = findings(calibration(kind, sign * out_of_control), analyte_class)
    assert at.severity == L.WARNING
    [beyond] = findings(calibration(kind, sign * (out_of_control + 0.01)), analyte_class)
    assert (beyond.rule, beyond.severity) == (f"{kind}_drift", L.OUT_OF_CONTROL)
    assert "失控" in beyond.message


def test_the_message_names_the_analyte_the_drift_the_limit_and_the_standard():
    [found] = findings(calibration("span", 3.1))
    assert found.message == "SO2 量程漂移 3.1%F.S.，超过 ±2.5%F.S.（HJ 75-2017）"
    assert found.detail == {"drift": 3.1, "limit": 2.5, "out_of_control": 10.0}


def test_flow_has_no_span_drift_limit():
    assert findings(calibration("span", 9.0), "flow") == []


def test_the_full_scale_is_the_range_entered_on_the_sheet_else_the_registered_one():
    answers = calibration("zero", 3.0)  # 15 mg/m³ on 0–500
    answers["range_high"] = 1000  # the same 15 mg/m³ on 0–1000 is 1.5 %F.S.
    assert findings(answers) == []
    del answers["range_high"], answers["range_low"]
    assert [f.rule for f in findings(answers)] == ["zero_drift"]


def test_water_analysers_are_checked_by_the_standard_solution_not_by_drift():
    assert findings(calibration("span", 9.0), "codcr") == []


@pytest.mark.parametrize("measured,passes", [(110.0, True), (110.1, False), (90.0, True), (89.9, False)])
def test_the_standard_solution_check_passes_within_ten_percent(measured, passes):
    found = findings({"check_standard": 100.0, "check_measured": measured}, "codcr")
    if passes:
        assert found == []
    else:
        [f] = found
        assert (f.rule, f.severity) == ("standard_check", L.OUT_OF_CONTROL)
        assert f.clause.startswith("HJ 355-2019") and "±10%" in f.message


def test_a_standard_expiring_on_the_visit_day_is_valid_and_one_expired_the_day_before_is_not():
    assert findings({"standard_certificate": "GBW(E)080001", "standard_expiry": VISIT_DAY.isoformat()}) == []
    [found] = findings({"standard_certificate": "GBW(E)080001",
                        "standard_expiry": (VISIT_DAY - timedelta(days=1)).isoformat()})
    assert (found.rule, found.severity) == ("standard_expired", L.OUT_OF_CONTROL)
    assert found.message == "标准物质有效期至 2026-06-09，运维日 2026-06-10 已过期（HJ 75-2017）"


@pytest.mark.parametrize("certificate", ["无", " 无 ", ""])
def test_a_standard_without_certificate_is_not_certified(certificate):
    [found] = findings({"standard_certificate": certificate, "standard_expiry": "2027-01-01"})
    assert found.rule == "standard_uncertified"
    assert "无证书" in found.message


def test_the_standard_materials_sheet_flags_a_new_standard_uncertified_or_expired():
    answers = {"material": "标准溶液", "certificate_no": "无", "expires_on": "2026-06-09"}
    found = qc.sheet_findings("standard_materials", answers, None, "wastewater", VISIT_DAY)
    assert [f.rule for f in found] == ["standard_uncertified", "standard_expired"]
    assert all(f.clause.startswith("HJ 355-2019") for f in found)
    answers.update(certificate_no="BW3451-100", expires_on="2026-06-10")
    assert qc.sheet_findings("standard_materials", answers, None, "wastewater", VISIT_DAY) == []


@pytest.mark.parametrize("name,rule", [("cylinder_expiry", "cylinder_expired"), ("reagent_expiry", "reagent_expired")])
def test_daily_inspection_flags_cylinders_and_reagents_past_their_expiry(name, rule):
    assert findings({name: "2026-06-10"}, form="daily_inspection") == []
    [found] = findings({name: "2026-06-09"}, form="daily_inspection")
    assert (found.rule, found.severity) == (rule, L.WARNING)


# (class, automatic calibration, principle, the longest interval in days; None: not checked)
INTERVALS = [
    ("gas", False, "非分散红外", 7),
    ("gas", False, "直接测量法（紫外差分）", 15),
    ("o2", False, "氧化锆", 7),
    ("particulate", False, "激光后散射", 15),
    ("flow", False, "皮托管", 30),
    ("codcr", False, "重铬酸钾法", 7),
    ("codcr", True, "重铬酸钾法", 7),
    ("nh3n", True, "水杨酸分光光度法", 7),
]


@pytest.mark.parametrize("analyte_class,auto,principle,limit", INTERVALS)
def test_a_calibration_interval_at_the_maximum_passes_and_a_day_more_is_flagged(analyte_class, auto, principle,
                                                                                 limit):
    instrument = analyser(analyte_class, auto, principle)
    klass = L.CLASSES[analyte_class]
    assert qc.interval_finding(klass, instrument, VISIT_DAY - timedelta(days=limit), VISIT_DAY) is None
    found = qc.interval_finding(klass, instrument, VISIT_DAY - timedelta(days=limit + 1), VISIT_DAY)
    assert (found.rule, found.severity) == ("calibration_interval", L.WARNING)
    assert f"{limit + 1} 天，超过最长间隔 {limit} 天" in found.message


def test_cems_that_calibrate_themselves_are_not_held_to_an_interval_on_the_sheets():
    instrument = analyser("gas", auto=True)
    assert qc.interval_finding(L.CLASSES["gas"], instrument, VISIT_DAY - timedelta(days=90), VISIT_DAY) is None


def test_a_certificate_valid_until_the_visit_day_passes_and_one_that_ended_the_day_before_does_not():
    person = Staff(name="刘洋", certificate_valid_until=VISIT_DAY)
    assert qc.staff_findings("刘洋", person, VISIT_DAY) == []
    person.certificate_valid_until = VISIT_DAY - timedelta(days=1)
    [found] = qc.staff_findings("刘洋", person, VISIT_DAY)
    assert found.rule == "staff_certificate"
    assert found.message == "运维人员刘洋的证书有效期至 2026-06-09，运维日 2026-06-10 已过期"


def test_a_person_without_a_filed_certificate_is_flagged():
    assert [f.rule for f in qc.staff_findings("王五", None, VISIT_DAY)] == ["staff_certificate"]
    assert "未填报" in qc.staff_findings("王五", Staff(name="王五"), VISIT_DAY)[0].message


def test_equipment_calibrated_until_the_visit_day_passes_and_until_the_day_before_does_not():
    equipment = Equipment(name="标准气体稀释仪", asset_no="HY-EQ-001", calibration_valid_until=VISIT_DAY)
    assert qc.equipment_findings(equipment, VISIT_DAY) == []
    equipment.calibration_valid_until = VISIT_DAY - timedelta(days=1)
    [found] = qc.equipment_findings(equipment, VISIT_DAY)
    assert found.rule == "equipment_calibration" and "HY-EQ-001" in found.message
    equipment.calibration_valid_until = None
    assert "未填报" in qc.equipment_findings(equipment, VISIT_DAY)[0].message


def test_every_rule_and_class_names_its_clause():
    assert all(rule.title and rule.severity in L.SEVERITY_NAMES for rule in L.RULES.values())
    for klass in L.CLASSES.values():
        assert klass.interval_clause.startswith(klass.standard)
        for limit in (klass.zero, klass.span):
            assert limit is None or limit.clause.startswith(klass.standard)
