"""Faults of the machines under a sampling trip: the worker killed mid-photo, the Redis DB flushed mid-trip.
The trip lives in the database, so it resumes; a photo whose job was lost is queued again by the sweeper once it
has been pending longer than its threshold ("within a minute"), and received."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from rq import Queue
from sqlalchemy import update

from models import Photo, clock
from services.adapters import photo_sweep
from services.core.jobs import QUEUE
from tests.conftest import REDIS_URL
from tests.e2e import trip_script as script
from tests.support.faults import SAMPLER, on_site, statuses
from tests.support.images import jpeg
from tests.support.phone import Phone

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def sampler(demo_world, phone):
    return on_site(phone)


def quiet(sampler) -> Phone:
    """The same phone, with nobody running the jobs its messages queue."""
    return Phone(sampler.client, sampler.config, SAMPLER)


def sweep_after_the_threshold(app, runtime, drain) -> None:
    """The sweeper's next run, a minute on (the clock passed in rather than slept), and the worker after it."""
    with app.app_context():
        photo_sweep.sweep(runtime, now=clock.now() + timedelta(seconds=runtime.config.photo_sweep_after + 1))
    drain()


def flush_our_redis(redis) -> None:
    """FLUSHDB of our Redis DB. WeChat's own servers keep their media: the fake WeChat's keys are put back."""
    wechat = {key: redis.dump(key) for key in redis.scan_iter("emss:fake:*")}
    redis.flushdb()
    for key, value in wechat.items():
        redis.restore(key, 0, value)


def test_a_trip_resumes_from_the_database_after_redis_is_flushed_and_its_photo_is_received(
        sampler, runtime, app, drain):
    quiet(sampler).photo(jpeg(1))  # its job queued (run at once when jobs are inline)
    flush_our_redis(runtime.redis)
    assert "【采样仪器】" in sampler.text("1")  # the chat session is gone; the trip's step is in the database
    sampler.text("确认")
    sweep_after_the_threshold(app, runtime, drain)
    assert statuses(runtime) == ["ready"]
    script.sample_points(sampler)
    review = script.leave(sampler)
    assert "提交前核对" in review and "照片接收中" not in review, review


@pytest.mark.skipif(not REDIS_URL, reason="a worker process to kill needs the job queue in a Redis shared between "
                                          "processes; the embedded stand-in runs jobs inline, in the request")
def test_a_photo_whose_worker_was_killed_mid_job_is_received_after_the_sweepers_threshold(
        sampler, runtime, app, config, drain):
    quiet(sampler).photo(jpeg(2))
    worker = subprocess.Popen([sys.executable, "-m", "tests.support.doomed_worker"], cwd=ROOT, text=True,
                              stdout=subprocess.PIPE, env={**os.environ, "EMSS_DOOMED_CONFIG": _as_json(config)})
    with worker:  # closes its pipe
        try:
            assert _stuck_downloading(worker)
        finally:
            worker.send_signal(signal.SIGKILL)
            worker.wait()
    queue = Queue(QUEUE, connection=runtime.redis)
    assert queue.started_job_registry.count == 1  # RQ still believes it runs, until its abandoned-job cleanup
    assert statuses(runtime) == ["pending"]
    deadline = time.monotonic() + 20
    while statuses(runtime) != ["ready"] and time.monotonic() < deadline:
        sweep_after_the_threshold(app, runtime, drain)  # once PostgreSQL has noticed the dead connection
    assert statuses(runtime) == ["ready"]  # one photo, received once
    assert "【采样仪器】" in sampler.text("1")


def _stuck_downloading(worker) -> bool:
    """True once the worker says it is inside the download; False if it ended first."""
    for line in worker.stdout:  # RQ's own log lines come first
        if line.startswith("downloading"):
            return True
    return False


def _as_json(config) -> str:
    fields = ("instance_path", "database_url", "redis_url", "media_root", "public_base_url", "dev",
              "wechat_api_base", "wechat_encoding_aes_key", "secret_key")
    return json.dumps({name: str(getattr(config, name)) if isinstance(getattr(config, name), Path)
                       else getattr(config, name) for name in fields})


@pytest.mark.skipif(not REDIS_URL, reason="`emss worker` refuses to run without a real Redis (jobs run inline)")
def test_emss_worker_receives_at_start_a_photo_whose_job_redis_lost(sampler, runtime, config, live, tmp_path):
    quiet(sampler).photo(jpeg(3))
    flush_our_redis(runtime.redis)  # the queued job is gone with it
    with runtime.sessions() as s:  # received two minutes ago: past the sweeper's threshold
        s.execute(update(Photo).values(received_at=clock.now() - timedelta(minutes=2)))
        s.commit()
    env = {**os.environ, "DATABASE_URL": config.database_url, "REDIS_URL": config.redis_url, "EMSS_DEV": "1",
           "EMSS_INSTANCE": str(tmp_path), "MEDIA_ROOT": str(config.media_root), "SECRET_KEY": config.secret_key,
           "WECHAT_API_BASE": f"{live}/fake-wechat/", "WECHAT_ENCODING_AES_KEY": config.wechat_encoding_aes_key}
    with subprocess.Popen([sys.executable, "-m", "web.cli", "worker"], cwd=ROOT, env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) as worker:
        try:
            deadline = time.monotonic() + 30
            while statuses(runtime) != ["ready"] and time.monotonic() < deadline and worker.poll() is None:
                time.sleep(0.1)
        finally:
            worker.terminate()
            worker.wait(10)
    assert statuses(runtime) == ["ready"]
