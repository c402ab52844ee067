"""The open API (开放接口) as the city platform uses it: a regulator's bearer token, the regulator's scope,
filters, cursor pages, and refusals that say why (401, 404, 429, 400)."""
from __future__ import annotations

import copy
import json
import logging
from pathlib import Path

import pytest
from sqlalchemy import select

from models import ApiToken, Finding, SamplingTrip, User, Visit, clock
from services.core.uow import UnitOfWork
from services.findings.decisions import decide
from tests.e2e import trip_script as script
from tests.support.openapi import mismatches, structural_problems
from web import cli

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "scenario-basic.json"
TOKEN = "sc-dev-token-0123456789abcdef"  # 金山区's regulator, in the example scenario
SONGJIANG_TOKEN = "sc-dev-token-songjiang-000000"
FAR = (30.7600, 121.3400)  # about 2.2 km north of plant-a (fence 300 m)


def world() -> dict:
    """The example scenario, and beside it a site of 松江区 with its own visit and regulator."""
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data["polluters"].append({"key": "plant-s", "name": "上海松江场景材料有限公司", "district": "松江区",
                              "lat": 31.03, "lng": 121.22, "fence_m": 300,
                              "points": [{"code": "DW001", "name": "废水总排口", "kind": "wastewater",
                                          "factors": ["化学需氧量"]}]})
    data["people"].append({"username": "sj_sampler", "name": "钱亮", "role": "sampler", "agency": "lab-east",
                           "password": "demo1234"})
    data["people"].append({"username": "sj_regulator", "name": "松江区生态环境局（场景）", "role": "regulator",
                           "district": "松江区", "password": "demo1234", "api_token": SONGJIANG_TOKEN})
    data["visits"].append({"key": "TRIP-S-1", "kind": "sampling", "agency": "lab-east", "polluter": "plant-s",
                           "day": "today-1", "start": "08:00", "end": "18:00", "crew": ["sj_sampler"],
                           "points": ["DW001"], "self_monitoring": False})
    return data


@pytest.fixture
def ids(client):
    # a working morning: the arrival falls in the scheduled window, so fence is the only thing amiss
    morning = f"{clock.today().isoformat()}T09:00:00+08:00"
    assert client.put("/fake-wechat/clock", json={"now": morning}).status_code == 200
    response = client.post("/fake-wechat/scenario", json=world())
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def get(client, url: str, token: str | None = TOKEN, **headers):
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return client.get(url, headers=headers)


def ok(client, url: str, token: str = TOKEN) -> dict:
    response = get(client, url, token)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


@pytest.fixture
def outside(ids, phone, runtime):
    """The scenario's sampler starts TRIP-A-1 and checks in 2 km from the plant: a finding outside the fence."""
    sampler = phone("o_sc_sampler")
    sampler.tap("SAMPLING_TASKS")
    script.choose(sampler, "1")
    sampler.location(*FAR)
    with runtime.sessions() as s:
        return s.scalars(select(SamplingTrip)).one().id


def trip_ids(page: dict) -> list[int]:
    return [item["id"] for item in page["items"]]


# --- what the platform reads ---------------------------------------------------------------------------------

def test_the_platform_reads_a_trip_with_its_crew_check_in_distance_and_finding(client, outside):
    trip = ok(client, f"/api/v1/trips/{outside}")
    assert (trip["ref"], trip["polluter"]["name"], trip["polluter"]["district"]) == \
        ("TRIP-A-1", "上海场景化工有限公司", "金山区")
    assert [p["username"] for p in trip["crew"]] == ["sc_sampler"] and trip["crew"][0]["name"] == "周明"
    assert [p["code"] for p in trip["points"]] == ["DW001", "DA001"]
    assert trip["scheduled"]["from"].endswith("T08:00:00+08:00")
    (check_in,) = trip["check_ins"]
    assert check_in["kind"] == "arrival" and check_in["kind_name"] == "进场签到"
    assert check_in["distance_m"] > 2000 and check_in["inside_fence"] is False
    (finding,) = trip["findings"]
    assert (finding["code"], finding["title"], finding["status"], finding["status_name"]) == \
        ("outside_fence", "签到位置在电子围栏外", "open", "待核查")
    assert finding["evidence"]["fence_m"] == 300 and finding["evidence"]["distance_m"] > 2000
    assert "围栏 300 米" in finding["summary"]
    assert finding["subject"] == {"kind": "trip", "id": outside, "ref": "TRIP-A-1"}


