"""Photos are durable in the database first: a photo whose job was lost (Redis flushed, the worker killed) is
queued again by the sweeper once it has been pending longer than its threshold; the 提交前核对 summary says how
many are still being received; one WeChat cannot give us is marked failed, its sender told, its trip shows it."""
from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.standin.store import FakeWeChat
from models import Photo, SamplingTrip, clock
from services.adapters import photo_sweep
from services.wechat import jobs as bot_jobs
from tests.conftest import DATABASE_URL
from tests.e2e import om_script
from tests.e2e import trip_script as script
from tests.support.faults import SAMPLER, on_site, photo_jobs_lost, statuses
from tests.support.images import jpeg


@pytest.fixture
def sampler(demo_world, phone):
    return on_site(phone)


@pytest.fixture
def jobs_lost(runtime, monkeypatch):
    return lambda: photo_jobs_lost(runtime, monkeypatch)


def later(seconds: int):
    return clock.now() + timedelta(seconds=seconds)


def test_a_photo_whose_job_was_lost_is_queued_again_once_pending_longer_than_the_threshold(
        sampler, runtime, app, drain, jobs_lost):
    with jobs_lost():
        sampler.photo(jpeg(1))
    assert statuses(runtime) == ["pending"]
    with app.app_context():
        assert photo_sweep.sweep(runtime) == 0  # just received: its job may still be on its way
        assert photo_sweep.sweep(runtime, now=later(runtime.config.photo_sweep_after + 1)) == 1
    drain()
    assert statuses(runtime) == ["ready"]
    with app.app_context():
        assert photo_sweep.sweep(runtime, now=later(3600)) == 0


def test_the_sweeper_of_a_running_process_keeps_receiving_photos_whose_job_was_lost(
        sampler, runtime, app, drain, jobs_lost):
    runtime.config.photo_sweep_after, runtime.config.photo_sweep_every = 0, 0.05
    stop = photo_sweep.start(app)
    try:
        with jobs_lost():
            sampler.photo(jpeg(6))  # lost after the sweeper started: a later round finds it
        deadline = time.monotonic() + 20
        while statuses(runtime) != ["ready"] and time.monotonic() < deadline:
            drain()
            time.sleep(0.05)
    finally:
        stop.set()
    assert statuses(runtime) == ["ready"]


def test_a_photo_processed_twice_is_stored_once(sampler, runtime, app, drain, jobs_lost):
    with jobs_lost():
        sampler.photo(jpeg(2))
    with runtime.sessions() as s:
        photo_id = s.scalar(select(Photo.id))
    with app.app_context():
        bot_jobs.fetch_photo(runtime, photo_id)
        first = sorted(p.name for p in runtime.config.media_root.rglob("*"))
        bot_jobs.fetch_photo(runtime, photo_id)  # the sweeper's copy of a job that did finish after all
    assert sorted(p.name for p in runtime.config.media_root.rglob("*")) == first
    assert statuses(runtime) == ["ready"]


def trip_at_departure(phone):
    sampler = on_site(phone)
    sampler.photo(jpeg(3))
    script.sample_all_points(sampler)
    script.fill_conditions(sampler)
    sampler.text("1")
    sampler.location(*script.SITE)
    return sampler


def om_visit_at_departure(phone):
    crew = phone(om_script.CREW)
    om_script.bind(crew)
    om_script.start(crew)
    om_script.arrive(crew)
    crew.text("1")
    om_script.sheet(crew, "1", om_script.DAILY_GAS, seed=11)
    crew.text("0")
    crew.location(*om_script.SITE)
    return crew


@pytest.mark.parametrize("at_departure", [trip_at_departure, om_visit_at_departure], ids=["trip", "om_visit"])
def test_the_review_before_submitting_says_how_many_photos_are_still_being_received(
        demo_world, phone, jobs_lost, at_departure):
    user = at_departure(phone)
    with jobs_lost():
        user.photo(jpeg(4))
    review = script.ship(user, user.text("1"))
    assert "提交前核对" in review and "照片接收中：1 张" in review, review


def test_a_photo_wechat_no_longer_has_is_marked_failed_the_sampler_told_and_the_trip_shows_it(
        sampler, runtime, login):
    # media ids expire after three days; WeChat then answers HTTP 200 with {"errcode": 40007}
    sampler.send("image", {"PicUrl": "http://mmbiz.example/gone", "MediaId": "FAKE_MEDIA_expired"})
    assert statuses(runtime) == ["failed"]
    told = [m["content"] for m in FakeWeChat(runtime.redis).inbox(SAMPLER) if m["kind"] == "text"]
    assert any("无法从微信下载" in text and "重新发送" in text for text in told), told
    assert "未能从微信接收的照片：1 张" in sampler.text("状态")
    with runtime.sessions() as s:
        trip_id = s.scalar(select(SamplingTrip.id))
    for who in ("agency1", "regulator1"):
        page = login(who).get(f"/records/trips/{trip_id}")
        assert page.status_code == 200 and "未能从微信接收" in page.get_data(as_text=True), who



def test_an_om_photo_wechat_no_longer_has_is_shown_failed_on_the_visit_record(demo_world, phone, runtime, login):
    crew = phone(om_script.CREW)
    om_script.bind(crew)
    om_script.start(crew)
    crew.location(*om_script.SITE)
    crew.send("image", {"PicUrl": "http://mmbiz.example/gone", "MediaId": "FAKE_MEDIA_expired"})
    assert statuses(runtime) == ["failed"]
    told = [m["content"] for m in FakeWeChat(runtime.redis).inbox(om_script.CREW) if m["kind"] == "text"]
    assert any("重新发送" in text for text in told), told
    with runtime.sessions() as s:
        visit_id = s.scalar(select(Photo.om_visit_id))
    for who in ("om1", "regulator1"):
        page = login(who).get(f"/om/visits/{visit_id}").get_data(as_text=True)
        assert "未归档的照片（1）" in page and "未能从微信接收（已通知运维人员重新拍摄）" in page, who


@pytest.mark.skipif(not DATABASE_URL.startswith("postgresql"),
                    reason="row locks: SQLite has none (BEGIN IMMEDIATE locks the whole file, so no two jobs overlap)")
def test_a_photo_one_job_is_processing_is_left_to_it_by_the_sweepers_copy(sampler, runtime, app, jobs_lost):
    with jobs_lost():
        sampler.photo(jpeg(5))
    first_job = runtime.sessions()
    photo_id = first_job.scalars(select(Photo.id).with_for_update()).one()  # mid-download, row locked
    second = threading.Thread(target=lambda: _fetch_in_app(app, runtime, photo_id))
    try:
        second.start()
        second.join(10)
        assert not second.is_alive()  # it did not wait for the first job
        assert statuses(runtime) == ["pending"] and not list(runtime.config.media_root.rglob("*.jpg"))
    finally:
        first_job.rollback()
        first_job.close()
        second.join()


def _fetch_in_app(app, runtime, photo_id: int) -> None:
    with app.app_context():
        bot_jobs.fetch_photo(runtime, photo_id)
