"""仪器 corrected on the desk: after the polluter rejected a trip, the agency may change the instruments the record
names. Chat refuses an expired or double-booked instrument; the desk does not, and what the record then says
becomes a finding on the trip (and, double-booked, on the other trip too)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from models import Equipment, Finding, MonitoringTask, SamplingTrip, User, clock
from services.filing import filings
from tests.conftest import csrf_token
from tests.e2e import trip_script as script
from tests.e2e.test_instruments_chat import second_visit_for_sampler2
from tests.integration.test_confirmation import (
    _sign_in,
    confirmed_page,
    correction_form,
    decide,
    rejected_trip,
    wechat_open,  # noqa: F401 (the fixture, used by name below)
)

pytestmark = pytest.mark.usefixtures("wechat_open")


def sampler1s_trip(runtime) -> SamplingTrip:
    with runtime.sessions() as s:
        trip = s.scalars(select(SamplingTrip).join(User, User.id == SamplingTrip.started_by_id)
                         .where(User.username == "sampler1")).one()
        for relation in (trip.samples, trip.events):
            list(relation)
        for row in trip.instruments:
            _ = row.equipment
        _ = trip.conditions
        return trip


def instrument_findings(runtime, trip_id: int) -> list[Finding]:
    """The trip's instrument findings (a rejected trip also carries confirmation_missing)."""
    with runtime.sessions() as s:
        return list(s.scalars(select(Finding).where(Finding.trip_id == trip_id, Finding.code.like("instrument%"))
                              .order_by(Finding.id)))


def file_an_expired_instrument(runtime) -> int:
    """The demo agency's dissolved-oxygen meter, filed, whose calibration ran out last week."""
    with runtime.sessions() as s:
        task = s.scalars(select(MonitoringTask).where(MonitoringTask.code == "RW-DEMO-0001")).one()
        meter = Equipment(agency_id=task.agency_id, name="便携式溶解氧仪", model="JPB-607A", asset_no="GT-EQ-003",
                          calibration_valid_until=clock.today() - timedelta(days=7))
        s.add(meter)
        s.flush()
        filing = filings.filed_resources(s, task.agency_id)
        entry = {"id": meter.id, "asset_no": meter.asset_no, "calibration_valid_until":
                 meter.calibration_valid_until.isoformat()}
        filing.snapshot = {**filing.snapshot, "equipment": [*filing.snapshot["equipment"], entry]}
        s.commit()
        return meter.id


def correct_instruments(app, trip: SamplingTrip, instrument_ids: list[int]):
    desk = app.test_client()
    _sign_in(desk, "agency1")
    html = desk.get(f"/agency/trips/{trip.id}/correct").get_data(as_text=True)
    form = correction_form(trip, note="按实际使用的仪器更正", instruments_shown="1")
    form["instrument"] = [str(i) for i in instrument_ids]
    return desk, desk.post(f"/agency/trips/{trip.id}/correct", data={"csrf_token": csrf_token(html), **form})


def test_an_expired_instrument_added_on_the_desk_is_saved_and_becomes_a_finding(demo_world, phone, runtime, app,
                                                                               client, drain):
    rejected_trip(phone, runtime, client)
    meter_id = file_an_expired_instrument(runtime)
    trip = sampler1s_trip(runtime)
    before = [i.equipment_id for i in trip.instruments]
    desk, saved = correct_instruments(app, trip, before + [meter_id])
    assert saved.status_code == 303
    drain()
    trip = sampler1s_trip(runtime)
    assert [i.equipment.asset_no for i in trip.instruments] == ["GT-EQ-001", "GT-EQ-002", "GT-EQ-003"]
    [finding] = instrument_findings(runtime, trip.id)
    assert finding.code == "instrument_expired" and finding.evidence["asset_no"] == "GT-EQ-003"
    page = desk.get(f"/agency/trips/{trip.id}/correct").get_data(as_text=True)
    assert "将“采样仪器”由 GT-EQ-001、GT-EQ-002 更正为 GT-EQ-001、GT-EQ-002、GT-EQ-003" in page
    record = desk.get(f"/records/trips/{trip.id}").get_data(as_text=True)
    assert "使用检定/校准过期的仪器" in record
    row = record.split('<table id="trip-instruments">')[1].split("</table>")[0].split("GT-EQ-003")[1]
    assert "增加（" in row.split("</tr>")[0]


def test_an_instrument_on_another_trip_on_site_added_on_the_desk_is_a_finding_on_both(demo_world, phone, runtime,
                                                                                     app, client, drain):
    second_visit_for_sampler2(runtime)
    colleague = phone("o_sampler2")
    script.bind(colleague, "sampler2")
    script.start(colleague)
    script.arrive(colleague)
    colleague.text("1")
    colleague.text("-2")
    assert "【点位布设】" in colleague.text("确认")  # sampler2 is on site with the flue-gas tester
    sampler = phone("o_sampler1")
    script.bind(sampler)
    script.start(sampler)
    script.arrive(sampler)
    sampler.text("1")
    assert "同一台仪器不能同时在两处现场" in sampler.text("确认")
    sampler.text("-1")
    sampler.text("确认")  # the pH meter only
    script.sample_points(sampler)
    assert "提交前核对" in script.leave(sampler)
    assert "已提交" in sampler.text("1")
    url, html = confirmed_page(client, runtime)
    assert decide(client, url, html, "reject", "烟气测试仪未记录").status_code == 303
    trip = sampler1s_trip(runtime)
    with runtime.sessions() as s:
        tester = s.scalars(select(Equipment).where(Equipment.asset_no == "GT-EQ-001")).one().id
        other = s.scalars(select(SamplingTrip.id).where(SamplingTrip.id != trip.id)).one()
    _, saved = correct_instruments(app, trip, [i.equipment_id for i in trip.instruments] + [tester])
    assert saved.status_code == 303
    drain()
    [mine] = instrument_findings(runtime, trip.id)
    assert mine.code == "instrument_double_booked" and mine.evidence["other"] == f"trip:{other}"
    assert mine.evidence["asset_no"] == "GT-EQ-001"
    [theirs] = instrument_findings(runtime, other)
    assert theirs.code == "instrument_double_booked" and theirs.evidence["other"] == f"trip:{trip.id}"


def test_an_instrument_of_another_agency_is_refused_on_the_desk(demo_world, phone, runtime, app, client):
    rejected_trip(phone, runtime, client)
    with runtime.sessions() as s:
        foreign = s.scalars(select(Equipment).where(Equipment.asset_no == "ZC-EQ-001")).one().id
    trip = sampler1s_trip(runtime)
    _, refused = correct_instruments(app, trip, [foreign])
    assert refused.status_code == 400 and "所选仪器不是本机构的设备" in refused.get_data(as_text=True)
    assert [i.equipment.asset_no for i in sampler1s_trip(runtime).instruments] == ["GT-EQ-001", "GT-EQ-002"]

