"""A confirmation link that expired, was used or was superseded is dead for every URL under its token — the
page, its outcome page, the photos (thumbnails and watermarked copies) and the signatures — each answering
410 with the Chinese reason, even to the WeChat user it was issued to."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from models import ConfirmationLink, SamplingTrip, User, clock
from services.core.uow import UnitOfWork
from services.field import corrections
from services.om import om_confirmations
from services.sampling import confirmations
from tests.conftest import BASE
from tests.integration.test_confirmation import (
    POLLUTER,
    add_colleague,
    decide,
    links,
    open_as,
    submit_trip,
    wechat_open,  # noqa: F401
)
from tests.integration.test_om_confirmation import om_links, sign
from tests.support.om import awaiting_visit, signature_url

REASONS = {"expired": "已过期", "used": "已使用", "superseded": "重新提交"}
# every route under a link's token, by endpoint; the walk over the app's URL map keeps this list whole
ROUTES = {
    "trip": {"mobile.confirm_link": "", "mobile.done": "/done", "mobile.photo[thumb]": "thumb",
             "mobile.photo[watermarked]": "watermarked"},
    "om": {"mobile.om_confirm_link": "", "mobile.om_done": "/done", "mobile.om_photo[thumb]": "thumb",
           "mobile.om_photo[watermarked]": "watermarked", "mobile.om_signature": "/signatures/{round}"},
}


# token routes of another kind, whose dead links are tested where they are made
ELSEWHERE = {"account.reset": "tests/integration/test_account_life.py: 410 once used, expired or replaced"}


def test_every_route_under_a_token_is_in_the_table(app):
    under_token = {rule.endpoint for rule in app.url_map.iter_rules() if "<token>" in rule.rule
                   and "GET" in rule.methods}
    listed = {endpoint.split("[")[0] for kind in ROUTES.values() for endpoint in kind}
    assert under_token == listed | set(ELSEWHERE)


def served(html: str, url: str, kind: str, round_id: int) -> dict[str, str]:
    """The URL of every route under the link, the photos' as the page links them."""
    path = url.removeprefix(BASE)
    photos = [u for u in re.findall(r'(?:src|href)="([^"]+)"', html) if u.startswith(path + "/photos/")]
    urls = {}
    for endpoint, tail in ROUTES[kind].items():
        if tail in ("thumb", "watermarked"):
            urls[endpoint] = BASE + next(u for u in photos if u.endswith("/" + tail))
        else:
            urls[endpoint] = url + tail.format(round=round_id)
    return urls


def answers(client, urls: dict[str, str]) -> dict[str, tuple[int, bool]]:
    """Per route: the status, and whether the body gives the link's reason in Chinese."""
    return {endpoint: (status, "链接" in body) for endpoint, (status, body) in
            ((e, fetch(client, u)) for e, u in urls.items())}


def fetch(client, url: str) -> tuple[int, str]:
    with client.get(url) as response:
        return response.status_code, response.data.decode(errors="replace")


def expire(runtime, url: str) -> None:
    with runtime.sessions() as s:
        link = s.scalar(select(ConfirmationLink).where(
            ConfirmationLink.token_hash == confirmations.digest(url.rsplit("/", 1)[1])))
        link.expires_at = clock.now() - timedelta(minutes=1)
        s.commit()


def colleague(uow) -> User:
    return uow.session.scalar(select(User).where(User.username == "polluter1b"))


# --- the trip's link ------------------------------------------------------------------------------------------

def kill_trip_link(state: str, runtime, client, url: str, html: str) -> None:
    if state == "expired":
        expire(runtime, url)
    elif state == "used":
        done = decide(client, url, html, "confirm")
        assert fetch(client, BASE + done.headers["Location"])[0] == 200  # the outcome, once
    else:  # a colleague rejects on the desktop, the agency corrects and resubmits: a newer message goes out
        with UnitOfWork(runtime) as uow:
            trip = uow.session.scalar(select(SamplingTrip))
            assert confirmations.reject(uow, trip.confirmations[-1], colleague(uow), "生产负荷有误")
            agency = uow.session.scalar(select(User).where(User.username == "agency1"))
            corrections.resubmit(uow, trip, agency)
            uow.commit()


@pytest.mark.parametrize("state", ["expired", "used", "superseded"])
def test_a_dead_trip_link_answers_410_under_every_url(demo_world, phone, runtime, client, wechat_open,  # noqa: F811
                                                     state):
    add_colleague(runtime)
    submit_trip(phone)
    url = links(runtime)[-1]
    page = open_as(client, url, POLLUTER)
    html = page.get_data(as_text=True)
    with runtime.sessions() as s:
        round_id = s.scalar(select(SamplingTrip)).confirmations[-1].id
    urls = served(html, url, "trip", round_id)
    assert answers(client, urls) == {e: (200, False) for e in urls}  # all served while the link lives

    kill_trip_link(state, runtime, client, url, html)
    assert answers(client, urls) == {e: (410, True) for e in urls}
    assert REASONS[state] in fetch(client, urls["mobile.photo[thumb]"])[1]


# --- the O&M visit's link -------------------------------------------------------------------------------------

def kill_om_link(state: str, runtime, client, url: str, html: str) -> None:
    with UnitOfWork(runtime) as uow:
        confirmation = uow.session.scalars(select(om_confirmations.OmConfirmation)).one()
        if state == "expired":  # a colleague signed first: the signature is served under this link too
            assert om_confirmations.confirm(uow, confirmation, colleague(uow), signature_url())
        elif state == "superseded":
            assert om_confirmations.reject(uow, confirmation, colleague(uow), "站房温度有误")
            crew = uow.session.scalar(select(User).where(User.username == "om1"))
            om_confirmations.resubmit(uow, confirmation.visit, crew)
        uow.commit()
    if state == "expired":
        assert fetch(client, url + f"/signatures/{confirmation.id}")[0] == 200
        expire(runtime, url)
    elif state == "used":
        done = sign(client, url, html)
        assert fetch(client, BASE + done.headers["Location"])[0] == 200  # the outcome, once


@pytest.mark.parametrize("state", ["expired", "used", "superseded"])
def test_a_dead_om_link_answers_410_under_every_url(demo_world, app, drain, runtime, client,
                                                   wechat_open, state):  # noqa: F811
    add_colleague(runtime)
    awaiting_visit(app, drain)
    url = om_links(runtime)[-1]
    html = open_as(client, url, POLLUTER).get_data(as_text=True)
    with runtime.sessions() as s:
        round_id = s.scalars(select(om_confirmations.OmConfirmation)).one().id
    urls = served(html, url, "om", round_id)
    alive = {e for e in urls if e != "mobile.om_signature"}  # nothing signed yet
    assert {e: a for e, a in answers(client, urls).items() if e in alive} == {e: (200, False) for e in alive}

    kill_om_link(state, runtime, client, url, html)
    assert answers(client, urls) == {e: (410, True) for e in urls}
    assert REASONS[state] in fetch(client, urls["mobile.om_signature"])[1]
