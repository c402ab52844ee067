"""The planted scenario (examples/scenario-planted.json): three days of a small city's sampling trips and O&M
visits, clean ones among one irregularity planted per finding code. Loaded on a fresh database, every planted
code is found on the trips or visits it was planted on, and the clean ones carry no finding at all."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from models import Finding, OmVisit, SamplingTrip, Visit
from services.core.uow import UnitOfWork
from states.findings import ACTIVE
from tests.integration.test_scenarios import (
    CHINESE,
    cli_env,  # noqa: F401 (the fixture)
    counts,
    post,
)
from web import cli

PLANTED_FILE = Path(__file__).resolve().parents[2] / "examples" / "scenario-planted.json"

# visit key → the codes planted on it; a pair of visits shares one planted irregularity when the rule is about
# both (the same photo on two trips, one person at two places, one set of readings on two visits)
PLANTED = {
    "PLANT-OUTSIDE-FENCE": {"outside_fence"},
    "PLANT-POINT-OUTSIDE": {"point_outside"},
    "PLANT-REUSED-1": {"photo_reused"}, "PLANT-REUSED-2": {"photo_reused"},
    "PLANT-NEAR-DUPLICATE": {"photo_near_duplicate"},
    "PLANT-EXIF-TIME": {"exif_time_mismatch"},
    "PLANT-EXIF-PLACE": {"exif_place_mismatch"},
    "PLANT-SHORT-VISIT": {"short_visit"},
    "PLANT-SAMPLE-TIME": {"sample_time_outside_visit"},
    "PLANT-OFF-SCHEDULE": {"off_schedule"},
    "PLANT-OVERLAP-1": {"overlapping_visits"}, "PLANT-OVERLAP-2": {"overlapping_visits"},
    "PLANT-TRAVEL-1": {"impossible_travel"}, "PLANT-TRAVEL-2": {"impossible_travel"},
    "PLANT-NO-CONFIRMATION": {"confirmation_missing"},
    "PLANT-LATE-CONFIRMATION": {"after_departure"},
    "PLANT-SHEET-MISSING": {"planned_sheet_missing"},
    "PLANT-COPIED-1": {"copied_readings"}, "PLANT-COPIED-2": {"copied_readings"},
    "PLANT-SIGNATURE-REUSED": {"signature_reused"},
    "PLANT-CREW-ABSENT": {"crew_absent"},
    "PLANT-INSTRUMENT-EXPIRED": {"instrument_expired"},
    "PLANT-INSTRUMENT-SHARED-1": {"instrument_double_booked"},
    "PLANT-INSTRUMENT-SHARED-2": {"instrument_double_booked"},
}


def planted() -> dict:
    return json.loads(PLANTED_FILE.read_text(encoding="utf-8"))


def codes_by_visit(runtime) -> dict[str, set[str]]:
    """Every visit of the scenario (by its key) with the codes of its findings."""
    with runtime.sessions() as s:
        found = {ref: set() for ref in s.scalars(select(OmVisit.ref).where(OmVisit.ref.is_not(None)))}
        trips = {trip.id: trip.visit.ref for trip in s.scalars(select(SamplingTrip))}
        found |= {ref: set() for ref in trips.values()}
        visits = dict(s.execute(select(OmVisit.id, OmVisit.ref)).all())
        for finding in s.scalars(select(Finding)):
            ref = trips[finding.trip_id] if finding.trip_id else visits[finding.om_visit_id]
            found[ref].add(finding.code)
    return found


def test_each_planted_irregularity_is_found_where_it_was_planted_and_the_clean_work_carries_none(client, runtime):
    data = planted()
    response = client.post("/fake-wechat/scenario", json=data)
    assert response.status_code == 200, response.get_data(as_text=True)
    found = codes_by_visit(runtime)
    expected = {v["key"]: PLANTED.get(v["key"], set()) for v in data["visits"]}
    assert found == expected
    clean = [key for key, codes in expected.items() if not codes]
    assert len(clean) >= 7
    assert set().union(*PLANTED.values()) == {r.code for r in ACTIVE}  # every rule built has its plant

    with runtime.sessions() as s:
        before = sorted((f.code, f.instance, f.trip_id, f.om_visit_id) for f in s.scalars(select(Finding)))
    again = client.post("/fake-wechat/scenario", json=data)
    assert again.get_json() == response.get_json()
    with runtime.sessions() as s:
        assert sorted((f.code, f.instance, f.trip_id, f.om_visit_id) for f in s.scalars(select(Finding))) == before


def test_the_cli_loads_the_planted_scenario_with_its_photos_and_signatures(runtime, cli_env, capsys):  # noqa: F811
    assert cli.main(["scenario", "load", str(PLANTED_FILE)]) == 0
    ids = json.loads(capsys.readouterr().out)
    with UnitOfWork(runtime) as uow:
        visit = uow.session.get(OmVisit, ids["visits"]["PLANT-SIGNATURE-REUSED"])
        assert visit.state == "confirmed" and visit.confirmations[-1].signature_hash
        signature = Path(runtime.config.media_root) / visit.confirmations[-1].signature_path
        assert signature.read_bytes().startswith(b"\x89PNG")
        trip = uow.session.scalar(select(SamplingTrip).join(SamplingTrip.visit).where(Visit.ref == "CLEAN-TRIP-A"))
        assert trip.state == "completed" and len(trip.photos) == 6 and all(p.thumbnail_path for p in trip.photos)
        assert [c.inside_fence for c in trip.check_ins] == [True, True]


def visit(data: dict, key: str) -> dict:
    return next(v for v in data["visits"] if v["key"] == key)


def _later_photo(data):
    visit(data, "PLANT-NEAR-DUPLICATE")["work"]["photos"][4]["same_as"] = {"photo": 5}


def _scene_unknown(data):
    visit(data, "CLEAN-TRIP-A")["work"]["photos"][0]["scene"] = "sunset"


def _signed_by_a_sampler(data):
    visit(data, "CLEAN-OM-A")["work"]["confirmation"]["by"] = "pl_zhou"


def _sheet_field_unknown(data):
    visit(data, "PLANT-COPIED-1")["work"]["sheets"][1]["answers"]["colour"] = "blue"


def _point_of_another_site(data):
    visit(data, "PLANT-SAMPLE-TIME")["work"]["samples"][0]["point"] = "DW001"


def _located_on_an_om_visit(data):
    visit(data, "CLEAN-OM-A")["work"]["locations"] = [{"point": "DW001", "at": "13:10"}]


def _location_of_another_sites_point(data):
    visit(data, "PLANT-POINT-OUTSIDE")["work"]["locations"][0]["point"] = "DA001"


def _instrument_on_an_om_visit(data):
    visit(data, "CLEAN-OM-A")["work"]["instruments"] = [{"asset_no": "JW-EQ-001", "valid_until": "today+30"}]


def _instrument_at_another_sites_point(data):
    visit(data, "PLANT-INSTRUMENT-EXPIRED")["work"]["instruments"][0]["points"] = ["DA002"]


def _signature_of_a_trip(data):
    visit(data, "CLEAN-TRIP-A")["work"]["confirmation"]["signature"] = {"hand": 1}


@pytest.mark.parametrize(("spoil", "path"), [
    (_later_photo, "visits[10].work.photos[4].same_as"), (_scene_unknown, "visits[0].work.photos[0].scene"),
    (_signed_by_a_sampler, "visits[3].work.confirmation.by"),
    (_sheet_field_unknown, "visits[23].work.sheets[1].answers"),
    (_point_of_another_site, "visits[14].work.samples[0].point"),
    (_located_on_an_om_visit, "visits[3].work.locations"),
    (_location_of_another_sites_point, "visits[26].work.locations[0].point"),
    (_instrument_on_an_om_visit, "visits[3].work.instruments"),
    (_instrument_at_another_sites_point, "visits[30].work.instruments[0].points[0]"),
    (_signature_of_a_trip, "visits[0].work.confirmation.signature")])
def test_what_happened_on_a_visit_is_checked_too_and_a_bad_one_loads_nothing(client, runtime, spoil, path):
    data = planted()
    spoil(data)
    empty = counts(runtime)
    answer = post(client, data)
    assert answer.status_code == 400
    body = answer.get_json()
    assert body["path"] == path and CHINESE.search(body["error"]) and path in body["error_en"]
    assert counts(runtime) == empty


def _page_rows(html: str) -> list[str]:
    table = re.search(r'<table id="crew-presence">(.*?)</table>', html, re.S).group(1)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in table.split("<tr>")[2:]]


def test_the_record_pages_show_each_crew_members_own_presence(demo_world, client, runtime, login):
    assert client.post("/fake-wechat/scenario", json=planted()).status_code == 200
    with runtime.sessions() as s:
        trips = {t.visit.ref: t.id for t in s.scalars(select(SamplingTrip))}
        om_visit = s.scalars(select(OmVisit.id).where(OmVisit.ref == "CLEAN-OM-CREW")).one()
    login("admin1")  # plant-far lies outside the district's regulator's scope
    rows = _page_rows(client.get(f"/records/trips/{trips['PLANT-CREW-ABSENT']}").get_data(as_text=True))
    leader, absent = (next(r for r in rows if r.startswith(name)) for name in ("孙倩", "陈刚"))
    assert "带队" in leader and "进场签到" in leader and "离场签到" in leader
    assert "带队" not in absent and "到场确认" in absent and "围栏外" in absent
    evidence = client.get(f"/evidence/trips/{trips['PLANT-CREW-ABSENT']}").get_data(as_text=True)
    assert "到场确认" in evidence and "陈刚 在现场时段" in evidence  # the timeline, the plan and the finding
    crew = _page_rows(client.get(f"/om/visits/{om_visit}").get_data(as_text=True))
    assert len(crew) == 2 and "带队" in crew[0] and "到场确认" in crew[1] and "围栏内" in crew[1]
    lone = _page_rows(client.get(f"/records/trips/{trips['PLANT-NO-CONFIRMATION']}").get_data(as_text=True))
    assert len(lone) == 1 and "带队" in lone[0] and "未用本人微信" not in lone[0]
