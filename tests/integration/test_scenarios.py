"""Scripted scenarios: `emss scenario load FILE.json` and, under EMSS_DEV, `POST /fake-wechat/scenario` build a
world of agencies, polluters, people bound to WeChat and visits in one transaction, found again by their keys."""
from __future__ import annotations

import copy
import hashlib
import json
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from models import (
    Agency,
    ApiToken,
    CheckIn,
    MonitoringPoint,
    OmVisit,
    Polluter,
    SamplingTrip,
    User,
    Visit,
    WechatBinding,
    clock,
)
from tests.conftest import REDIS_URL
from tests.e2e import trip_script as script
from web import cli

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "scenario-basic.json"
CHINESE = re.compile(r"[\u4e00-\u9fff]")
COUNTED = (Agency, Polluter, MonitoringPoint, User, WechatBinding, ApiToken, Visit, OmVisit)


def example() -> dict:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


def counts(runtime) -> dict:
    with runtime.sessions() as s:
        return {model.__name__: s.scalar(select(func.count()).select_from(model)) for model in COUNTED}


def post(client, data):
    return client.post("/fake-wechat/scenario", json=data)


def loaded(client, data=None) -> dict:
    response = post(client, example() if data is None else data)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


@pytest.fixture
def cli_env(config, monkeypatch):
    """The command line of a development machine, pointed at the test's database and Redis."""
    monkeypatch.setenv("EMSS_DEV", "1")
    monkeypatch.setenv("EMSS_INSTANCE", str(config.instance_path))
    monkeypatch.setenv("DATABASE_URL", config.database_url)
    if REDIS_URL:
        monkeypatch.setenv("REDIS_URL", REDIS_URL)
    else:
        monkeypatch.delenv("REDIS_URL", raising=False)


# --- loading ---------------------------------------------------------------------------------------------

def test_the_cli_loads_the_example_and_prints_the_ids_of_its_keys(runtime, cli_env, capsys):
    assert cli.main(["scenario", "load", str(EXAMPLE)]) == 0
    ids = json.loads(capsys.readouterr().out)
    assert set(ids) == {"agencies", "polluters", "people", "visits"}
    with runtime.sessions() as s:
        assert s.get(Agency, ids["agencies"]["lab-east"]).name == "上海东测环境检测有限公司"
        plant = s.get(Polluter, ids["polluters"]["plant-a"])
        assert (plant.name, plant.fence_radius_m, [p.code for p in plant.points]) == \
            ("上海场景化工有限公司", 300, ["DW001", "DA001"])
        trip_visit = s.get(Visit, ids["visits"]["TRIP-A-1"])
        assert trip_visit.ref == "TRIP-A-1" and trip_visit.day == clock.today()
        assert [u.username for u in trip_visit.samplers] == ["sc_sampler"]
        assert {item.factor for item in trip_visit.task.plan} == {"化学需氧量", "氨氮", "二氧化硫", "氮氧化物"}
        om_visit = s.get(OmVisit, ids["visits"]["OM-A-1"])
        assert om_visit.ref == "OM-A-1" and om_visit.due_on == clock.today()
        assert sorted(i.sheet for i in om_visit.planned_items()) == ["calibration", "daily_inspection"]
        assert [u.username for u in om_visit.plan.crew] == ["sc_omcrew"]
        assert s.get(User, ids["people"]["sc_polluter"]).binding.openid == "o_sc_polluter"


def test_loading_twice_gives_the_same_ids_and_no_duplicates(client, runtime, cli_env, capsys):
    first = loaded(client)
    before = counts(runtime)
    assert loaded(client) == first and counts(runtime) == before
    assert cli.main(["scenario", "load", str(EXAMPLE)]) == 0
    assert json.loads(capsys.readouterr().out) == first and counts(runtime) == before


def test_the_regulators_api_token_is_stored_hashed(client, runtime):
    ids = loaded(client)
    with runtime.sessions() as s:
        token = s.scalars(select(ApiToken)).one()
        assert token.user_id == ids["people"]["sc_regulator"] and token.revoked_at is None
        assert token.token_hash == hashlib.sha256(b"sc-dev-token-0123456789abcdef").hexdigest()


def test_a_self_monitoring_visit_is_the_polluters_own_and_asks_no_confirmation(client, runtime):
    data = example()
    data["people"].append({"username": "sc_own", "name": "自测员", "role": "sampler", "polluter": "plant-b"})
    data["visits"].append({"key": "SELF-B-1", "kind": "sampling", "polluter": "plant-b", "day": "today+1",
                           "start": "09:00", "end": "11:00", "crew": ["sc_own"], "self_monitoring": True})
    ids = loaded(client, data)
    with runtime.sessions() as s:
        visit = s.get(Visit, ids["visits"]["SELF-B-1"])
        own = visit.task.polluter.own_agency
        assert visit.task.agency is own and own.self_monitoring and visit.samplers[0].agency is own
        assert SamplingTrip(visit=visit).is_self_monitoring()


