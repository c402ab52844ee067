"""Findings on whole trips and O&M visits: a clean trip carries none, each event updates them as it happens,
rescans are idempotent and a reviewer's decision survives them."""
from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import select

from models import CheckIn, CheckInKind, Finding, FindingStatus, OmConfirmation, OmSheet, OmVisit, SamplingTrip, clock
from services.adapters import field_pictures as pictures
from services.adapters import signatures
from services.core.uow import UnitOfWork
from services.findings import engine
from services.findings.decisions import FindingProblem, decide
from services.findings.facts import Subject
from services.sampling import confirmations
from tests.e2e import om_script
from tests.e2e import trip_script as script
from tests.support import om as om_support
from tests.support import records
from tests.support.images import camera_exif, jpeg

pytestmark = pytest.mark.usefixtures("demo_world")


class FakeClock:
    """The time every use case reads (models/clock.py), moved on by the test as the crew works."""

    def __init__(self, monkeypatch, start: datetime):
        self.moment = start
        monkeypatch.setattr(clock, "now", lambda: self.moment)

    def advance(self, minutes: float) -> None:
        self.moment += timedelta(minutes=minutes)


@pytest.fixture
def morning(monkeypatch):
    return FakeClock(monkeypatch, clock.at_local(clock.today(), time(9, 0)))


def findings(runtime, subject: Subject) -> list[tuple[str, str]]:
    with runtime.sessions() as s:
        column = Finding.trip_id if subject.kind == "trip" else Finding.om_visit_id
        return sorted((f.code, f.status) for f in s.scalars(select(Finding).where(column == subject.id)))


def trip_id(runtime, task_code: str = "RW-DEMO-0001") -> int:
    with runtime.sessions() as s:
        return records.trip_of(s, task_code).id


def checked_in(phone, where):
    """sampler1 starts the demo trip and sends the arrival location; returns the chat."""
    sampler = phone("o_s1")
    script.bind(sampler)
    script.start(sampler)
    sampler.location(*where)
    return sampler


def sampled_trip(sampler, morning: FakeClock, where=script.SITE, username: str = "sampler1",
                 places=script.POINTS) -> str:
    """A demo trip played in chat at a working pace: 09:00 arrival, two points, leaving 11:00."""
    script.bind(sampler, username)
    script.start(sampler)
    script.arrive(sampler, where)
    morning.advance(20)
    assert "发送您当前的位置" in script.confirm_instruments(sampler)
    for n in range(2):
        assert "采样过程照片" in script.at_point(sampler, n, places)
        sampler.photo(jpeg(10 + n))
        assert "仪器" in sampler.text("1")
        sampler.photo(jpeg(110 + n))
        assert "采样时间" in sampler.text("1")
        morning.advance(30)
        sampler.text("现在")
    morning.advance(30)
    review = script.leave(sampler, where)
    assert "提交前核对" in review, review
    return sampler.text("1")


def polluter_confirms(app, trip: int) -> None:
    with app.app_context(), UnitOfWork(app.extensions["emss"]) as uow:
        found = uow.session.get(SamplingTrip, trip)
        assert confirmations.confirm(uow, found.confirmations[-1], records.user(uow.session, "polluter1"))
        uow.commit()


def test_a_clean_trip_confirmed_before_the_crew_leaves_carries_no_finding(app, runtime, phone, morning, drain):
    sampled_trip(phone("o_s1"), morning)
    trip = Subject("trip", trip_id(runtime))
    assert findings(runtime, trip) == [("confirmation_missing", "open")]  # as the desk says while it waits
    morning.advance(5)
    polluter_confirms(app, trip.id)
    drain()
    assert findings(runtime, trip) == []  # withdrawn: the confirmation came


