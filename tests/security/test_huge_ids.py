"""Every id in a URL is bounded by the id type: an id past it is a 404 for everyone, never a 500."""
from __future__ import annotations

import re

import pytest
from werkzeug.routing import IntegerConverter

from tests.conftest import csrf_token

HUGE = ("2147483648", "99999999999999999999", "0")


def _int_rules(app):
    """(rule, method) for every route with an integer argument."""
    for rule in app.url_map.iter_rules():
        if any(isinstance(c, IntegerConverter) for c in rule._converters.values()):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule, method


def _url(rule, huge: str) -> str:
    """The rule's path with every integer argument set to `huge` and any other argument to a plain word."""
    path = re.sub(r"<int:[^>]+>", huge, rule.rule)
    return re.sub(r"<[^>]+>", "x", path)


def _probe(client, app, token: str) -> list[str]:
    """The requests that did not answer 404."""
    wrong = []
    for rule, method in _int_rules(app):
        for huge in HUGE:
            url = _url(rule, huge)
            try:
                status = client.open(url, method=method, data={"csrf_token": token}).status_code
            except Exception as error:  # noqa: BLE001 - the testing app re-raises what would be a 500
                status = type(error).__name__
            if status != 404:
                wrong.append(f"{method} {url} → {status}")
    return wrong


def test_there_are_routes_with_ids_to_probe(app):
    assert len(list(_int_rules(app))) > 50


def test_an_anonymous_visitor_gets_404_for_every_id_out_of_range(demo_world, app, client):
    token = csrf_token(client.get("/login").get_data(as_text=True))
    assert _probe(client, app, token) == []


@pytest.mark.parametrize("username", ["admin1", "agency1", "regulator1", "polluter1", "om1", "omcrew1"])
def test_a_signed_in_user_gets_404_for_every_id_out_of_range(demo_world, app, login, username):
    client = login(username)
    token = csrf_token(client.get("/login").get_data(as_text=True))
    assert _probe(client, app, token) == []


QUERY_IDS = {  # pages that take an id from the query string, and who opens them
    "om1": ["/om/plans/new?contract_id={id}"],
    "polluter1": ["/polluter/site?point={id}", "/polluter/site?point=1&edit={id}"],
}


@pytest.mark.parametrize("username", list(QUERY_IDS))
def test_an_id_out_of_range_in_the_query_string_is_never_a_500(demo_world, login, username):
    client = login(username)
    for page in QUERY_IDS[username]:
        for huge in HUGE:
            assert client.get(page.format(id=huge)).status_code < 500, page.format(id=huge)
