"""点位布设 in chat: at each point the sampler sends its location before the photos; the distance to the point's
registered position is stored and told, a far point is flagged, and a point with no position gets one proposed."""
from __future__ import annotations

from sqlalchemy import func, select

from models import MonitoringPoint, PointLocation, PositionProposal, SamplingTrip
from tests.e2e import trip_script as script
from tests.support.images import jpeg
from tests.support.phone import message_xml


def at_first_point(phone):
    """sampler1 has checked in and taken the arrival photo: the first point asks for its location."""
    sampler = phone("o_sampler1")
    script.bind(sampler)
    script.start(sampler)
    script.arrive(sampler)
    asked = script.confirm_instruments(sampler)
    assert "点位 1/2：废水总排口" in asked and "“+”" in asked and "位置" in asked
    return sampler


def locations(runtime) -> list[PointLocation]:
    with runtime.sessions() as s:
        rows = list(s.scalars(select(PointLocation).order_by(PointLocation.id)))
        for row in rows:
            _ = row.point
        return rows


def test_sampler_sends_the_points_location_before_its_photos_and_hears_the_distance(demo_world, phone, runtime):
    sampler = at_first_point(phone)
    reply = sampler.location(*script.POINTS[0])
    assert "点位 废水总排口 的采样位置已记录：距点位登记位置约 3 米" in reply
    assert "本点位使用了哪些仪器" in reply
    reply = sampler.text("2")
    assert "采样过程照片" in reply and "化学需氧量" in reply  # the point's sample codes follow
    [row] = locations(runtime)
    assert row.reference == "point" and row.distance_m < 10 and row.allowed_m == 100 and not row.far
    assert (row.latitude, row.longitude) == script.POINTS[0] and row.point.code == "DW001"


def test_a_message_other_than_a_location_is_refused_politely_and_the_step_stays(demo_world, phone, runtime):
    sampler = at_first_point(phone)
    for reply in (sampler.text("到了"), sampler.photo(jpeg(30)), sampler.text("1")):
        assert "抱歉，现在需要本点位的位置" in reply and "“+”" in reply
    with runtime.sessions() as s:
        trip = s.scalars(select(SamplingTrip)).one()
        assert trip.state == "point_location" and trip.point_index == 0
        assert [p.purpose for p in trip.photos] == ["arrival"]
    assert locations(runtime) == []


def test_a_point_sampled_far_away_is_flagged_in_chat_and_the_sampler_may_send_it_again(demo_world, phone, runtime):
    sampler = at_first_point(phone)
    far = (script.POINTS[0][0] + 0.0018, script.POINTS[0][1])
    reply = sampler.location(*far)
    assert "⚠ 点位 废水总排口 的采样位置已记录，但距点位登记位置约" in reply and "超出 100 米" in reply
    assert "已返回上一步" in sampler.text("上一步")
    assert "采样过程照片" in script.at_point(sampler, 0)
    first, second = locations(runtime)
    assert first.far and not second.far
    with runtime.sessions() as s:
        trip = s.scalars(select(SamplingTrip)).one()
        assert trip.point_location(second.point_id).id == second.id  # the resend supersedes


def test_a_retried_location_delivery_records_one_point_location(demo_world, phone, runtime):
    sampler = at_first_point(phone)
    xml = message_xml("o_sampler1", "location", {"Location_X": script.POINTS[0][0],
                                                 "Location_Y": script.POINTS[0][1], "Scale": 16, "Label": "排口"},
                      990101, 1764000300)
    assert sampler.deliver(xml) == sampler.deliver(xml)
    with runtime.sessions() as s:
        assert s.scalar(select(func.count()).select_from(PointLocation)) == 1


def test_a_point_with_no_registered_position_is_measured_to_the_site_and_proposes_its_position(demo_world, phone,
                                                                                             runtime):
    with runtime.sessions() as s:
        point = s.scalars(select(MonitoringPoint).where(MonitoringPoint.code == "DW001")).first()
        point.latitude = point.longitude = None
        s.commit()
    sampler = at_first_point(phone)
    reply = sampler.location(*script.POINTS[0])
    assert "距排污单位位置（该点位尚未登记位置）约" in reply and "已提交排污单位点位登记" in reply
    [row] = locations(runtime)
    assert row.reference == "site" and row.allowed_m == 300 and not row.far
    sampler.text("上一步")
    moved = (script.POINTS[0][0] + 0.0001, script.POINTS[0][1])
    sampler.location(*moved)
    with runtime.sessions() as s:
        [proposal] = s.scalars(select(PositionProposal)).all()  # the resend moved it, no second proposal
        assert proposal.status == "pending" and (proposal.latitude, proposal.longitude) == moved
        assert s.get(MonitoringPoint, proposal.point_id).latitude is None  # nothing changes before a decision


def test_the_summary_before_submitting_shows_each_points_distance(demo_world, phone):
    sampler = phone("o_sampler1")
    script.bind(sampler)
    script.start(sampler)
    script.arrive(sampler)
    script.sample_all_points(sampler)
    review = script.leave(sampler)
    assert "废水总排口：位置距点位登记位置 3 米（范围内）" in review
    assert "锅炉废气排放口：位置距点位登记位置" in review
