"""Building blocks for the sampling-management, report and supervision tests: a trip confirmed by the
polluter, tasks at a given status, delivered-sample tasks, users of other tenants."""
from __future__ import annotations

import io
from datetime import time, timedelta

from sqlalchemy import select

from models import (
    Agency,
    CheckIn,
    CheckInKind,
    Confirmation,
    ConfirmationStatus,
    MonitoringTask,
    Photo,
    PhotoPurpose,
    PhotoStatus,
    PlanItem,
    Role,
    SamplingTrip,
    TaskStatus,
    User,
    Visit,
    clock,
)
from services.dev import demo
from states.trip import bind
from tests.conftest import csrf_token
from tests.e2e import trip_script as script
from tests.support import files

PDF = files.pdf("monitoring report")


def demo_task(db, code: str = "RW-DEMO-0001") -> MonitoringTask:
    return db.scalar(select(MonitoringTask).where(MonitoringTask.code == code))


def user(db, username: str) -> User:
    return db.scalar(select(User).where(User.username == username))


def trip_of(db, code: str = "RW-DEMO-0001") -> SamplingTrip:
    return db.scalar(select(SamplingTrip).join(Visit).join(MonitoringTask).where(MonitoringTask.code == code)
                     .order_by(SamplingTrip.id))


def approve(runtime, trip_id: int, after_departure: bool = False) -> None:
    """The polluter's confirmation, as the confirmation page will record it (states/trip.py's machine)."""
    with runtime.sessions() as s:
        trip = s.get(SamplingTrip, trip_id)
        bind(trip)
        trip.approve()
        confirmation = trip.confirmations[-1]
        confirmation.status = ConfirmationStatus.CONFIRMED
        confirmation.decided_at = clock.now()
        confirmation.decided_by_id = user(s, "polluter1").id
        confirmation.after_departure = after_departure
        s.commit()


def confirmed_trip(runtime, phone) -> int:
    """sampler1's demo trip, done in chat and confirmed by the polluter; returns its id."""
    script.whole_trip(phone("o_s1"))
    with runtime.sessions() as s:
        trip_id = trip_of(s).id
    approve(runtime, trip_id)
    return trip_id


def set_task(runtime, code: str = "RW-DEMO-0001", **values) -> None:
    with runtime.sessions() as s:
        task = demo_task(s, code)
        for name, value in values.items():
            setattr(task, name, value)
        s.commit()


def new_task(runtime, code: str, agency_code: str = "LC", status: TaskStatus = TaskStatus.REPORTING,
             sampling_needed: bool = True, analysis_needed: bool = True) -> int:
    """A task of the agency on the demo polluter (its own site for a self-monitoring agency)."""
    with runtime.sessions() as s:
        agency = s.scalar(select(Agency).where(Agency.code == agency_code))
        template = s.scalar(select(MonitoringTask).where(MonitoringTask.agency_id == agency.id)) \
            or demo_task(s)
        task = MonitoringTask(code=code, name=f"测试任务 {code}", category="委托监测", agency=agency,
                              polluter_id=template.polluter_id, contract_id=template.contract_id, status=status,
                              sampling_needed=sampling_needed, analysis_needed=analysis_needed)
        task.plan = [PlanItem(point_id=i.point_id, factor=i.factor, method=i.method) for i in template.plan]
        s.add(task)
        s.commit()
        return task.id


def add_visit(runtime, code: str, sampler: str, starts: time = time(13, 0)) -> int:
    with runtime.sessions() as s:
        task = demo_task(s, code)
        visit = Visit(day=clock.today(), starts=starts, ends=time(17, 0), samplers=[user(s, sampler)])
        task.visits.append(visit)
        s.commit()
        return visit.id


def add_user(runtime, username: str, role: Role, agency_code: str | None = None,
             district: str | None = None) -> None:
    """Another tenant's account (password demo1234): a self-monitoring agency's admin, another district's
    regulator."""
    with runtime.sessions() as s:
        agency = s.scalar(select(Agency).where(Agency.code == agency_code)) if agency_code else None
        s.add(User(username=username, display_name=username, role=role, agency=agency, district=district,
                   password_hash=demo._demo_hash()))
        s.commit()


def make_trip(runtime, visit_id: int, state: str, outside: bool = False, photo_hashes: tuple[str, ...] = (),
              confirmed: bool | None = None, after_departure: bool = False) -> int:
    """A trip written straight into the database, for the regulator's lists: check-ins inside or outside
    the fence, photos with given SHA-256 values, the polluter's decision (None: never asked)."""
    with runtime.sessions() as s:
        visit = s.get(Visit, visit_id)
        sampler = visit.samplers[0]
        trip = SamplingTrip(visit=visit, state=state, started_by=sampler, submitted_at=clock.now())
        distance = 2000.0 if outside else 40.0
        # on site from the start of the visit's window for an hour and a half: long enough for its points
        arrived = clock.at_local(visit.day, visit.starts)
        for kind, at in ((CheckInKind.ARRIVAL, arrived), (CheckInKind.DEPARTURE, arrived + timedelta(minutes=90))):
            trip.check_ins.append(CheckIn(kind=kind, user=sampler, latitude=30.8, longitude=121.3, at=at,
                                          distance_m=distance, inside_fence=not outside))
        for n, sha in enumerate(photo_hashes):
            trip.photos.append(Photo(purpose=PhotoPurpose.ARRIVAL, sent_by=sampler, media_id=f"m-{visit_id}-{n}",
                                     status=PhotoStatus.READY, sha256=sha.ljust(64, "0")))
        if confirmed is not None:
            trip.confirmations.append(Confirmation(
                status=ConfirmationStatus.CONFIRMED if confirmed else ConfirmationStatus.PENDING,
                decided_at=clock.now() if confirmed else None, after_departure=after_departure))
        s.add(trip)
        s.commit()
        return trip.id


def visit_of(runtime, code: str) -> int:
    with runtime.sessions() as s:
        return demo_task(s, code).visits[0].id


CLIENT_SAMPLING = {"sampled_by": "委托方 王强", "sampled_at": "2026-01-05T09:30", "place": "厂区总排口 DW001"}


def upload_client_sampling(client, task_id: int, *sheets: tuple[bytes, str], **values):
    """The agency's upload of the client's sampling record (委托方采样记录) of an analysis-only task."""
    url = f"/records/tasks/{task_id}/client-sampling"
    token = csrf_token(client.get(url).get_data(as_text=True))
    files = [(io.BytesIO(data), name) for data, name in sheets]
    return client.post(url, data={"csrf_token": token, **CLIENT_SAMPLING, **values, "files": files})


def trip_hours_ago(runtime, trip_id: int, hours: float) -> None:
    """The trip happened `hours` ago: samples taken then, the crew left a quarter of an hour later, the samples
    five minutes after them."""
    with runtime.sessions() as s:
        trip = s.get(SamplingTrip, trip_id)
        then = clock.now() - timedelta(hours=hours)
        for sample in trip.samples:
            sample.sampled_at = then
        for check_in in trip.check_ins:
            check_in.at = then + timedelta(minutes=15 if check_in.kind == CheckInKind.DEPARTURE else -30)
        trip.samples_left_at = then + timedelta(minutes=20)
        s.commit()