# --- a bad file ------------------------------------------------------------------------------------------

def _crew_unknown(data):
    data["visits"][0]["crew"] = ["nobody"]


def _point_kind(data):
    data["polluters"][1]["points"][0]["kind"] = "water"


def _agency_unknown(data):
    data["people"][0]["agency"] = "lab-west"


def _sheet_unknown(data):
    data["visits"][1]["sheets"].append("coffee")


def _day_garbled(data):
    data["visits"][1]["day"] = "next tuesday"


def _token_for_sampler(data):
    data["people"][0]["api_token"] = "x" * 20


def _presence_not_of_the_crew(data):
    data["visits"][0]["work"] = {"arrival": {"at": "09:00"}, "presence": [{"by": "sc_omcrew", "at": "09:05"}]}


@pytest.mark.parametrize(("spoil", "path"), [
    (_crew_unknown, "visits[0].crew[0]"), (_point_kind, "polluters[1].points[0].kind"),
    (_agency_unknown, "people[0].agency"), (_sheet_unknown, "visits[1].sheets[2]"), (_day_garbled, "visits[1].day"),
    (_token_for_sampler, "people[0].api_token"), (_presence_not_of_the_crew, "visits[0].work.presence[0].by")])
def test_a_bad_file_names_the_wrong_field_in_both_languages_and_loads_nothing(client, runtime, spoil, path):
    data = copy.deepcopy(example())
    spoil(data)
    empty = counts(runtime)
    answer = post(client, data)
    assert answer.status_code == 400
    body = answer.get_json()
    assert body["path"] == path and path in body["error"] and CHINESE.search(body["error"])
    assert path in body["error_en"] and not CHINESE.search(body["error_en"].replace(path, ""))
    assert counts(runtime) == empty


def test_a_refusal_met_while_building_rolls_everything_back(demo_world, client, runtime):
    data = example()
    data["people"][0]["openid"] = "o_demo_polluter"  # already polluter1's: found only against the database
    before = counts(runtime)
    answer = post(client, data)
    assert answer.status_code == 400 and answer.get_json()["path"] == "people[0].openid"
    assert "o_demo_polluter" in answer.get_json()["error"]
    assert counts(runtime) == before
    with runtime.sessions() as s:
        assert s.scalar(select(Agency).where(Agency.ref == "lab-east")) is None


def test_the_cli_refuses_a_bad_file_in_both_languages(runtime, cli_env, capsys, tmp_path):
    data = example()
    _crew_unknown(data)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    assert cli.main(["scenario", "load", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "visits[0].crew[0]" in err and "未加载任何内容" in err and "nothing was loaded" in err
    assert counts(runtime)["User"] == 0
    not_json = tmp_path / "broken.json"
    not_json.write_text("{", encoding="utf-8")
    assert cli.main(["scenario", "load", str(not_json)]) == 2


def test_the_cli_loads_no_scenario_without_emss_dev(runtime, cli_env, capsys, monkeypatch):
    monkeypatch.delenv("EMSS_DEV")
    assert cli.main(["scenario", "load", str(EXAMPLE)]) == 2
    assert "EMSS_DEV" in capsys.readouterr().err and counts(runtime)["User"] == 0


# --- the world works ---------------------------------------------------------------------------------------

def test_the_scenario_sampler_is_bound_already_and_starts_its_visit(client, phone, runtime):
    loaded(client)
    sampler = phone("o_sc_sampler")
    listing = sampler.tap("SAMPLING_TASKS")
    assert "上海场景化工有限公司" in listing, listing
    script.choose(sampler, "1")
    sampler.location(30.7401, 121.3401)
    with runtime.sessions() as s:
        trip = s.scalars(select(SamplingTrip)).one()
        arrival = s.scalars(select(CheckIn)).one()
        assert trip.visit.ref == "TRIP-A-1" and trip.started_by.username == "sc_sampler"
        assert arrival.inside_fence


def test_the_example_loads_beside_the_demo_world(demo_world, client, runtime):
    ids = loaded(client)
    with runtime.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Agency)) == 4 + len(ids["agencies"])
        assert s.get(User, ids["people"]["sc_sampler"]).binding.openid == "o_sc_sampler"


def test_the_scenario_om_crew_finds_its_visit_in_chat(client, phone):
    loaded(client)
    assert "上海场景化工有限公司" in phone("o_sc_omcrew").tap("OM_TASKS")


def test_pages_show_the_visits_external_reference(client, phone, runtime, login):
    ids = loaded(client)
    sampler = phone("o_sc_sampler")
    script.start(sampler)
    with runtime.sessions() as s:
        trip_id = s.scalars(select(SamplingTrip.id)).one()
    desk = login("sc_regulator")
    assert "TRIP-A-1" in desk.get(f"/records/trips/{trip_id}").get_data(as_text=True)
    om_page = desk.get(f"/om/visits/{ids['visits']['OM-A-1']}").get_data(as_text=True)
    assert "OM-A-1" in om_page and "09:00-12:00" in om_page