def test_the_findings_list_carries_each_findings_subject_and_evidence(client, outside):
    page = ok(client, "/api/v1/findings")
    (finding,) = page["items"]
    assert finding["subject"]["ref"] == "TRIP-A-1" and finding["evidence"]["kind"] == "arrival"
    assert page["next_cursor"] is None
    assert ok(client, f"/api/v1/findings/{finding['id']}") == finding


def test_the_om_visits_list_names_the_plan_the_crew_and_the_ref(client, ids):
    (visit,) = ok(client, "/api/v1/om-visits")["items"]
    assert visit["ref"] == "OM-A-1" and visit["id"] == ids["visits"]["OM-A-1"]
    assert [p["username"] for p in visit["crew"]] == ["sc_omcrew"]
    assert visit["agency"]["name"] == "上海东维环保设施运维有限公司" and visit["check_ins"] == []


# --- scope ---------------------------------------------------------------------------------------------------

def test_a_regulator_sees_its_district_only_and_another_districts_trip_is_not_found(client, ids, runtime):
    with runtime.sessions() as s:
        _trip_of_visit(s, ids["visits"]["TRIP-A-1"])
    jinshan = ok(client, "/api/v1/trips")
    assert [t["ref"] for t in jinshan["items"]] == ["TRIP-A-1"]
    with runtime.sessions() as s:
        songjiang_trip = _trip_of_visit(s, ids["visits"]["TRIP-S-1"])
    response = get(client, f"/api/v1/trips/{songjiang_trip}")
    assert response.status_code == 404 and "管辖范围" in response.get_json()["message"]
    assert [t["ref"] for t in ok(client, "/api/v1/trips", SONGJIANG_TOKEN)["items"]] == ["TRIP-S-1"]
    om_visit = ids["visits"]["OM-A-1"]
    assert get(client, f"/api/v1/om-visits/{om_visit}", SONGJIANG_TOKEN).status_code == 404


def _trip_of_visit(s, visit_id: int) -> int:
    """A trip for a scheduled visit nobody has started yet (as the sampler's first tap would make it)."""
    trip = s.scalar(select(SamplingTrip).where(SamplingTrip.visit_id == visit_id))
    if trip is None:
        visit = s.get(Visit, visit_id)
        trip = SamplingTrip(visit_id=visit_id, started_by_id=visit.samplers[0].id)
        s.add(trip)
        s.commit()
    return trip.id


def test_a_path_the_api_does_not_have_answers_json_naming_the_description(client, ids):
    response = get(client, "/api/v1/samples")
    assert response.status_code == 404 and "openapi.json" in response.get_json()["message"]
    assert get(client, "/api/v1/trips/abc").status_code == 404


# --- filters -------------------------------------------------------------------------------------------------

def test_filters_narrow_the_lists_by_day_place_agency_polluter_code_and_status(client, ids, outside, runtime):
    with runtime.sessions() as s:
        _trip_of_visit(s, ids["visits"]["TRIP-S-1"])
    plant, lab = ids["polluters"]["plant-a"], ids["agencies"]["lab-east"]
    assert trip_ids(ok(client, f"/api/v1/trips?polluter={plant}&agency={lab}&district=金山区")) == [outside]
    assert trip_ids(ok(client, "/api/v1/trips?district=松江区")) == []  # not in 金山区's scope either way
    assert trip_ids(ok(client, f"/api/v1/trips?agency={ids['agencies']['om-east']}")) == []
    assert trip_ids(ok(client, "/api/v1/trips?date_from=2020-01-01&date_to=2020-12-31")) == []
    assert trip_ids(ok(client, "/api/v1/trips?code=outside_fence&status=open")) == [outside]
    assert trip_ids(ok(client, "/api/v1/trips?code=short_visit")) == []
    assert ok(client, "/api/v1/om-visits?code=outside_fence")["items"] == []
    with UnitOfWork(runtime) as uow:
        finding = uow.session.scalars(select(Finding)).one()
        regulator = uow.session.scalar(select(User).where(User.username == "sc_regulator"))
        decide(uow.session, finding, regulator, "cleared", "GPS 漂移，现场核实在厂内")
        uow.commit()
    assert ok(client, "/api/v1/findings?status=open")["items"] == []
    (cleared,) = ok(client, "/api/v1/findings?status=cleared&code=outside_fence")["items"]
    assert cleared["status_name"] == "已排除" and cleared["reason"] == "GPS 漂移，现场核实在厂内"


@pytest.mark.parametrize("query, field", [
    ("date_from=yesterday", "date_from"), ("date_from=2026-02-01&date_to=2026-01-01", "date_to"),
    ("agency=lab-east", "agency"), ("code=made_up", "code"), ("status=closed", "status"),
    ("limit=0", "limit"), ("limit=100000", "limit"),
])
def test_a_filter_that_cannot_be_used_is_refused_with_its_reason(client, ids, query, field):
    response = get(client, f"/api/v1/trips?{query}")
    body = response.get_json()
    assert response.status_code == 400 and body["field"] == field
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"])