def test_a_self_monitoring_trip_needs_no_confirmation_and_carries_no_finding(runtime, phone, morning):
    assert "无需排污单位确认" in sampled_trip(phone("o_selfmon1"), morning, script.SELF_SITE, "selfmon1",
                                          script.SELF_POINTS)
    rescan(runtime, Subject("trip", trip_id(runtime, "ZC-DEMO-0001")))
    with runtime.sessions() as s:
        assert s.scalar(select(SamplingTrip.state)) == "completed"
        assert s.scalars(select(Finding)).all() == []


def test_a_check_in_outside_the_fence_in_chat_is_found_as_it_happens(runtime, phone, morning):
    checked_in(phone, script.FAR)
    assert findings(runtime, Subject("trip", trip_id(runtime))) == [("outside_fence", "open")]
    with runtime.sessions() as s:
        row = s.scalar(select(Finding))
        assert row.evidence["distance_m"] > 1500 and row.evidence["fence_m"] == 300
        assert row.instance == f"check_in:{row.evidence['check_in']}"


def test_a_finding_on_a_trip_records_the_trips_day_agency_and_polluter(runtime, phone, morning):
    """The desk scopes, filters and ranks findings by what each records (services/worklist.py)."""
    checked_in(phone, script.FAR)
    with runtime.sessions() as s:
        row = s.scalar(select(Finding))
        task = s.get(SamplingTrip, row.trip_id).visit.task
        assert (row.day, row.agency_id, row.polluter_id) == (clock.today(), task.agency_id, task.polluter_id)
        assert (row.agency.code, row.polluter.district) == ("LC", "金山区")


def test_a_point_sampled_far_from_its_registered_position_is_found_and_a_near_one_is_not(runtime, phone, morning,
                                                                                          drain):
    far_point = (script.POINTS[1][0] + 0.0018, script.POINTS[1][1])  # ~200 m north of the boiler stack
    sampled_trip(phone("o_s1"), morning, places=[script.POINTS[0], far_point])
    drain()
    trip = Subject("trip", trip_id(runtime))
    assert ("point_outside", "open") in findings(runtime, trip)
    with runtime.sessions() as s:
        [row] = s.scalars(select(Finding).where(Finding.code == "point_outside")).all()
        second = records.trip_of(s, "RW-DEMO-0001").points[1]
        assert row.instance == f"point:{second.id}" and row.evidence["point_name"] == second.name
        assert 150 < row.evidence["distance_m"] < 250 and row.evidence["allowed_m"] == 100
        assert row.evidence["reference"] == "point"
        assert (row.evidence["latitude"], row.evidence["longitude"]) == far_point
        assert (row.evidence["reference_latitude"], row.evidence["reference_longitude"]) == \
            (second.latitude, second.longitude)


def test_a_rescan_adds_nothing_and_a_cleared_finding_stays_cleared(app, runtime, phone, morning, drain):
    sampled_trip(phone("o_s1"), morning, where=script.FAR)
    trip = Subject("trip", trip_id(runtime))
    before = findings(runtime, trip)
    assert before.count(("outside_fence", "open")) == 2  # arrival and departure: one finding each
    with UnitOfWork(runtime) as uow:
        engine.rescan_since(uow.session)
        engine.rescan_since(uow.session)
        uow.commit()
    assert findings(runtime, trip) == before
    with UnitOfWork(runtime) as uow:
        row = uow.session.scalar(select(Finding).where(Finding.code == "outside_fence").order_by(Finding.id))
        decide(uow.session, row, records.user(uow.session, "regulator1"), "cleared", "厂区扩建，围栏未更新")
        uow.commit()
    morning.advance(5)
    polluter_confirms(app, trip.id)  # an event: the trip is rescanned
    drain()
    with UnitOfWork(runtime) as uow:
        engine.rescan(uow.session, trip)
        uow.commit()
    assert findings(runtime, trip) == [("outside_fence", "cleared"), ("outside_fence", "open")]
    with runtime.sessions() as s:
        cleared = s.scalar(select(Finding).where(Finding.status == FindingStatus.CLEARED))
        assert cleared.reason == "厂区扩建，围栏未更新" and cleared.decided_by.username == "regulator1"


