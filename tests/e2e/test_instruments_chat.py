"""仪器 in chat: after the arrival photos the sampler confirms the instruments taken to the site (the schedule's
list, numbered; +资产编号 adds one of the agency's filed instruments, -序号 or -资产编号 removes one), and each point
records which of them sampled it. An expired or double-booked instrument is refused, with the reason."""
from __future__ import annotations

import threading
from datetime import time, timedelta
from time import sleep

from sqlalchemy import select

from models import Equipment, MonitoringTask, SamplingTrip, TripEvent, TripInstrument, User, Visit, clock
from services.sampling import instruments
from tests.e2e import trip_script as script


def at_the_instruments(phone, openid: str = "o_sampler1", username: str = "sampler1"):
    """The sampler has checked in and taken the arrival photo: the schedule's instruments are listed."""
    sampler = phone(openid)
    script.bind(sampler, username)
    script.start(sampler)
    script.arrive(sampler)
    listed = sampler.text("1")
    assert "【采样仪器】请核对带到现场的仪器" in listed
    return sampler, listed


def trip_instruments(runtime, username: str = "sampler1") -> list[tuple[str, bool]]:
    """(asset number, confirmed) of the instruments on the trip started by `username`."""
    with runtime.sessions() as s:
        trip = s.scalars(select(SamplingTrip).join(User, User.id == SamplingTrip.started_by_id)
                         .where(User.username == username)).one()
        return [(i.equipment.asset_no, i.confirmed_at is not None) for i in trip.instruments]


def set_calibration(runtime, asset_no: str, until) -> None:
    with runtime.sessions() as s:
        s.scalars(select(Equipment).where(Equipment.asset_no == asset_no)).one().calibration_valid_until = until
        s.commit()


def test_the_schedules_instruments_are_listed_numbered_and_confirmed(demo_world, phone, runtime):
    sampler, listed = at_the_instruments(phone)
    assert "1. 自动烟尘烟气测试仪 崂应 3012H（资产编号 GT-EQ-001，检定/校准有效期至" in listed
    assert "2. 便携式 pH 计 PHB-4（资产编号 GT-EQ-002" in listed and "+资产编号" in listed
    assert trip_instruments(runtime) == [("GT-EQ-001", False), ("GT-EQ-002", False)]
    confirmed = sampler.text("确认")
    assert "已确认带到现场的仪器 2 台" in confirmed and "【点位布设】" in confirmed
    assert trip_instruments(runtime) == [("GT-EQ-001", True), ("GT-EQ-002", True)]


def test_each_point_records_the_instruments_that_sampled_it(demo_world, phone, runtime):
    sampler, _ = at_the_instruments(phone)
    sampler.text("确认")
    asked = sampler.location(*script.POINTS[0])
    assert "本点位使用了哪些仪器" in asked and "2. 便携式 pH 计" in asked
    assert "请回复本点位使用的仪器序号（1～2）" in sampler.text("3")
    assert "请回复本点位使用的仪器序号" in sampler.text("pH计")
    assert "本点位使用的仪器已记录：便携式 pH 计（GT-EQ-002）" in sampler.text("2")
    with runtime.sessions() as s:
        trip = s.scalars(select(SamplingTrip)).one()
        assert [e.asset_no for e in trip.instruments_at(trip.points[0].id)] == ["GT-EQ-002"]


def test_a_points_instruments_answered_again_after_going_back_replace_the_first_answer(demo_world, phone, runtime):
    sampler, _ = at_the_instruments(phone)
    sampler.text("确认")
    sampler.location(*script.POINTS[0])
    sampler.text("2")
    assert "本点位使用了哪些仪器" in sampler.text("上一步")
    assert "本点位使用的仪器已记录：自动烟尘烟气测试仪（GT-EQ-001）、便携式 pH 计（GT-EQ-002）" in sampler.text("1、2")
    sampler.text("上一步")
    sampler.text("2")
    with runtime.sessions() as s:
        trip = s.scalars(select(SamplingTrip)).one()
        assert [e.asset_no for e in trip.instruments_at(trip.points[0].id)] == ["GT-EQ-002"]


def test_one_instrument_is_recorded_at_each_point_without_asking(demo_world, phone, runtime):
    sampler, _ = at_the_instruments(phone)
    assert "已去掉仪器 便携式 pH 计（GT-EQ-002）" in sampler.text("-2")
    sampler.text("确认")
    assert "采样过程照片" in sampler.location(*script.POINTS[0])
    with runtime.sessions() as s:
        trip = s.scalars(select(SamplingTrip)).one()
        assert [e.asset_no for e in trip.instruments_at(trip.points[0].id)] == ["GT-EQ-001"]


def test_instruments_are_removed_by_number_or_asset_number_and_added_by_asset_number(demo_world, phone, runtime):
    sampler, _ = at_the_instruments(phone)
    removed = sampler.text("-GT-EQ-001")
    assert "已去掉仪器 自动烟尘烟气测试仪（GT-EQ-001）" in removed
    listed_again = removed.split("【采样仪器】")[1]
    assert "1. 便携式 pH 计" in listed_again and "GT-EQ-001" not in listed_again
    assert "列表中没有“5”" in sampler.text("-5")
    assert "已去掉仪器 便携式 pH 计" in sampler.text("－1")  # full-width, as a Chinese keyboard types it
    assert "请至少保留 1 台" in sampler.text("确认")
    added = sampler.text("＋GT-EQ-001")
    assert "已增加仪器 自动烟尘烟气测试仪（GT-EQ-001）" in added and "1. 自动烟尘烟气测试仪" in added
    assert "已在列表中" in sampler.text("+GT-EQ-001")
    assert trip_instruments(runtime) == [("GT-EQ-001", False)]
    with runtime.sessions() as s:
        actions = [e.action for e in s.scalars(select(TripEvent).order_by(TripEvent.id))]
        assert actions.count("instrument_remove") == 2 and actions.count("instrument_add") == 1