# --- pages ---------------------------------------------------------------------------------------------------

def _more_trips(client, runtime, count: int, prefix: str = "TRIP-A-M") -> None:
    """`count` more scheduled and started visits at plant-a (a busy month)."""
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    extra = copy.deepcopy(data["visits"][0])
    data["visits"] = []
    for n in range(count):
        data["visits"].append({**extra, "key": f"{prefix}{n}", "day": f"today-{n + 1}"})
    visits = client.post("/fake-wechat/scenario", json=data).get_json()["visits"]
    with runtime.sessions() as s:
        for visit_id in visits.values():
            _trip_of_visit(s, visit_id)


def test_pages_walk_every_trip_once_even_when_trips_are_added_meanwhile(client, outside, runtime):
    _more_trips(client, runtime, 4)
    first = ok(client, "/api/v1/trips?limit=2")
    assert len(first["items"]) == 2 and first["limit"] == 2 and first["next_cursor"]
    _more_trips(client, runtime, 2, prefix="TRIP-A-NEW")  # started while the platform pages through
    seen, cursor = trip_ids(first), first["next_cursor"]
    while cursor:
        page = ok(client, f"/api/v1/trips?limit=2&cursor={cursor}")
        seen += trip_ids(page)
        cursor = page["next_cursor"]
    assert len(seen) == len(set(seen)) == 5 and seen == sorted(seen, reverse=True)  # the new ones: on a new walk
    assert len(ok(client, "/api/v1/trips")["items"]) == 7


@pytest.mark.parametrize("cursor", ["not-a-cursor!", "djE6dHJpcHM6YWJj", "%FF%FE"])
def test_a_cursor_not_given_by_the_api_is_refused_with_its_reason(client, ids, cursor):
    response = get(client, f"/api/v1/trips?cursor={cursor}")
    assert response.status_code == 400 and response.get_json()["field"] == "cursor"
    assert "游标" in response.get_json()["message"]


def test_a_cursor_of_another_list_is_refused(client, outside, runtime):
    _more_trips(client, runtime, 2)
    cursor = ok(client, "/api/v1/trips?limit=1")["next_cursor"]
    response = get(client, f"/api/v1/findings?cursor={cursor}")
    assert response.status_code == 400 and "另一个列表" in response.get_json()["message"]


# --- tokens --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong-token"}, {"Authorization": TOKEN},
                                     {"Authorization": f"Basic {TOKEN}"}])