def test_only_a_regulator_decides_and_always_with_a_reason(runtime, phone, morning):
    checked_in(phone, script.FAR)
    with UnitOfWork(runtime) as uow:
        row = uow.session.scalar(select(Finding))
        with pytest.raises(FindingProblem, match="reason_needed"):
            decide(uow.session, row, records.user(uow.session, "regulator1"), "confirmed", "  ")
        with pytest.raises(FindingProblem, match="not_allowed"):
            decide(uow.session, row, records.user(uow.session, "agency1"), "cleared", "理由")


def test_a_sampling_time_before_arrival_that_reaches_the_record_by_a_correction_is_found(app, runtime, phone,
                                                                                         morning, drain):
    """The chat refuses such a time (tests/e2e/test_sampling_trip.py); a desk correction can still write one."""
    from services.field import corrections
    from services.sampling import confirmations
    from tests.support import records

    sampled_trip(phone("o_sampler1"), morning)
    with app.app_context(), UnitOfWork(runtime) as uow:
        trip = records.trip_of(uow.session)
        assert confirmations.reject(uow, trip.confirmations[-1], records.user(uow.session, "polluter1"), "时间有误")
        uow.commit()
    with app.app_context(), UnitOfWork(runtime) as uow:
        trip = records.trip_of(uow.session)
        before = trip.latest_check_in("arrival").at - timedelta(hours=2)
        corrections.correct(uow, trip, records.user(uow.session, "agency1"), {}, {trip.samples[0].id: before},
                            "按原始记录更正")
    drain()  # the findings of what changed are found by a job (RQ on PostgreSQL + Redis)
    assert ("sample_time_outside_visit", "open") in findings(runtime, Subject("trip", trip_id(runtime)))


# --- O&M visits in chat ---------------------------------------------------------------------------------------

def om_visit_in_chat(runtime) -> Subject:
    with runtime.sessions() as s:
        return Subject("om", s.scalar(select(OmVisit.id).where(OmVisit.started_at.is_not(None))))


def test_an_om_check_in_outside_the_fence_in_chat_is_found_as_it_happens(runtime, phone, morning):
    crew = phone(om_script.CREW)
    om_script.bind(crew)
    om_script.start(crew)
    crew.location(*om_script.FAR)
    assert findings(runtime, om_visit_in_chat(runtime)) == [("outside_fence", "open")]


def test_a_finding_on_an_om_visit_records_its_due_day_and_its_plans_agency_and_polluter(runtime, phone, morning):
    crew = phone(om_script.CREW)
    om_script.bind(crew)
    om_script.start(crew)
    crew.location(*om_script.FAR)
    with runtime.sessions() as s:
        row = s.scalar(select(Finding))
        visit = s.get(OmVisit, row.om_visit_id)
        assert (row.day, row.agency_id, row.polluter_id) == (visit.due_on, visit.plan.agency_id, visit.plan.polluter_id)
        assert row.agency.kind == "om"


def test_an_om_visit_in_chat_without_the_planned_water_inspection(runtime, phone, morning):
    """Two of the plan's three sheets at a working pace: only the missing sheet and the signature wait."""
    crew = phone(om_script.CREW)
    om_script.bind(crew)
    om_script.start(crew)
    om_script.arrive(crew)
    crew.text("1")
    for number, answers, seed in (("1", om_script.DAILY_GAS, 11), ("2", om_script.CALIBRATION, 12)):
        morning.advance(30)
        om_script.sheet(crew, number, answers, seed=seed)
    morning.advance(10)
    assert "提交前核对" in om_script.leave(crew)
    crew.text("1")
    assert findings(runtime, om_visit_in_chat(runtime)) == [("confirmation_missing", "open"),
                                                            ("planned_sheet_missing", "open")]


# --- across trips and O&M visits -----------------------------------------------------------------------------

