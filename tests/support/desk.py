"""The agency's desk in tests: a signed-in client per user, forms posted with their CSRF token, and a task
walked through application, plan and schedule as the clerk does it on the demo data."""
from __future__ import annotations

import re
from dataclasses import dataclass
from io import BytesIO

from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from models import Contract, Equipment, MonitoringPoint, Polluter, Staff, User, clock
from services.dev.demo import PASSWORD
from tests.conftest import csrf_token

DEMO_POLLUTER = "上海示范化工有限公司"


def sign_in(app, username: str):
    """A client of its own, signed in as `username` through the login form."""
    client = app.test_client()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def post(client, url: str, data: dict | None = None, **kwargs):
    """POST as the browser would, with the session's CSRF token (the login page always carries one)."""
    token = csrf_token(client.get("/login").get_data(as_text=True))
    return client.post(url, data={**(data or {}), "csrf_token": token}, **kwargs)


def upload(client, url: str, data: dict, field: str, content: bytes, filename: str):
    """POST a form with a file, encoded in memory (the test client would spool a large body to a temporary
    file it never closes)."""
    token = csrf_token(client.get("/login").get_data(as_text=True))
    values = {**data, "csrf_token": token, field: FileStorage(BytesIO(content), filename=filename)}
    boundary, body = encode_multipart(values)
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


@dataclass
class Demo:
    """Ids of the demo rows the desk's forms refer to."""

    polluter: int
    contract: int
    water_factors: list[int]  # PointFactor ids of DW001 废水总排口
    zhang_wei: int  # Staff ids
    li_na: int
    equipment: list[int]
    sampler1: int  # User id


def demo_ids(runtime) -> Demo:
    with runtime.sessions() as s:
        polluter = s.scalars(select(Polluter).where(Polluter.name == DEMO_POLLUTER)).one()
        water = s.scalars(select(MonitoringPoint).where(MonitoringPoint.polluter_id == polluter.id,
                                                        MonitoringPoint.code == "DW001")).one()
        agency_id = s.scalars(select(User).where(User.username == "agency1")).one().agency_id
        return Demo(
            polluter=polluter.id,
            contract=s.scalars(select(Contract.id).where(Contract.code == "HT-2026-001")).one(),
            water_factors=[f.id for f in water.factors],
            zhang_wei=s.scalars(select(Staff.id).where(Staff.name == "张伟")).one(),
            li_na=s.scalars(select(Staff.id).where(Staff.name == "李娜")).one(),
            equipment=list(s.scalars(select(Equipment.id).where(Equipment.agency_id == agency_id)
                                     .order_by(Equipment.id))),
            sampler1=s.scalars(select(User.id).where(User.username == "sampler1")).one(),
        )


def application(demo: Demo, **overrides) -> dict:
    values = {"name": "示范化工 2026 年委托监测", "category": "委托监测", "polluter_id": str(demo.polluter),
              "contract_id": str(demo.contract), "address": "", "sampling_needed": "1", "analysis_needed": "y"}
    return {**values, **overrides}


def created_id(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"/agency/tasks/(\d+)", response.headers["Location"]).group(1))


def apply(client, demo: Demo, **overrides) -> int:
    return created_id(post(client, "/agency/tasks/new", application(demo, **overrides)))


def advance(client, task_id: int, trigger: str):
    return post(client, f"/agency/tasks/{task_id}/advance", {"trigger": trigger})


def plan_lines(factor_ids: list[int], method: str = "HJ 828-2017 重铬酸盐法", samples: str = "2") -> dict:
    data = {}
    for key in factor_ids:
        data.update({f"pick-{key}": "1", f"method-{key}": method, f"samples-{key}": samples})
    return data


def visit(demo: Demo, day=None, starts="18:30", ends="20:00", staff=None, equipment=None) -> dict:
    return {"day": (day or clock.today()).isoformat(), "starts": starts, "ends": ends,
            "samplers": [str(s) for s in (staff if staff is not None else [demo.zhang_wei])],
            "equipment": [str(e) for e in (equipment if equipment is not None else demo.equipment[:1])]}


def to_scheduling(client, demo: Demo, **application_overrides) -> int:
    """A new task of agency1 with the wastewater point planned, ready for its schedule."""
    task_id = apply(client, demo, **application_overrides)
    assert advance(client, task_id, "submit_application").status_code == 302
    assert post(client, f"/agency/tasks/{task_id}/plan", plan_lines(demo.water_factors)).status_code == 302
    assert advance(client, task_id, "submit_plan").status_code == 302
    return task_id