def test_without_a_valid_token_the_api_answers_401_with_the_scheme_to_use(client, ids, headers):
    response = client.get("/api/v1/findings", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "令牌" in response.get_json()["message"]


def test_a_token_in_the_url_is_not_accepted(client, ids):
    """URLs end up in access logs and proxies: the token is read from the Authorization header only."""
    assert client.get(f"/api/v1/findings?access_token={TOKEN}").status_code == 401


def test_the_api_sets_no_session_cookie_and_never_logs_the_token(client, ids, caplog):
    caplog.set_level(logging.DEBUG)
    response = get(client, "/api/v1/trips")
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
    assert get(client, "/api/v1/trips", "a-wrong-token-value").status_code == 401
    assert TOKEN not in caplog.text and "a-wrong-token-value" not in caplog.text


def test_a_signed_in_session_opens_no_api(client, ids, login):
    login("sc_regulator")
    assert client.get("/api/v1/trips").status_code == 401


def test_over_the_rate_limit_the_token_waits_with_retry_after(client, ids, runtime):
    runtime.config.api_rate_limit = 3
    assert [get(client, "/api/v1/trips").status_code for _ in range(3)] == [200, 200, 200]
    refused = get(client, "/api/v1/trips")
    assert refused.status_code == 429 and 1 <= int(refused.headers["Retry-After"]) <= runtime.config.api_rate_window
    assert "请求过于频繁" in refused.get_json()["message"]
    assert get(client, "/api/v1/trips", SONGJIANG_TOKEN).status_code == 200  # each token has its own budget


@pytest.fixture
def cli_env(config, monkeypatch):
    monkeypatch.setenv("EMSS_INSTANCE", str(config.instance_path))
    monkeypatch.setenv("DATABASE_URL", config.database_url)
    monkeypatch.delenv("REDIS_URL", raising=False)


def test_an_operator_makes_a_token_once_stored_hashed_and_revokes_it(client, ids, runtime, cli_env, capsys):
    assert cli.main(["api-token", "create", "sc_regulator"]) == 0
    token = capsys.readouterr().out.strip().splitlines()[-1]
    assert token.startswith("emss_") and len(token) > 40
    with runtime.sessions() as s:
        assert all(token not in row.token_hash for row in s.scalars(select(ApiToken)))
    assert get(client, "/api/v1/trips", token).status_code == 200
    assert cli.main(["api-token", "revoke", "sc_regulator"]) == 0
    assert "已吊销 sc_regulator 的 2 个令牌" in capsys.readouterr().out
    assert get(client, "/api/v1/trips", token).status_code == 401
    assert get(client, "/api/v1/trips").status_code == 401  # the scenario's token too


def test_a_token_is_made_for_regulators_only(ids, cli_env, capsys):
    assert cli.main(["api-token", "create", "sc_sampler"]) == 2
    assert "只发给管理部门" in capsys.readouterr().err
    assert cli.main(["api-token", "create", "nobody"]) == 2
    assert "没有用户名为 nobody 的账号" in capsys.readouterr().err
    assert cli.main(["api-token", "revoke", "sc_regulator", "--id", "9999"]) == 2
    assert "sc_regulator 没有编号为 9999 的有效令牌" in capsys.readouterr().err


def test_one_token_is_revoked_by_its_number_the_others_stay(client, ids, runtime, cli_env, capsys):
    assert cli.main(["api-token", "create", "sc_regulator"]) == 0
    out = capsys.readouterr().out
    number = int(out.split("编号 ")[1].split("）")[0])
    assert cli.main(["api-token", "revoke", "sc_regulator", "--id", str(number)]) == 0
    assert get(client, "/api/v1/trips", out.strip().splitlines()[-1]).status_code == 401
    assert get(client, "/api/v1/trips").status_code == 200


# --- the description -----------------------------------------------------------------------------------------

def test_the_openapi_document_is_valid_and_the_answers_match_it(client, outside):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert structural_problems(spec) == []
    assert set(spec["paths"]) >= {"/findings", "/trips", "/om-visits", "/trips/{id}"}
    schemas = spec["paths"]["/trips"]["get"]
    assert {p["name"] for p in schemas["parameters"]} >= {"date_from", "date_to", "district", "agency", "polluter",
                                                          "code", "status", "cursor"}
    for path, url in (("/trips", "/api/v1/trips"), ("/findings", "/api/v1/findings"),
                      ("/om-visits", "/api/v1/om-visits"), ("/trips/{id}", f"/api/v1/trips/{outside}")):
        schema = spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        assert mismatches(spec, schema, ok(client, url)) == [], path
    refused = get(client, "/api/v1/trips", None)
    assert mismatches(spec, spec["components"]["schemas"]["Problem"], refused.get_json()) == []


def test_the_schema_check_catches_an_answer_that_does_not_match(client, outside):
    spec = client.get("/api/v1/openapi.json").get_json()
    trip = ok(client, f"/api/v1/trips/{outside}")
    del trip["ref"]
    trip["check_ins"][0]["distance_m"] = "far"
    assert len(mismatches(spec, {"$ref": "#/components/schemas/Trip"}, trip)) == 2


def test_a_crew_members_presence_check_in_reads_as_its_kind_and_matches_the_description(client, runtime, phone, ids):
    """sc_sampler leads TRIP-A-1; a colleague named on it confirms presence from their own WeChat."""
    data = world()
    data["people"].append({"username": "sc_colleague", "name": "吴敏", "role": "sampler", "agency": "lab-east",
                           "openid": "o_sc_colleague"})
    data["visits"][0]["crew"].append("sc_colleague")
    assert client.post("/fake-wechat/scenario", json=data).status_code == 200
    sampler, colleague = phone("o_sc_sampler"), phone("o_sc_colleague")
    sampler.tap("SAMPLING_TASKS")
    sampler.text("1")
    sampler.location(*FAR)
    colleague.tap("PRESENCE")
    colleague.location(*FAR)
    with runtime.sessions() as s:
        trip_id = s.scalars(select(SamplingTrip.id)).one()
    spec = client.get("/api/v1/openapi.json").get_json()
    trip = ok(client, f"/api/v1/trips/{trip_id}")
    assert [(c["kind"], c["kind_name"], c["person"]["username"]) for c in trip["check_ins"]] == \
        [("arrival", "进场签到", "sc_sampler"), ("presence", "到场确认", "sc_colleague")]
    assert mismatches(spec, {"$ref": "#/components/schemas/Trip"}, trip) == []
