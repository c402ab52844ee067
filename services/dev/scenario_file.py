"""A scenario file read and checked before anything is loaded: every problem names the key or field it is in,
in Chinese and English. No database here; `services/dev/scenarios.py` builds the rows from what this returns.

Days are ISO dates or relative to the app's clock ("today", "today+1", "today-2"); times are "HH:MM".
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time

from models import PointKind
from services.dev.scenario_items import KEY, Item, ScenarioProblem
from services.dev.scenario_work_file import WorkSpec, check_work, read_work
from states.om_sheets import SHEETS

SECTIONS = ("agencies", "polluters", "people", "visits")
AGENCY_KINDS = ("monitoring", "om")
ROLES = ("sampler", "om_crew", "agency_admin", "polluter", "regulator")
VISIT_KINDS = ("sampling", "om")
POINT_KINDS = tuple(str(k) for k in PointKind)
DEFAULT_PASSWORD = "demo1234"  # the demo's password, so a trainer can log in as anyone of a scenario


@dataclass
class PointSpec:
    code: str
    name: str
    kind: str
    factors: list[str]
    lat: float | None = None
    lng: float | None = None


@dataclass
class AgencySpec:
    key: str
    name: str
    kind: str
    district: str | None = None


@dataclass
class PolluterSpec:
    key: str
    name: str
    district: str
    lat: float
    lng: float
    fence_m: int
    address: str
    points: list[PointSpec] = field(default_factory=list)


@dataclass
class PersonSpec:
    username: str
    name: str
    role: str
    password: str
    agency: str | None = None
    polluter: str | None = None
    district: str | None = None
    openid: str | None = None
    api_token: str | None = None


@dataclass
class VisitSpec:
    key: str
    kind: str
    polluter: str
    day: date
    start: time
    end: time
    crew: list[str]
    points: list[str]  # point codes; empty: every point of the site the visit can work on
    agency: str | None = None
    self_monitoring: bool = False
    sheets: list[str] = field(default_factory=list)
    work: WorkSpec | None = None  # what happened on site (services/dev/scenario_work_file.py); None: not started


@dataclass
class Scenario:
    agencies: list[AgencySpec]
    polluters: list[PolluterSpec]
    people: list[PersonSpec]
    visits: list[VisitSpec]


def unique(values: list[str], paths: list[str], what_zh: str, what_en: str) -> None:
    seen: set[str] = set()
    for value, path in zip(values, paths, strict=True):
        if value in seen:
            raise ScenarioProblem(path, f"{what_zh} {value} 重复", f"duplicate {what_en} {value}")
        seen.add(value)


# --- the sections ------------------------------------------------------------------------------------------

def read(data) -> Scenario:
    """The whole file checked, or ScenarioProblem for the first thing wrong in it."""
    top = Item(data, "scenario")
    for name in data:
        if name not in SECTIONS:
            raise ScenarioProblem(top.at(name), "未知的部分（可用：agencies、polluters、people、visits）",
                                  "unknown section (known: agencies, polluters, people, visits)")
    def section(name: str, reader) -> list:
        return [reader(Item(value, f"{name}[{n}]")) for n, value in enumerate(top.items(name, required=False))]

    scenario = Scenario(agencies=section("agencies", _agency), polluters=section("polluters", _polluter),
                        people=section("people", _person), visits=section("visits", _visit))
    _check_references(scenario)
    return scenario


def _agency(item: Item) -> AgencySpec:
    return AgencySpec(key=item.key(), name=item.text("name"), kind=item.choice("kind", AGENCY_KINDS),
                      district=item.text("district", required=False, max_length=32))


def _polluter(item: Item) -> PolluterSpec:
    district = item.text("district", max_length=32)
    points = [_point(Item(v, f"{item.at('points')}[{n}]")) for n, v in enumerate(item.items("points"))]
    unique([p.code for p in points], [f"{item.at('points')}[{n}].code" for n in range(len(points))],
           "点位编号", "point code")
    return PolluterSpec(key=item.key(), name=item.text("name"), district=district,
                        lat=item.number("lat", -90, 90), lng=item.number("lng", -180, 180),
                        fence_m=int(item.number("fence_m", 1, 100000, required=False) or 300),
                        address=item.text("address", required=False, max_length=255) or district, points=points)


def _point(item: Item) -> PointSpec:
    return PointSpec(code=item.text("code", max_length=32), name=item.text("name", max_length=100),
                     kind=item.choice("kind", POINT_KINDS), factors=item.texts("factors"),
                     lat=item.number("lat", -90, 90, required=False), lng=item.number("lng", -180, 180, required=False))


LINKS = {"sampler": ("agency", "polluter"), "om_crew": ("agency",), "agency_admin": ("agency",),
         "polluter": ("polluter",), "regulator": ("district",)}


def _person(item: Item) -> PersonSpec:
    role = item.choice("role", ROLES)
    links = {name: item.text(name, required=False, max_length=64) for name in ("agency", "polluter", "district")}
    allowed = LINKS[role]
    given = [name for name, value in links.items() if value is not None]
    if len(given) != 1 or given[0] not in allowed:
        shown = " 或 ".join(allowed)
        raise ScenarioProblem(item.at("role"), f"角色 {role} 须且只须给出 {shown}",
                              f"role {role} needs exactly one of: {', '.join(allowed)}")
    token = item.text("api_token", required=False, max_length=128)
    if token is not None and (role != "regulator" or len(token) < 16):
        raise ScenarioProblem(item.at("api_token"), "只有管理部门（regulator）可以有 api_token，且至少 16 个字符",
                              "only a regulator may have an api_token, of at least 16 characters")
    openid = item.text("openid", required=False, max_length=64)
    if openid is not None and not KEY.match(openid):
        raise ScenarioProblem(item.at("openid"), "OpenID 只能包含字母、数字、下划线、点和连字符",
                              "an OpenID has only letters, digits, '_', '.' and '-'")
    return PersonSpec(username=item.text("username", max_length=64), name=item.text("name", max_length=64),
                      role=role, password=item.text("password", required=False, max_length=128) or DEFAULT_PASSWORD,
                      openid=openid, api_token=token, **links)


def _visit(item: Item) -> VisitSpec:
    kind = item.choice("kind", VISIT_KINDS)
    self_monitoring = item.value.get("self_monitoring", False)
    if not isinstance(self_monitoring, bool) or (self_monitoring and kind != "sampling"):
        raise ScenarioProblem(item.at("self_monitoring"), "应为 true 或 false，且只用于采样（sampling）",
                              "must be true or false, and only on a sampling visit")
    start, end = item.clock_time("start"), item.clock_time("end")
    if end <= start:
        raise ScenarioProblem(item.at("end"), "结束时刻须晚于开始时刻", "must be later than start")
    sheets = item.texts("sheets", required=kind == "om")
    for n, sheet in enumerate(sheets):
        if kind != "om" or sheet not in SHEETS:
            raise ScenarioProblem(f"{item.at('sheets')}[{n}]", f"应为运维记录单之一：{'、'.join(SHEETS)}",
                                  f"must be an O&M sheet: {', '.join(SHEETS)}")
    work = read_work(Item(item.value["work"], item.at("work")), kind) if item.present("work") else None
    return VisitSpec(key=item.key(), kind=kind, polluter=item.key("polluter"), day=item.day("day"), start=start,
                     end=end, crew=item.texts("crew"), points=item.texts("points", required=False),
                     agency=None if self_monitoring else item.key("agency"), self_monitoring=self_monitoring,
                     sheets=sheets, work=work)


# --- references between sections --------------------------------------------------------------------------

def _check_references(scenario: Scenario) -> None:
    agencies = {a.key: a for a in scenario.agencies}
    polluters = {p.key: p for p in scenario.polluters}
    people = {p.username: p for p in scenario.people}
    unique([a.key for a in scenario.agencies],
           [f"agencies[{n}].key" for n in range(len(scenario.agencies))], "机构 key", "agency key")
    unique([p.key for p in scenario.polluters], [f"polluters[{n}].key" for n in range(len(scenario.polluters))],
           "排污单位 key", "polluter key")
    unique([p.username for p in scenario.people], [f"people[{n}].username" for n in range(len(scenario.people))],
           "用户名", "username")
    unique([p.openid for p in scenario.people if p.openid],
           [f"people[{n}].openid" for n, p in enumerate(scenario.people) if p.openid], "OpenID", "OpenID")
    unique([v.key for v in scenario.visits], [f"visits[{n}].key" for n in range(len(scenario.visits))],
           "任务 key", "visit key")
    for n, person in enumerate(scenario.people):
        _known(person.agency, agencies, f"people[{n}].agency", "机构", "agency")
        _known(person.polluter, polluters, f"people[{n}].polluter", "排污单位", "polluter")
        wanted = {"sampler": "monitoring", "om_crew": "om", "agency_admin": None}.get(person.role)
        if person.agency and wanted and agencies[person.agency].kind != wanted:
            raise ScenarioProblem(f"people[{n}].agency", f"{person.role} 须属于 {wanted} 类机构",
                                  f"a {person.role} belongs to a {wanted} agency")
    visits = {v.key: v for v in scenario.visits}
    for n, visit in enumerate(scenario.visits):
        _check_visit(visit, f"visits[{n}]", agencies, polluters, people)
        if visit.work is not None:
            check_work(visit, f"visits[{n}]", polluters[visit.polluter], people, visits)


def _known(key: str | None, known: dict, path: str, what_zh: str, what_en: str) -> None:
    if key is not None and key not in known:
        raise ScenarioProblem(path, f"没有 key 为 {key} 的{what_zh}", f"no {what_en} with key {key}")


def _check_visit(visit: VisitSpec, path: str, agencies: dict, polluters: dict, people: dict) -> None:
    _known(visit.polluter, polluters, f"{path}.polluter", "排污单位", "polluter")
    _known(visit.agency, agencies, f"{path}.agency", "机构", "agency")
    kind = "monitoring" if visit.kind == "sampling" else "om"
    if visit.agency and agencies[visit.agency].kind != kind:
        raise ScenarioProblem(f"{path}.agency", f"{visit.kind} 任务须由 {kind} 类机构承担",
                              f"a {visit.kind} visit is done by a {kind} agency")
    if not visit.crew:
        raise ScenarioProblem(f"{path}.crew", "至少需要一名人员", "needs at least one person")
    role = "sampler" if visit.kind == "sampling" else "om_crew"
    for n, username in enumerate(visit.crew):
        person = people.get(username)
        if person is None or person.role != role:
            raise ScenarioProblem(f"{path}.crew[{n}]", f"{username} 不是本文件中的 {role}",
                                  f"{username} is no {role} of this file")
    codes = {p.code for p in polluters[visit.polluter].points}
    for n, code in enumerate(visit.points):
        if code not in codes:
            raise ScenarioProblem(f"{path}.points[{n}]", f"排污单位 {visit.polluter} 没有点位 {code}",
                                  f"polluter {visit.polluter} has no point {code}")