def test_an_asset_number_not_of_the_agency_is_refused(demo_world, phone, runtime):
    sampler, _ = at_the_instruments(phone)
    assert "资产编号 GT-EQ-999 不在本机构的设备中" in sampler.text("+GT-EQ-999")
    assert "资产编号 ZC-EQ-001 的设备不属于本机构" in sampler.text("+ZC-EQ-001")  # the self-monitoring polluter's
    assert "请回复“确认”，或“+资产编号”增加仪器" in sampler.text("好的")
    assert trip_instruments(runtime) == [("GT-EQ-001", False), ("GT-EQ-002", False)]


def test_an_instrument_whose_calibration_has_expired_is_refused_with_its_date(demo_world, phone, runtime):
    yesterday = clock.today() - timedelta(days=1)
    sampler, _ = at_the_instruments(phone)
    set_calibration(runtime, "GT-EQ-002", yesterday)
    refused = sampler.text("确认")
    assert (f"仪器 便携式 pH 计（GT-EQ-002）的检定/校准有效期至 {yesterday.isoformat()}（以备案为准），已过期，"
            "不能用于本次采样") in refused
    assert "【采样仪器】请核对" in refused  # the list again, to remove it
    assert trip_instruments(runtime) == [("GT-EQ-001", False), ("GT-EQ-002", False)]
    sampler.text("-2")
    assert "已过期" in sampler.text("+GT-EQ-002")
    assert "【点位布设】" in sampler.text("确认")
    assert trip_instruments(runtime) == [("GT-EQ-001", True)]


def second_visit_for_sampler2(runtime) -> None:
    """sampler2 is sent to the same site today with the same instruments (an overlapping window)."""
    with runtime.sessions() as s:
        task = s.scalars(select(MonitoringTask).where(MonitoringTask.code == "RW-DEMO-0001")).one()
        sampler2 = s.scalars(select(User).where(User.username == "sampler2")).one()
        equipment = list(s.scalars(select(Equipment).where(Equipment.agency_id == task.agency_id)))
        task.visits.append(Visit(day=clock.today(), starts=time(8, 0), ends=time(18, 0), samplers=[sampler2],
                                 equipment=equipment))
        s.commit()


def test_an_instrument_confirmed_on_another_trip_on_site_now_is_refused_naming_that_trip(demo_world, phone,
                                                                                         runtime):
    second_visit_for_sampler2(runtime)
    first, _ = at_the_instruments(phone)
    first.text("-2")
    first.text("确认")  # the flue-gas tester is on sampler1's trip
    second, _ = at_the_instruments(phone, "o_sampler2", "sampler2")
    refused = second.text("确认")
    with runtime.sessions() as s:
        trip_id = s.scalars(select(SamplingTrip.id).order_by(SamplingTrip.id)).first()
    assert (f"仪器 自动烟尘烟气测试仪（GT-EQ-001）已记录在另一采样行程中：行程 #{trip_id}（任务 RW-DEMO-0001，"
            "上海示范化工有限公司，现场时段") in refused
    assert "同一台仪器不能同时在两处现场" in refused
    assert trip_instruments(runtime, "sampler2") == [("GT-EQ-001", False), ("GT-EQ-002", False)]
    second.text("-1")
    assert "【点位布设】" in second.text("确认")  # the pH meter is free
    assert trip_instruments(runtime, "sampler2") == [("GT-EQ-002", True)]


def test_two_trips_confirming_one_instrument_at_the_same_moment_record_it_once(demo_world, phone, runtime, app,
                                                                               monkeypatch):
    second_visit_for_sampler2(runtime)
    looked = instruments.booked_elsewhere

    def slowly(*args):  # each confirmation lingers after its look, so both look before either records
        found = looked(*args)
        sleep(0.5)
        return found
    monkeypatch.setattr(instruments, "booked_elsewhere", slowly)
    first, _ = at_the_instruments(phone)
    second, _ = at_the_instruments(phone, "o_sampler2", "sampler2")
    replies = {}

    def confirm(openid: str):
        from tests.support.phone import Phone
        replies[openid] = Phone(app.test_client(), first.config, openid).text("确认")

    threads = [threading.Thread(target=confirm, args=(openid,)) for openid in ("o_sampler1", "o_sampler2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted("同一台仪器不能同时在两处现场" in reply for reply in replies.values()) == [False, True], replies
    confirmed = trip_instruments(runtime, "sampler1") + trip_instruments(runtime, "sampler2")
    assert sorted(c for _, c in confirmed) == [False, False, True, True]


def test_an_instrument_is_free_again_once_the_other_trip_has_left_the_site(demo_world, phone, runtime, client):
    second_visit_for_sampler2(runtime)
    first = phone("o_sampler1")
    script.bind(first)
    script.start(first)
    script.arrive(first)
    script.sample_all_points(first)
    script.leave(first)  # the departure check-in: sampler1's trip left the site
    second, _ = at_the_instruments(phone, "o_sampler2", "sampler2")
    assert "【点位布设】" in second.text("确认")
    with runtime.sessions() as s:
        assert s.scalar(select(TripInstrument.id).where(TripInstrument.confirmed_at.is_(None))) is None
