"""点位位置建议 on the desk: the position a point without one was first sampled at is proposed; the polluter or
the agency accepts it (the point's registered position becomes it, logged) or rejects it."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from models import DirectoryChange, MonitoringPoint, PositionProposal
from tests.conftest import csrf_token
from tests.e2e import trip_script as script

pytestmark = pytest.mark.usefixtures("demo_world")


def proposed(runtime, phone) -> tuple[int, int]:
    """The demo's wastewater outlet loses its position; sampler1 samples it: (proposal id, point id)."""
    with runtime.sessions() as s:
        point = s.scalars(select(MonitoringPoint).where(MonitoringPoint.code == "DW001")).first()
        point.latitude = point.longitude = None
        s.commit()
        point_id = point.id
    sampler = phone("o_s1")
    script.bind(sampler)
    script.start(sampler)
    script.arrive(sampler)
    script.confirm_instruments(sampler)
    assert "已提交排污单位点位登记" in sampler.location(*script.POINTS[0])
    with runtime.sessions() as s:
        return s.scalars(select(PositionProposal.id)).one(), point_id


def post(client, url: str):
    token = csrf_token(client.get("/positions/").get_data(as_text=True))
    return client.post(url, data={"csrf_token": token})


def test_the_polluter_accepts_a_proposed_position_and_it_becomes_the_points_registered_one(
        client, login, runtime, phone):
    proposal_id, point_id = proposed(runtime, phone)
    login("polluter1")
    page = client.get("/positions/").get_data(as_text=True)
    lat, lng = script.POINTS[0]
    assert "DW001 废水总排口" in page and f"{lat:.5f}, {lng:.5f}" in page
    response = post(client, f"/positions/{proposal_id}/accept")
    assert response.status_code == 303
    assert "已采纳" in client.get("/positions/").get_data(as_text=True)
    with runtime.sessions() as s:
        point = s.get(MonitoringPoint, point_id)
        assert (point.latitude, point.longitude) == script.POINTS[0]
        proposal = s.get(PositionProposal, proposal_id)
        assert proposal.status == "accepted" and proposal.decided_by.username == "polluter1"
        change = s.scalars(select(DirectoryChange).where(DirectoryChange.source == "proposal")).one()
        assert change.actor.username == "polluter1" and change.detail["point"] == "DW001"
        assert change.detail["latitude"] == [None, lat] and change.detail["proposal"] == proposal_id
    again = post(client, f"/positions/{proposal_id}/accept")
    assert "该建议位置已处理过" in client.get(again.headers["Location"]).get_data(as_text=True)


def test_the_agency_rejects_a_proposal_from_its_trip_and_the_point_stays_without_a_position(
        client, login, runtime, phone):
    proposal_id, point_id = proposed(runtime, phone)
    login("agency1")
    assert "DW001 废水总排口" in client.get("/positions/").get_data(as_text=True)
    assert post(client, f"/positions/{proposal_id}/reject").status_code == 303
    with runtime.sessions() as s:
        assert s.get(PositionProposal, proposal_id).status == "rejected"
        assert s.get(MonitoringPoint, point_id).latitude is None
        assert s.scalars(select(DirectoryChange).where(DirectoryChange.source == "proposal")).all() == []


def test_a_point_sampled_after_its_position_was_accepted_is_measured_to_that_position(client, login, runtime,
                                                                                        phone):
    proposal_id, _ = proposed(runtime, phone)
    login("polluter1")
    post(client, f"/positions/{proposal_id}/accept")
    sampler = phone("o_s1")
    sampler.text("上一步")
    assert "距点位登记位置约 0 米" in sampler.location(*script.POINTS[0])


def test_someone_outside_the_polluter_and_the_agency_cannot_see_or_decide_a_proposal(client, login, runtime,
                                                                                       phone):
    proposal_id, _ = proposed(runtime, phone)
    login("agency2")  # another agency: not its trip
    assert "DW001" not in client.get("/positions/").get_data(as_text=True)
    assert post(client, f"/positions/{proposal_id}/accept").status_code == 404
    login("regulator1")
    assert client.get("/positions/").status_code == 404
    with runtime.sessions() as s:
        assert s.get(PositionProposal, proposal_id).status == "pending"
