"""Building blocks for the O&M confirmation tests: the demo O&M visit as omcrew1 leaves it after a morning on
site — arrival and departure check-ins, three filled record sheets with their photos — submitted to the
polluter through the O&M visit machine, which opens the round and queues the template messages.

The crew's chat flow records these rows step by step; here they are written directly, and only the
submission goes through the machine and the notification, as the chat flow's last step does."""
from __future__ import annotations

import base64
import io
from datetime import date, datetime, time, timedelta
from pathlib import Path

from PIL import Image, ImageDraw
from sqlalchemy import select

from models import CheckIn, CheckInKind, OmPlan, OmSheet, OmVisit, Photo, PhotoPurpose, PhotoStatus, User, clock
from services.adapters.photos import Watermark, process_photo
from services.core.uow import UnitOfWork
from services.dev.scenario_work import sheet_answers
from services.om import om_confirmations
from states.om_visit import Step, bind
from tests.support.images import jpeg

PLAN = "示范化工自动监控设施运维"
# answers a crew would give: what the tests look for on the page
GAS_INSPECTION = {"heat_trace_temp": 125, "cooler_temp": 4, "sample_flow": 1.2, "cylinder_pressure": 6.5,
                  "abnormality": "反吹电磁阀动作迟缓，已清洁", "remarks": None}
CALIBRATION = {"analyte": "SO2", "standard_name": "二氧化硫标准气体", "standard_certificate": "GBW(E)080047",
               "standard_concentration": 400, "zero_gas": 0, "zero_last_after": 0.5, "zero_before": 1.8,
               "zero_after": 0.2, "span_gas": 400, "span_last_after": 401, "span_before": 396, "span_after": 400,
               "remarks": None}
WATER_INSPECTION = {"reagent_left": 850, "sampler_fridge_temp": 3.5, "abnormality": None, "remarks": None}


def plan_visit(db) -> OmVisit:
    """The demo plan's visit due today."""
    return db.scalar(select(OmVisit).join(OmPlan).where(OmPlan.name == PLAN, OmVisit.due_on == clock.today()))


def awaiting_visit(app, drain=None, day: date | None = None, arrival: time = time(9, 0)) -> int:
    """The demo O&M visit, done on `day` (today) and submitted: returns its id. The polluter's bound users get
    their template messages (run `drain` in RQ mode)."""
    day = day or clock.today()
    runtime = app.extensions["emss"]
    with app.app_context(), UnitOfWork(runtime) as uow:
        db = uow.session
        visit = plan_visit(db)
        crew = db.scalar(select(User).where(User.username == "omcrew1"))
        started = clock.at_local(day, arrival)
        visit.started_by, visit.started_at = crew, started
        gas, water = (item.instrument for item in (visit.plan.items[0], visit.plan.items[2]))
        db.add_all([
            CheckIn(om_visit_id=visit.id, kind=CheckInKind.ARRIVAL, user=crew, at=started, latitude=30.81642,
                    longitude=121.34972, distance_m=18.0, inside_fence=True, label="锅炉废气排放口附近"),
            CheckIn(om_visit_id=visit.id, kind=CheckInKind.DEPARTURE, user=crew, at=started + timedelta(hours=3),
                    latitude=30.8230, longitude=121.3550, distance_m=760.0, inside_fence=False, label="示范路"),
        ])
        sheets = [OmSheet(form=name, point_id=instrument.point_id, instrument=instrument, filled_by=crew,
                          answers=sheet_answers(name, instrument, given), updated_at=started,
                          confirmed_at=started + timedelta(minutes=40 * (n + 1)))
                  for n, (name, instrument, given) in enumerate((("daily_inspection", gas, GAS_INSPECTION),
                                                                 ("calibration", gas, CALIBRATION),
                                                                 ("daily_inspection", water, WATER_INSPECTION)))]
        visit.sheets.extend(sheets)
        db.flush()
        media = Path(runtime.config.media_root)
        shots = [(PhotoPurpose.ARRIVAL, None), *((PhotoPurpose.SHEET, s) for s in sheets),
                 (PhotoPurpose.DEPARTURE, None)]
        for n, (purpose, sheet) in enumerate(shots):
            _photo(db, media, visit, crew, purpose, sheet, started + timedelta(minutes=30 * n), seed=n)
        visit.state = Step.REVIEW.value  # where the crew's chat flow leaves a visit ready to submit
        bind(visit)
        visit.confirm()  # 提交: to the polluter, who signs the same day
        visit.submitted_at = started + timedelta(hours=3, minutes=5)
        om_confirmations.request(uow, visit)
        uow.commit()
        visit_id = visit.id
    if drain is not None:
        drain()
    return visit_id


def _photo(db, media: Path, visit: OmVisit, crew: User, purpose: str, sheet: OmSheet | None, at: datetime,
           seed: int) -> None:
    photo = Photo(om_visit_id=visit.id, om_sheet_id=sheet.id if sheet else None, purpose=purpose,
                  point_id=sheet.point_id if sheet else None, sent_by_id=crew.id, received_at=at,
                  media_id=f"om-media-{seed}", live=True)
    db.add(photo)
    db.flush()
    data = jpeg(seed, (160, 120))
    processed = process_photo(data, Watermark(taken_at=clock.local(at).replace(tzinfo=None),
                                              place=visit.plan.polluter.name, task=visit.plan.name, sampler="刘洋"))
    folder = Path("om") / str(visit.id)
    (media / folder).mkdir(parents=True, exist_ok=True)
    paths = {"original_path": folder / f"{photo.id}.jpg", "thumbnail_path": folder / f"{photo.id}_thumb.jpg",
             "watermarked_path": folder / f"{photo.id}_wm.jpg"}
    for (column, path), content in zip(paths.items(), (data, processed.thumbnail, processed.watermarked), strict=True):
        (media / path).write_bytes(content)
        setattr(photo, column, str(path))
    photo.status = PhotoStatus.READY


# --- signatures as a canvas posts them ----------------------------------------------------------------------

def signature_url(size: tuple[int, int] = (600, 240), ink: bool = True, fill: tuple | None = None) -> str:
    """A canvas's toDataURL("image/png"): transparent paper, with a scrawled name when `ink`."""
    image = Image.new("RGBA", size, fill or (0, 0, 0, 0))
    if ink:
        draw = ImageDraw.Draw(image)
        w, h = size
        draw.line([(w * 0.1, h * 0.6), (w * 0.25, h * 0.3), (w * 0.4, h * 0.7), (w * 0.55, h * 0.35),
                   (w * 0.7, h * 0.65), (w * 0.9, h * 0.4)], fill=(20, 20, 20, 255), width=6)
    return png_url(image)


def png_url(image: Image.Image, kind: str = "PNG") -> str:
    buffer = io.BytesIO()
    image.save(buffer, kind)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