def om_visit(app, drain, arrival: time = time(9, 0)) -> Subject:
    """The demo O&M visit (omcrew1, three sheets), its departure check-in moved inside the fence, confirmed."""
    visit_id = om_support.awaiting_visit(app, drain, arrival=arrival)
    runtime = app.extensions["emss"]
    with runtime.sessions() as s:
        departure = s.scalar(select(CheckIn).where(CheckIn.om_visit_id == visit_id,
                                                   CheckIn.kind == CheckInKind.DEPARTURE))
        departure.latitude, departure.longitude, departure.distance_m, departure.inside_fence = \
            30.8168, 121.3502, 25.0, True
        s.get(OmVisit, visit_id).confirmations[-1].status = "confirmed"
        s.commit()
    return Subject("om", visit_id)


def rescan(runtime, subject: Subject) -> None:
    with UnitOfWork(runtime) as uow:
        engine.rescan(uow.session, subject)
        uow.commit()


def test_a_clean_om_visit_carries_no_finding(app, runtime, drain):
    visit = om_visit(app, drain)
    rescan(runtime, visit)
    assert findings(runtime, visit) == []


def test_an_om_visit_submitted_without_a_planned_sheet(app, runtime, drain):
    visit = om_visit(app, drain)
    with runtime.sessions() as s:
        calibration = next(sh for sh in s.get(OmVisit, visit.id).sheets if sh.form == "calibration")
        calibration.confirmed_at = None
        s.commit()
    rescan(runtime, visit)
    assert findings(runtime, visit) == [("planned_sheet_missing", "open")]


def test_the_same_photo_on_a_trip_and_an_om_visit_is_found_on_both(app, runtime, drain):
    visit = om_visit(app, drain)
    trip = Subject("trip", records.make_trip(runtime, records.visit_of(runtime, "RW-DEMO-0001"), "completed",
                                             photo_hashes=("aa",), confirmed=True))
    with runtime.sessions() as s:
        photo = s.get(OmVisit, visit.id).photos_for("arrival")[0]
        photo.sha256 = "aa".ljust(64, "0")
        s.commit()
    rescan(runtime, trip)
    assert ("photo_reused", "open") in findings(runtime, trip)
    assert findings(runtime, visit) == [("photo_reused", "open")]
    with runtime.sessions() as s:
        evidence = s.scalar(select(Finding).where(Finding.om_visit_id == visit.id)).evidence
        assert evidence["others"][0]["subject"] == trip.key
        s.get(OmVisit, visit.id).photos_for("arrival")[0].sha256 = "bb".ljust(64, "0")  # not the same photo after all
        s.commit()
    rescan(runtime, trip)
    assert ("photo_reused", "open") not in findings(runtime, trip) and findings(runtime, visit) == []


def sheet_copied_to_another_visit(runtime, visit: Subject, **changed) -> Subject:
    """A later visit of the plan, with a confirmed calibration sheet whose answers are this visit's, `changed`."""
    with runtime.sessions() as s:
        done = s.get(OmVisit, visit.id)
        original = next(sh for sh in done.sheets if sh.form == "calibration")
        later = OmVisit(plan=done.plan, due_on=max(v.due_on for v in done.plan.visits) + timedelta(days=1))
        s.add(OmSheet(visit=later, form="calibration", point_id=original.point_id,
                      instrument_id=original.instrument_id, answers={**original.answers, **changed},
                      confirmed_at=clock.now() + timedelta(days=1)))
        s.commit()
        return Subject("om", later.id)


