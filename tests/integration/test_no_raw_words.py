"""Every page of every role, crawled from its home on the demo world, shows no code, repr or ISO time.

The world holds a trip the polluter rejected and the agency corrected and resubmitted, and a recorded O&M
visit with QC findings, so the logs hold those events."""
from __future__ import annotations

import re
from collections import deque
from datetime import timedelta
from urllib.parse import urldefrag, urlsplit

import pytest

from models import SamplingTrip, clock
from services.core.uow import UnitOfWork
from services.field import corrections
from services.sampling import confirmations
from tests.e2e import trip_script as script
from tests.integration.test_scenario_planted import planted
from tests.support import desk
from tests.support.om_records import recorded_visit
from tests.support.records import trip_of, user
from tests.support.words import identifiers, raw_words, visible_text

ROLES = ("admin1", "agency1", "regulator1", "polluter1", "om1", "omcrew1", "sampler1")
MAX_PAGES = 300
SKIPPED = re.compile(r"/logout|\.(xlsx|pdf|zip|png|jpe?g|csv)\b|/media/|/thumb|/original|/download|export=")
HREF = re.compile(r'href="([^"#]*)')


@pytest.fixture
def world(demo_world, runtime, config, phone, app):
    """The demo world, a trip rejected → corrected → resubmitted, and a recorded, signed O&M visit."""
    assert "已提交" in script.whole_trip(phone("o_sampler1"))
    trip = _reject(runtime, "生产负荷应为 60%")
    with app.app_context(), UnitOfWork(runtime) as uow:  # the resubmission queues template messages
        trip = uow.session.get(SamplingTrip, trip.id)
        sample = trip.samples[0]
        corrections.correct(uow, trip, user(uow.session, "agency1"), {"production_load": 60},
                            {sample.id: sample.sampled_at - timedelta(minutes=15)}, "按排污单位意见更正")
        corrections.resubmit(uow, trip, user(uow.session, "agency1"))
        uow.commit()
    _reject(runtime, "采样时间仍不对")  # rejected again: the agency's correction page is linked
    recorded_visit(runtime, config.media_root)
    return clock


def _reject(runtime, reason: str) -> SamplingTrip:
    with UnitOfWork(runtime) as uow:
        trip = trip_of(uow.session)
        confirmations.reject(uow, trip.confirmations[-1], user(uow.session, "polluter1"), reason)
        uow.commit()
    return trip


def crawl(client) -> dict[str, str]:
    """GET every page reachable by links from the home page (bounded); returns url → visible text."""
    seen, pages, queue = set(), {}, deque(["/"])
    while queue and len(pages) < MAX_PAGES:
        url = queue.popleft()
        if url in seen or SKIPPED.search(url):
            continue
        seen.add(url)
        response = client.get(url)
        html = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
        response.close()  # a photo or file is served from an open file
        assert response.status_code < 500, url
        if response.status_code in (301, 302, 303):
            queue.append(_local(response.headers["Location"]))
            continue
        if response.status_code != 200 or not html:
            continue
        pages[url] = visible_text(html)
        queue.extend(_local(href) for href in HREF.findall(html) if href.startswith("/") and not href.startswith("//"))
    return pages


def _local(url: str) -> str:
    parts = urlsplit(urldefrag(url)[0].replace("&amp;", "&"))
    return parts.path + (f"?{parts.query}" if parts.query else "")


@pytest.mark.parametrize("username", ROLES)
def test_no_page_of_the_role_shows_a_code_a_repr_or_an_iso_time(world, app, username):
    pages = crawl(desk.sign_in(app, username))
    codes = identifiers()
    found = {url: raw for url, text in pages.items() if (raw := raw_words(text, codes))}
    print(f"{username}: {len(pages)} pages: {sorted(pages)}")
    assert pages and found == {}


@pytest.mark.parametrize("username", ["pl_regulator", "pl_plant_a", "pl_zhou", "pl_wu"])
def test_no_page_of_the_example_data_shows_a_code_a_repr_or_an_iso_time(client, app, username):
    """The planted example (examples/scenario-planted.json): one of every finding, O&M sheets, confirmations."""
    response = client.post("/fake-wechat/scenario", json=planted())
    assert response.status_code == 200, response.get_data(as_text=True)
    pages = crawl(desk.sign_in(app, username))
    codes = identifiers()
    found = {url: raw for url, text in pages.items() if (raw := raw_words(text, codes))}
    print(f"{username}: {len(pages)} pages")
    assert len(pages) > 3 and found == {}
