"""Every object URL of sampling management, photos, the receipt check and reports answers 404 to other tenants:
another agency, the self-monitoring agency, the polluter (agency-only pages), a regulator of another district."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from models import MonitoringTask, Photo, Role, TaskEvent, TaskStatus
from tests.conftest import csrf_token
from tests.integration.test_receipt import GOOD
from tests.support import records as R
from tests.support.images import jpeg


@pytest.fixture
def world(demo_world, runtime, phone, client, login):
    """LC's demo task with a confirmed trip, submitted, numbered and reported; a delivered-samples task with a
    receipt photo; accounts of the self-monitoring agency and of 松江区's regulator."""
    trip_id = R.confirmed_trip(runtime, phone)
    delivered = R.new_task(runtime, "T-SY", status=TaskStatus.REVIEW, sampling_needed=False)
    R.add_user(runtime, "zcadmin", Role.AGENCY_ADMIN, agency_code="ZC")
    R.add_user(runtime, "songjiang", Role.REGULATOR, district="松江区")
    login("agency1")
    with runtime.sessions() as s:
        task_id = R.demo_task(s).id
    token = csrf_token(client.get("/records/trips").get_data(as_text=True))
    for url, data in ((f"/records/tasks/{task_id}/submit", {}), (f"/records/tasks/{task_id}/report-number", {}),
                      (f"/records/tasks/{task_id}/report", {"report": (io.BytesIO(R.PDF), "r.pdf")}),
                      (f"/records/tasks/{delivered}/receipt", GOOD),
                      (f"/records/tasks/{delivered}/receipt/photos", {"photo": (io.BytesIO(jpeg(5)), "p.jpg")})):
        assert client.post(url, data={"csrf_token": token, **data}).status_code == 302, url
    with runtime.sessions() as s:
        assert R.demo_task(s).status == TaskStatus.CLOSED
        trip_photo = s.scalars(select(Photo).where(Photo.trip_id == trip_id)).first().id
        receipt_photo = s.scalars(select(Photo).where(Photo.task_id == delivered)).one().id
    return {"task": task_id, "trip": trip_id, "delivered": delivered, "trip_photo": trip_photo,
            "receipt_photo": receipt_photo}


def agency_pages(w) -> list[tuple[str, str]]:
    return [
        ("GET", f"/records/tasks/{w['task']}"), ("GET", f"/records/tasks/{w['delivered']}"),
        ("GET", f"/records/tasks/{w['delivered']}/receipt"),
        ("POST", f"/records/tasks/{w['task']}/submit"), ("POST", f"/records/tasks/{w['task']}/close"),
        ("POST", f"/records/tasks/{w['task']}/report-number"), ("POST", f"/records/tasks/{w['task']}/report"),
        ("POST", f"/records/tasks/{w['delivered']}/receipt"),
        ("POST", f"/records/tasks/{w['delivered']}/receipt/photos"),
        ("POST", f"/records/tasks/{w['delivered']}/receipt/confirm"),
    ]


def shared_pages(w) -> list[tuple[str, str]]:
    """What the agency and the district's regulator may both open."""
    pages = [("GET", f"/records/trips/{w['trip']}"), ("GET", f"/records/tasks/{w['task']}/report")]
    for photo in (w["trip_photo"], w["receipt_photo"]):
        pages += [("GET", f"/records/photos/{photo}/thumb"), ("GET", f"/records/photos/{photo}/watermarked"),
                  ("POST", f"/records/photos/{photo}/original")]
    return pages


def _status(client, method: str, url: str, token: str) -> int:
    if method == "GET":
        with client.get(url) as response:
            return response.status_code
    with client.post(url, data={"csrf_token": token, **GOOD}) as response:
        return response.status_code


@pytest.mark.parametrize("intruder", ["agency2", "zcadmin", "polluter1", "songjiang"])
def test_other_tenants_get_404_for_every_object_url(world, client, login, runtime, intruder):
    login(intruder)
    token = csrf_token(client.get("/login").get_data(as_text=True))
    answers = {(m, url): _status(client, m, url, token) for m, url in agency_pages(world) + shared_pages(world)}
    assert {key: code for key, code in answers.items() if code != 404} == {}
    with runtime.sessions() as s:
        assert s.scalars(select(TaskEvent).where(TaskEvent.action == "original_viewed")).all() == []
        assert s.get(MonitoringTask, world["delivered"]).receipt.confirmed_at is None


def test_the_owner_and_the_district_regulator_open_them(world, client, login):
    login("agency1")
    token = csrf_token(client.get("/login").get_data(as_text=True))
    for method, url in [p for p in agency_pages(world) if p[0] == "GET"] + shared_pages(world):
        assert _status(client, method, url, token) == 200, url
    login("regulator1")
    token = csrf_token(client.get("/login").get_data(as_text=True))
    for method, url in shared_pages(world):
        assert _status(client, method, url, token) == 200, url
    assert _status(client, "GET", f"/records/tasks/{world['task']}", token) == 404  # agency-only page


def _exported_tasks(client, url: str) -> list:
    with client.get(url) as export:
        assert export.status_code == 200
        return [row[1] for row in load_workbook(io.BytesIO(export.data)).active.iter_rows(values_only=True)]


def test_exports_hold_only_the_tenants_own_trips_and_tasks(world, client, login):
    login("agency2")
    assert "RW-DEMO-0001" not in _exported_tasks(client, "/records/trips?export=xlsx")
    login("songjiang")
    assert "RW-DEMO-0001" not in _exported_tasks(client, "/regulator/trips?export=xlsx")
    with client.get("/regulator/tasks?export=xlsx") as export:
        codes = [row[0] for row in load_workbook(io.BytesIO(export.data)).active.iter_rows(values_only=True)]
    assert "ZC-DEMO-0001" in codes and "RW-DEMO-0001" not in codes and "T-SY" not in codes
    login("agency1")
    assert "RW-DEMO-0001" in _exported_tasks(client, "/records/trips?export=xlsx")