def test_a_calibration_sheet_with_another_days_readings_is_found_on_both_visits(app, runtime, drain):
    visit = om_visit(app, drain)
    copy = sheet_copied_to_another_visit(runtime, visit, zero_last_after=0.2, span_last_after=400)
    rescan(runtime, copy)
    assert findings(runtime, copy) == [("copied_readings", "open")]
    assert findings(runtime, visit) == [("copied_readings", "open")]
    with runtime.sessions() as s:
        evidence = s.scalar(select(Finding).where(Finding.om_visit_id == copy.id)).evidence
        assert evidence["readings"] == {"zero_before": 1.8, "zero_after": 0.2, "span_before": 396}
        assert evidence["others"][0]["subject"] == visit.key and evidence["sheet_title"] == "校准记录单"


def test_one_reading_apart_or_only_the_standards_values_equal_is_no_copy(app, runtime, drain):
    visit = om_visit(app, drain)
    nearly = sheet_copied_to_another_visit(runtime, visit, zero_before=1.6)
    rescan(runtime, nearly)
    # the analyser reads the standard after calibration, zero at zero: those repeat on every clean sheet
    aimed = sheet_copied_to_another_visit(runtime, visit, zero_before=2.3, span_before=404, zero_after=0)
    rescan(runtime, aimed)
    rescan(runtime, visit)
    assert findings(runtime, nearly) == [] and findings(runtime, aimed) == [] and findings(runtime, visit) == []


def signed(runtime, visit: Subject, drawing, hours_later: float = 0) -> None:
    """The polluter's confirmation of the visit signed with `drawing`, `hours_later` than now."""
    with runtime.sessions() as s:
        confirmation = s.get(OmVisit, visit.id).confirmations[-1]
        confirmation.status, confirmation.decided_at = "confirmed", clock.now() + timedelta(hours=hours_later)
        confirmation.signature_hash = signatures.stroke_hash(drawing)
        s.commit()


def later_visit(app, runtime, visit: Subject) -> Subject:
    """Another visit of the same plan the next day, submitted and waiting for the polluter."""
    with runtime.sessions() as s:
        done = s.get(OmVisit, visit.id)
        later = OmVisit(plan=done.plan, due_on=done.due_on + timedelta(days=1), state="awaiting_confirmation")
        later.confirmations.append(OmConfirmation())
        s.add(later)
        s.commit()
        return Subject("om", later.id)


def test_a_signature_pasted_again_on_the_next_visit_is_found_on_that_visit(app, runtime, drain):
    first = om_visit(app, drain)
    signed(runtime, first, pictures.signature("王建国", hand=1))
    second = later_visit(app, runtime, first)
    signed(runtime, second, pictures.scaled_signature(pictures.signature("王建国", hand=1), 0.8), hours_later=24)
    rescan(runtime, second)
    rescan(runtime, first)
    assert findings(runtime, second) == [("signature_reused", "open")]
    assert findings(runtime, first) == []  # the earlier drawing may well be genuine
    with runtime.sessions() as s:
        evidence = s.scalar(select(Finding).where(Finding.om_visit_id == second.id)).evidence
        assert evidence["others"][0]["subject"] == first.key and evidence["hash_distance"] <= 24


def test_the_same_name_signed_again_by_hand_is_no_finding(app, runtime, drain):
    first = om_visit(app, drain)
    signed(runtime, first, pictures.signature("王建国", hand=1))
    second = later_visit(app, runtime, first)
    signed(runtime, second, pictures.signature("王建国", hand=2), hours_later=24)
    rescan(runtime, second)
    assert findings(runtime, second) == []


def test_one_person_sampling_at_one_site_while_checked_in_at_another(app, runtime, drain):
    """omcrew1 is at the demo plant 09:00–12:00; a trip elsewhere names them too, 10:00–11:00, 20 km away."""
    visit = om_visit(app, drain)
    made = records.make_trip(runtime, records.visit_of(runtime, "RW-DEMO-0001"), "completed", confirmed=True)
    with runtime.sessions() as s:
        crew = records.user(s, "omcrew1")
        trip = s.get(SamplingTrip, made)
        trip.visit.samplers.append(crew)
        for check_in, hour in zip(trip.check_ins, (10, 11), strict=True):
            check_in.at = clock.at_local(clock.today(), time(hour))
            check_in.latitude, check_in.longitude = 31.0, 121.35
        trip.visit.task.polluter_id = _other_polluter(s)
        s.commit()
        trip_subject = Subject("trip", trip.id)
    rescan(runtime, visit)
    assert ("overlapping_visits", "open") in findings(runtime, visit)
    assert ("overlapping_visits", "open") in findings(runtime, trip_subject)


