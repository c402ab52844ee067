"""The findings rules on plain facts: each fires with its evidence, and its near miss does not."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta, timezone

from models import clock
from services.adapters import geo
from services.findings import readings, rules
from services.findings.facts import (
    ConfirmationFact,
    DoneSheet,
    Facts,
    InstrumentFact,
    PhotoFact,
    PlannedSheet,
    PointStop,
    SampleFact,
    Stop,
    Subject,
)
from states.findings import ACTIVE, RULES

DAY = date(2026, 11, 20)
SITE = (30.8168, 121.3502)


def at(hour: int, minute: int = 0, second: int = 0) -> datetime:
    return clock.at_local(DAY, time(hour, minute, second))


def stop(ident: int, kind: str, moment: datetime, where=SITE, distance: float = 40.0, user: int = 7) -> Stop:
    return Stop(ident, kind, moment, user, where[0], where[1], distance)


def trip(ident: int = 1, arrive=at(9), leave=at(12), where=SITE, polluter: int = 1, crew=(7,), **values) -> Facts:
    """A clean trip: two points (flue gas and wastewater), 09:00–12:00 inside a 08:00–18:00 window, confirmed."""
    facts = Facts(subject=Subject("trip", ident), polluter_id=polluter, site=f"厂{polluter}", site_lat=where[0],
                  site_lng=where[1], fence_m=300.0, scheduled=(at(8), at(18)),
                  check_ins=[stop(ident * 10, "arrival", arrive, where), stop(ident * 10 + 1, "departure", leave, where)],
                  work=["flue_gas", "wastewater"], crew=set(crew), named={p: f"人员{p}" for p in crew}, submitted=True,
                  confirmation=ConfirmationFact(5, "confirmed", leave - timedelta(minutes=5), False))
    return replace(facts, **values)


def photo(ident: int = 3, exif_time=None, exif=None, received=at(10)) -> PhotoFact:
    lat, lng = exif or (None, None)
    return PhotoFact(ident, "ab" * 32, received, exif_time, lat, lng)


def codes(hits) -> list[str]:
    return [h.code for h in hits]


def all_single(facts: Facts) -> list:
    return [h for rule in rules.SINGLE for h in rule(facts)]


def test_a_clean_trip_raises_nothing():
    clean = trip(photos=[photo(exif_time=at(9, 30), exif=SITE)],
                 samples=[SampleFact(1, "S1", at(9, 20)), SampleFact(2, "S2", at(11, 59))],
                 point_stops=[point_stop(1, 4, 35.0), point_stop(2, 5, 280.0, 300.0, "site")])
    assert all_single(clean) == []
    assert rules.photo_reused(clean, {}) == []
    assert rules.overlapping_visits(clean, []) == rules.impossible_travel(clean, []) == []


def test_check_in_beyond_the_fence_is_one_finding_per_check_in_with_its_distance():
    facts = trip(check_ins=[stop(1, "arrival", at(9), distance=301), stop(2, "departure", at(12), distance=2000)])
    hits = rules.outside_fence(facts)
    assert [(h.instance, h.evidence["distance_m"], h.evidence["fence_m"]) for h in hits] == \
        [("check_in:1", 301, 300), ("check_in:2", 2000, 300)]


def test_check_in_just_inside_the_fence_is_no_finding():
    assert rules.outside_fence(trip(check_ins=[stop(1, "arrival", at(9), distance=299.9)])) == []


def point_stop(ident: int, point: int, distance: float, allowed: float = 100.0, reference: str = "point") -> PointStop:
    return PointStop(ident, point, f"点位{point}", SITE[0], SITE[1], reference, SITE[0], SITE[1], distance, allowed)


def test_a_point_sampled_beyond_its_allowance_is_one_finding_per_point_with_distance_and_positions():
    facts = trip(point_stops=[point_stop(1, 4, 100.0), point_stop(2, 5, 180.4), point_stop(3, 6, 350, 300, "site")])
    hits = rules.point_outside(facts)
    assert [(h.instance, h.evidence["distance_m"], h.evidence["allowed_m"], h.evidence["reference"])
            for h in hits] == [("point:5", 180, 100, "point"), ("point:6", 350, 300, "site")]
    assert hits[0].evidence["latitude"] == SITE[0] and hits[0].evidence["reference_longitude"] == SITE[1]


def instrument(ident: int = 3, valid_until: date | None = date(2027, 6, 30)) -> InstrumentFact:
    return InstrumentFact(ident, "自动烟尘烟气测试仪", f"EQ-{ident:03d}", valid_until)


def test_an_instrument_whose_calibration_ran_out_before_the_arrival_day_is_one_finding_each():
    facts = trip(instruments=[instrument(1, DAY), instrument(2, DAY - timedelta(days=1)), instrument(3, None)])
    hits = rules.instrument_expired(facts)
    assert [(h.instance, h.evidence["valid_until"], h.evidence["day"]) for h in hits] == [
        ("equipment:2", "2026-11-19", "2026-11-20"), ("equipment:3", None, "2026-11-20")]
    assert hits[0].evidence["asset_no"] == "EQ-002"
    assert rules.instrument_expired(trip(instruments=[instrument(2, DAY)], check_ins=[])) == []


def test_one_instrument_on_two_trips_whose_times_on_site_overlap_is_a_finding_naming_the_other():
    other = trip(2, arrive=at(11), leave=at(14), polluter=2, crew=(8,), instruments=[instrument(3)])
    hits = rules.instrument_double_booked(trip(instruments=[instrument(3), instrument(4)]), [other])
    assert [(h.instance, h.evidence["other"], h.evidence["overlap_minutes"]) for h in hits] == [
        ("equipment:3:trip:2", "trip:2", 60.0)]
    assert hits[0].evidence["other_window"] == ["2026-11-20T11:00:00+08:00", "2026-11-20T14:00:00+08:00"]


def test_an_instrument_used_on_one_trip_after_the_other_left_is_no_finding():
    later = trip(2, arrive=at(12), leave=at(13), instruments=[instrument(3)])
    assert rules.instrument_double_booked(trip(instruments=[instrument(3)]), [later]) == []
    other_instrument = trip(2, instruments=[instrument(4)])
    assert rules.instrument_double_booked(trip(instruments=[instrument(3)]), [other_instrument]) == []


def test_a_trip_not_yet_left_holds_its_instruments_to_the_end_of_its_arrival_day():
    still_there = trip(2, arrive=at(8), check_ins=[stop(20, "arrival", at(8))], instruments=[instrument(3)])
    hits = rules.instrument_double_booked(trip(arrive=at(20), leave=at(21), instruments=[instrument(3)]),
                                          [still_there])
    assert [h.evidence["other_window"][1] for h in hits] == ["2026-11-21T00:00:00+08:00"]


def test_exif_time_outside_the_visit_beyond_the_tolerance():
    hits = rules.exif_time_mismatch(trip(photos=[photo(exif_time=at(8, 29))]))
    assert codes(hits) == ["exif_time_mismatch"]
    assert hits[0].evidence["minutes_outside"] == 31 and hits[0].evidence["exif_time"] == "2026-11-20T08:29:00+08:00"
    late = rules.exif_time_mismatch(trip(photos=[photo(exif_time=at(12, 31))]))
    assert late[0].evidence["minutes_outside"] == 31


def test_exif_time_within_the_tolerance_or_missing_is_no_finding():
    assert rules.exif_time_mismatch(trip(photos=[photo(exif_time=at(8, 30)), photo(4, exif_time=at(12, 30)),
                                                 photo(5)])) == []


def test_exif_time_before_departure_is_bounded_by_the_photos_receipt():
    in_progress = trip(check_ins=[stop(1, "arrival", at(9))])
    assert codes(rules.exif_time_mismatch(replace(in_progress, photos=[photo(exif_time=at(14), received=at(10))]))) == \
        ["exif_time_mismatch"]


def test_exif_place_far_from_the_site_fires_with_the_distance():
    far = (SITE[0] + 0.02, SITE[1])  # ~2.2 km north
    hits = rules.exif_place_mismatch(trip(photos=[photo(exif=far)]))
    assert codes(hits) == ["exif_place_mismatch"]
    assert 1500 < hits[0].evidence["distance_m"] < 2300 and hits[0].evidence["allowed_m"] == 400


def test_exif_place_on_site_passes_in_either_datum():
    """A phone writes WGS-84; the site is in GCJ-02, about 500 m apart in Shanghai."""
    lat_shift, lng_shift = (a - b for a, b in zip(geo.wgs84_to_gcj02(*SITE), SITE, strict=True))
    wgs84 = (SITE[0] - lat_shift, SITE[1] - lng_shift)
    assert geo.distance_m(*SITE, *wgs84) > 400
    assert rules.exif_place_mismatch(trip(photos=[photo(exif=wgs84), photo(4, exif=SITE)])) == []


def test_a_visit_shorter_than_the_minimum_for_its_points():
    # flue gas 20 + wastewater 10 = 30 minutes
    hits = rules.short_visit(trip(leave=at(9, 29)))
    assert codes(hits) == ["short_visit"]
    assert hits[0].evidence["minutes_on_site"] == 29 and hits[0].evidence["minimum_minutes"] == 30


def test_a_visit_a_minute_over_the_minimum_is_not_short():
    assert rules.short_visit(trip(leave=at(9, 31))) == []


def test_fugitive_points_sampled_together_count_their_hour_once():
    four = trip(work=["fugitive"] * 4 + ["noise"], leave=at(10, 10))
    assert rules.short_visit(four) == []
    assert codes(rules.short_visit(replace(four, check_ins=four.check_ins[:1] + [stop(2, "departure", at(10, 9))]))) == \
        ["short_visit"]


def test_om_minimum_counts_the_confirmed_sheets():
    visit = trip(subject=Subject("om", 1), work=["daily_inspection", "calibration"], leave=at(9, 29))
    assert rules.short_visit(visit)[0].evidence["minimum_minutes"] == 30
    assert rules.short_visit(replace(visit, check_ins=[stop(1, "arrival", at(9)), stop(2, "departure", at(9, 30))])) == []


def test_sample_time_before_arrival_or_after_departure():
    facts = trip(samples=[SampleFact(1, "S1", at(8, 59)), SampleFact(2, "S2", at(12, 1))])
    assert [h.instance for h in rules.sample_time_outside_visit(facts)] == ["sample:1", "sample:2"]


def test_sample_time_exactly_at_arrival_or_in_its_minute_passes():
    facts = trip(arrive=at(9, 0, 40), leave=at(12, 0, 10),
                 samples=[SampleFact(1, "S1", at(9)), SampleFact(2, "S2", at(12)), SampleFact(3, "S3", None)])
    assert rules.sample_time_outside_visit(facts) == []


def test_arrival_outside_the_scheduled_window():
    hits = rules.off_schedule(trip(arrive=at(7, 29)))
    assert codes(hits) == ["off_schedule"] and hits[0].evidence["minutes_outside"] == 31
    assert codes(rules.off_schedule(trip(arrive=at(18, 31), leave=at(20)))) == ["off_schedule"]


def test_arrival_just_before_the_window_within_the_tolerance_passes():
    assert rules.off_schedule(trip(arrive=at(7, 30))) == rules.off_schedule(trip(arrive=at(18, 30))) == []


def test_confirmation_missing_and_not_asked_of_self_monitoring():
    pending = trip(confirmation=ConfirmationFact(5, "pending", None, False))
    assert codes(rules.confirmation_missing(pending)) == ["confirmation_missing"]
    assert rules.confirmation_missing(replace(pending, needs_confirmation=False)) == []
    assert rules.confirmation_missing(replace(pending, submitted=False)) == []


def test_confirmation_after_departure():
    late = trip(confirmation=ConfirmationFact(5, "confirmed", at(13), True))
    hits = rules.after_departure(late)
    assert codes(hits) == ["after_departure"] and hits[0].evidence["minutes_after"] == 60
    assert rules.after_departure(trip()) == []


def test_planned_sheet_missing_names_the_plan_item():
    visit = trip(subject=Subject("om", 1), planned_sheets=[PlannedSheet(4, "calibration", 2, 9),
                                                           PlannedSheet(5, "daily_inspection", 2, 9)],
                 done_sheets=[DoneSheet("daily_inspection", 2, 9)])
    hits = rules.planned_sheet_missing(visit)
    assert [(h.instance, h.evidence["sheet_title"]) for h in hits] == [("plan_item:4", "校准记录单")]
    assert rules.planned_sheet_missing(replace(visit, done_sheets=[DoneSheet("daily_inspection", 2, 9),
                                                                        DoneSheet("calibration", 2, 9)])) == []


def test_photo_with_the_same_bytes_elsewhere():
    hits = rules.photo_reused(trip(photos=[photo(3)]), {3: [(8, Subject("om", 2))]})
    assert hits[0].evidence["others"] == [{"photo": 8, "subject": "om:2"}]


def near(ident: int, subject: Subject, distance: int) -> rules.NearPhoto:
    return rules.NearPhoto(ident, subject, distance, None, "arrival", "cd" * 32)


def test_a_perceptually_same_photo_elsewhere_names_each_with_its_distance_nearest_first():
    found = {3: [near(9, Subject("trip", 4), 15), near(8, Subject("om", 2), 6)], 5: []}
    [hit] = rules.photo_near_duplicate(trip(photos=[photo(3), photo(5)]), found)
    assert hit.instance == "photo:3" and hit.evidence["hash_distance"] == 6
    assert [(o["photo"], o["subject"], o["distance"]) for o in hit.evidence["others"]] == [(8, "om:2", 6),
                                                                                         (9, "trip:4", 15)]
    assert rules.photo_near_duplicate(trip(photos=[photo(3)]), {}) == []


CALIBRATED = {"analyte": "SO2", "unit": "mg/m³", "zero_gas": 0, "span_gas": 400, "standard_concentration": 400,
              "zero_last_after": 0.5, "zero_before": 1.8, "zero_after": 0.2, "span_last_after": 401,
              "span_before": 396, "span_after": 400}


def test_a_calibrations_readings_are_what_the_analyser_showed_not_its_settings_or_aims():
    assert readings.informative("calibration", CALIBRATED) == {"zero_before": 1.8, "zero_after": 0.2,
                                                               "span_before": 396}
    same = readings.fingerprint("calibration", {**CALIBRATED, "zero_last_after": 0.2, "range_high": 1000})
    assert same == readings.fingerprint("calibration", CALIBRATED) is not None
    assert readings.fingerprint("calibration", {**CALIBRATED, "zero_before": "1.80"}) == same  # typed as text


def test_readings_of_another_analyte_one_reading_apart_or_too_few_are_no_copy():
    same = readings.fingerprint("calibration", CALIBRATED)
    assert readings.fingerprint("calibration", {**CALIBRATED, "analyte": "NOx"}) != same
    assert readings.fingerprint("calibration", {**CALIBRATED, "span_before": 397}) != same
    assert readings.fingerprint("calibration", {**CALIBRATED, "zero_after": 0}) is None  # two left: chance
    assert readings.fingerprint("daily_inspection", {"shelter_temp": 22, "shelter_humidity": 55,
                                                     "cylinder_pressure": 8, "sample_flow": 1.5}) is None


def test_a_sheet_whose_readings_another_visit_repeats_names_it():
    copied = rules.CopiedSheet(6, "calibration", {"zero_before": 1.8}, [(9, Subject("om", 3))])
    om = trip(subject=Subject("om", 2))
    [hit] = rules.copied_readings(om, [copied])
    assert hit.instance == "sheet:6" and hit.evidence["others"] == [{"sheet": 9, "subject": "om:3"}]
    assert rules.copied_readings(om, [rules.CopiedSheet(6, "calibration", {}, [])]) == []


def test_a_signature_repeating_earlier_ones_names_them_nearest_first_and_a_pending_round_none():
    om = trip(subject=Subject("om", 2), confirmation=ConfirmationFact(5, "confirmed", at(18), False, "ab"))
    earlier = [rules.SimilarSignature(4, Subject("om", 3), at(8), 9),
               rules.SimilarSignature(3, Subject("om", 1), at(7), 2)]
    [hit] = rules.signature_reused(om, earlier)
    assert hit.instance == "confirmation:5" and hit.evidence["hash_distance"] == 2
    assert [o["subject"] for o in hit.evidence["others"]] == ["om:1", "om:3"]
    pending = replace(om, confirmation=ConfirmationFact(5, "pending", None, False, None))
    assert rules.signature_reused(pending, earlier) == [] and rules.signature_reused(om, []) == []


def test_one_person_at_two_sites_at_once():
    other = trip(2, arrive=at(11, 30), leave=at(13), where=(31.2, 121.5), polluter=2)
    hits = rules.overlapping_visits(trip(), [other])
    assert hits[0].instance == "trip:2" and hits[0].evidence["overlap_minutes"] == 30
    assert hits[0].evidence["people"] == [7]


def test_back_to_back_or_another_crew_or_the_same_site_is_no_overlap():
    assert rules.overlapping_visits(trip(), [trip(2, arrive=at(12), leave=at(13), polluter=2)]) == []
    assert rules.overlapping_visits(trip(), [trip(2, polluter=2, crew=(8,))]) == []
    assert rules.overlapping_visits(trip(), [trip(2, polluter=1)]) == []


def test_travel_faster_than_the_bound_between_sites():
    far = (SITE[0] + 0.27, SITE[1])  # ~30 km north
    following = trip(2, arrive=at(12, 15), leave=at(14), where=far, polluter=2)
    hits = rules.impossible_travel(trip(), [following])
    assert hits[0].evidence["speed_kmh"] > 100 and hits[0].evidence["minutes"] == 15
    assert 29000 < hits[0].evidence["distance_m"] < 31000
    previous = rules.impossible_travel(following, [trip()])
    assert previous[0].instance == "trip:1"


def test_travel_at_a_drivable_speed_or_a_short_hop_passes():
    far = (SITE[0] + 0.27, SITE[1])
    assert rules.impossible_travel(trip(), [trip(2, arrive=at(12, 20), leave=at(14), where=far)]) == []
    near = (SITE[0] + 0.008, SITE[1])  # ~900 m: the next plant in the park
    assert rules.impossible_travel(trip(), [trip(2, arrive=at(12, 1), leave=at(14), where=near)]) == []


def test_every_rule_of_the_catalogue_is_active_and_described():
    assert ACTIVE == RULES
    assert all(r.title and r.severity and r.evidence for r in RULES)


def test_every_active_rule_reads_as_one_chinese_sentence_of_its_evidence():
    from services.findings.summary import SENTENCES

    far = (SITE[0] + 0.27, SITE[1])
    bad = trip(arrive=at(7), leave=at(7, 10), check_ins=[stop(1, "arrival", at(7), distance=900),
                                                          stop(2, "departure", at(7, 10))],
               photos=[photo(exif_time=at(1), exif=far)], samples=[SampleFact(1, "S1", at(6))],
               confirmation=ConfirmationFact(5, "confirmed", at(9), True), point_stops=[point_stop(1, 4, 500)],
               instruments=[instrument(3, DAY - timedelta(days=1))])
    om = trip(subject=Subject("om", 2), submitted=True, planned_sheets=[PlannedSheet(4, "calibration", 2, 9)],
              confirmation=None)
    other = trip(2, arrive=at(7, 5), leave=at(8), where=far, polluter=2)
    hits = all_single(bad) + all_single(om) + rules.photo_reused(bad, {3: [(8, Subject("om", 2))]})
    hits += rules.photo_near_duplicate(bad, {3: [near(8, Subject("om", 2), 12)]})
    copied = rules.CopiedSheet(6, "calibration", {"zero_before": 1.8}, [(9, Subject("om", 3))])
    hits += rules.copied_readings(om, [copied])
    hits += rules.signature_reused(replace(om, confirmation=ConfirmationFact(5, "confirmed", at(18), False, "ab")),
                                   [rules.SimilarSignature(4, Subject("om", 3), at(8), 6)])
    hits += rules.overlapping_visits(bad, [other]) + rules.impossible_travel(bad, [trip(3, arrive=at(7, 15),
                                                                                        leave=at(8), where=far)])
    hits += rules.crew_absent(two_crew()) + rules.crew_absent(two_crew(presence(30, 8, at(7), distance=2000)))
    hits += rules.instrument_double_booked(bad, [replace(other, instruments=[instrument(3)])])
    assert {h.code for h in hits} == {r.code for r in ACTIVE}
    for hit in hits:
        sentence = SENTENCES[hit.code](hit.evidence)
        assert sentence and any("\u4e00" <= ch <= "\u9fff" for ch in sentence), hit.code


# --- crew_absent: each person named on the work checked in from their own WeChat, on site, while the crew was there

def presence(ident: int, user: int, moment: datetime, distance: float = 40.0) -> Stop:
    return stop(ident, "presence", moment, distance=distance, user=user)


def two_crew(*stops: Stop, **values) -> Facts:
    """张伟 (7) leads the clean trip; 李娜 (8) is named on it too."""
    return trip(crew=(7, 8), named={7: "张伟", 8: "李娜"}, presence=list(stops), **values)


def test_a_single_person_crew_whose_leader_checked_in_is_clean():
    assert rules.crew_absent(trip()) == []


def test_a_colleague_who_confirmed_presence_on_site_during_the_visit_is_present():
    assert rules.crew_absent(two_crew(presence(30, 8, at(9, 5)))) == []


def test_a_colleague_who_checked_in_the_departure_themselves_is_present():
    facts = two_crew(check_ins=[stop(1, "arrival", at(9)), stop(2, "departure", at(12), user=8)])
    assert rules.crew_absent(facts) == []


def test_a_leader_who_checked_in_far_away_is_outside_the_fence_not_also_absent():
    far = trip(check_ins=[stop(1, "arrival", at(9), distance=2000), stop(2, "departure", at(12), distance=2100)])
    assert codes(all_single(far)) == ["outside_fence", "outside_fence"]


def test_a_named_colleague_who_never_checked_in_is_absent():
    [hit] = rules.crew_absent(two_crew())
    assert hit.instance == "person:8"
    assert hit.evidence == {"person": 8, "name": "李娜", "window_from": "2026-11-20T09:00:00+08:00",
                            "window_to": "2026-11-20T12:00:00+08:00", "allowed_m": 400, "tolerance_min": 30.0,
                            "nearest": None}


def test_a_colleague_confirming_far_from_the_site_is_absent_with_that_check_in_as_evidence():
    [hit] = rules.crew_absent(two_crew(presence(30, 8, at(10), distance=2000), presence(31, 8, at(10, 5), 5200)))
    assert hit.evidence["nearest"] == {"check_in": 30, "kind": "presence", "at": "2026-11-20T10:00:00+08:00",
                                       "distance_m": 2000, "minutes_outside": 0.0}


def test_a_colleague_confirming_on_site_but_long_before_the_visit_is_absent():
    [hit] = rules.crew_absent(two_crew(presence(30, 8, at(7, 0))))
    assert hit.evidence["nearest"]["minutes_outside"] == 120.0


def test_crew_presence_near_misses_within_the_allowances_are_present():
    allowed = 300 + 100  # fence + GPS tolerance
    assert rules.crew_absent(two_crew(presence(30, 8, at(8, 31), distance=allowed - 1))) == []
    assert rules.crew_absent(two_crew(presence(30, 8, at(12, 29), distance=allowed))) == []
    assert codes(rules.crew_absent(two_crew(presence(30, 8, at(8, 29))))) == ["crew_absent"]
    assert codes(rules.crew_absent(two_crew(presence(30, 8, at(10), distance=allowed + 1)))) == ["crew_absent"]


def test_crew_presence_is_judged_only_once_the_departure_closes_the_time_on_site():
    assert rules.crew_absent(two_crew(check_ins=[stop(1, "arrival", at(9))])) == []


def test_an_o_and_m_visit_names_its_absent_crew_alike():
    visit = two_crew(subject=Subject("om", 4))
    assert [(h.code, h.evidence["name"]) for h in rules.crew_absent(visit)] == [("crew_absent", "李娜")]


def test_a_presence_check_in_is_never_an_arrival_or_departure_to_the_other_rules():
    facts = two_crew(presence(30, 8, at(9, 5), distance=2000), presence(31, 8, at(9, 10)))
    assert all_single(facts) == []  # far presence is not outside_fence: the colleague confirmed on site after


def test_a_findings_log_entry_reads_as_a_sentence_with_the_reviewers_reason():
    from types import SimpleNamespace

    from services.findings.summary import log_line

    when = datetime(2026, 11, 26, 2, 35, tzinfo=timezone.utc)  # 10:35 China time
    decided = SimpleNamespace(at=when, action="decided", code="outside_fence",
                              detail={"status": "cleared", "reason": "围栏登记有误"})
    assert log_line(decided, "李强") == "2026-11-26 10:35 李强 核查异常线索“签到位置在电子围栏外”：已排除（理由：围栏登记有误）"
    withdrawn = SimpleNamespace(at=when, action="withdrawn", code="short_visit", detail={})
    assert log_line(withdrawn, None).startswith("2026-11-26 10:35 系统 撤销（条件已不成立）异常线索“")