def _other_polluter(s) -> int:
    from models import Polluter

    other = Polluter(name="上海远方化工有限公司", credit_code="91310116MA1FAR0001", district="金山区", address="远方路 1 号",
                     latitude=31.0, longitude=121.35)
    s.add(other)
    s.flush()
    return other.id


def test_the_cli_rescans_from_a_day(app, runtime, drain, monkeypatch, capsys):
    from web import cli

    visit = om_visit(app, drain)
    with runtime.sessions() as s:
        s.get(OmVisit, visit.id).confirmations[-1].status = "pending"
        s.commit()
    monkeypatch.setattr("services.core.config.Config.from_env", classmethod(lambda cls: runtime.config))
    assert cli.main(["findings", "rescan", "--since", clock.today().isoformat()]) == 0
    assert "已重新检查" in capsys.readouterr().out
    assert findings(runtime, visit) == [("confirmation_missing", "open")]
    with pytest.raises(SystemExit):
        cli.main(["findings", "rescan", "--since", "昨天"])


# --- on the pages ---------------------------------------------------------------------------------------------

def test_the_trip_record_shows_each_finding_with_its_title_and_evidence(runtime, phone, morning, login, client):
    checked_in(phone, script.FAR)
    login("regulator1")
    page = client.get(f"/records/trips/{trip_id(runtime)}").get_data(as_text=True)
    assert "异常线索" in page and "签到位置在电子围栏外" in page and "围栏 300 米" in page and "待核查" in page


def test_the_om_visit_page_shows_its_findings_or_says_none(app, runtime, drain, login, client):
    visit = om_visit(app, drain)
    rescan(runtime, visit)
    login("om1")
    assert "未发现异常" in client.get(f"/om/visits/{visit.id}").get_data(as_text=True)
    with runtime.sessions() as s:
        next(sh for sh in s.get(OmVisit, visit.id).sheets if sh.form == "calibration").confirmed_at = None
        s.commit()
    rescan(runtime, visit)
    page = client.get(f"/om/visits/{visit.id}").get_data(as_text=True)
    assert "缺少计划要求的运维记录单" in page and "计划要求的校准记录单未填写" in page


# --- photos as the camera took them ---------------------------------------------------------------------------

def test_a_photo_taken_yesterday_far_away_is_found_once_processed(runtime, phone, morning, drain):
    sampler = checked_in(phone, script.SITE)
    yesterday = clock.local(morning.moment - timedelta(days=1)).replace(tzinfo=None)
    sampler.photo(jpeg(1, exif=camera_exif(yesterday, (31.2304, 121.4737))))  # People's Square, ~25 km away
    drain()
    found = findings(runtime, Subject("trip", trip_id(runtime)))
    assert found == [("exif_place_mismatch", "open"), ("exif_time_mismatch", "open")]
    with runtime.sessions() as s:
        place = s.scalar(select(Finding).where(Finding.code == "exif_place_mismatch"))
        assert place.evidence["distance_m"] > 20000 and place.evidence["exif_lat"] == pytest.approx(31.2304)


def test_a_photo_taken_on_site_just_now_is_no_finding(runtime, phone, morning, drain):
    sampler = checked_in(phone, script.SITE)
    morning.advance(2)
    now = clock.local(morning.moment).replace(tzinfo=None)
    sampler.photo(jpeg(1, exif=camera_exif(now, script.SITE)))
    drain()
    assert findings(runtime, Subject("trip", trip_id(runtime))) == []
