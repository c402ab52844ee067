"""An O&M visit of the demo world as the crew leaves it: check-ins, three record sheets with answers (two
confirmed in chat, one half-filled), photos on disk, QC findings, and — once submitted — the polluter's
signed confirmation. Used by the record page, mobile sheet, PDF and export tests."""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from PIL import Image
from sqlalchemy import select

from models import (
    CheckIn,
    Instrument,
    OmConfirmation,
    OmPlan,
    OmSheet,
    OmVisit,
    Photo,
    PhotoStatus,
    QcFinding,
    User,
    WechatBinding,
    clock,
)
from tests.support.images import jpeg

CREW_OPENID = "o_omcrew1"
GAS_DAILY = {  # 日常巡检记录单 of the flue-gas CEMS, every applicable field answered in chat
    "probe": "正常", "heat_trace_temp": 135, "cooler_temp": 4.2, "condensate": "正常", "pump_filters": "正常",
    "blowback": "异常", "sample_flow": 1.2, "gas_analyser": "正常", "cylinder_pressure": 8.5,
    "cylinder_expiry": "2027-06-30", "dau_online": "正常", "shelter_temp": 23, "shelter_humidity": 55,
    "power_aircon": "正常", "data_consistent": "一致", "abnormality": "反吹电磁阀动作迟缓，已清洁复位",
    "remarks": "站房空调滤网已清洗",
}
GAS_CALIBRATION = {  # 校准记录单: range and principle come pre-filled from the instrument register
    "analyte": "SO2", "standard_name": "二氧化硫标准气体", "standard_certificate": "GBW(E)080123",
    "standard_concentration": 400, "standard_expiry": "2027-03-31", "zero_gas": 0, "zero_last_after": 0.5,
    "zero_before": 13.5, "zero_calibrated": "是", "zero_after": 0.2, "span_gas": 400, "span_last_after": 401,
    "span_before": 405, "span_calibrated": "是", "span_after": 400.5, "remarks": None,
}
WATER_DAILY_IN_CHAT = {"sampling_pump": "正常", "pretreatment": "正常", "reagent_left": 800}  # half-filled


@dataclass(frozen=True)
class Recorded:
    visit: int
    gas_daily: int
    calibration: int
    water_daily: int
    confirmation: int | None
    sheet_photos: tuple[int, ...]


def user(s, username: str) -> User:
    return s.scalar(select(User).where(User.username == username))


def bind_crew(runtime, openid: str = CREW_OPENID, username: str = "omcrew1") -> None:
    """omcrew1 follows the official account and binds (as the chat's binding flow records it)."""
    with runtime.sessions() as s:
        crew = user(s, username)
        if s.scalar(select(WechatBinding).where(WechatBinding.user_id == crew.id)) is None:
            s.add(WechatBinding(openid=openid, user=crew))
        s.commit()


def png(size: tuple[int, int] = (120, 48)) -> bytes:
    """A small handwritten-looking signature: a dark stroke on white."""
    image = Image.new("RGB", size, "white")
    for x in range(10, size[0] - 10):
        image.putpixel((x, size[1] // 2 + (x % 7) - 3), (20, 20, 20))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _write(media_root: Path, relative: str, data: bytes) -> str:
    path = Path(media_root) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return relative


def _photo(s, media_root, visit: OmVisit, crew: User, purpose: str, seed: int, sheet: OmSheet | None = None,
           at=None) -> Photo:
    base = f"om/{visit.id}/{purpose}-{seed}"
    photo = Photo(om_visit_id=visit.id, om_sheet_id=sheet.id if sheet else None, purpose=purpose,
                  point_id=sheet.point_id if sheet else None, sent_by_id=crew.id, received_at=at or clock.now(),
                  media_id=f"media-om-{seed}", live=True, status=PhotoStatus.READY, sha256=f"{seed:064d}",
                  original_path=_write(media_root, base + ".jpg", jpeg(seed)),
                  thumbnail_path=_write(media_root, base + "-thumb.jpg", jpeg(seed)),
                  watermarked_path=_write(media_root, base + "-wm.jpg", jpeg(seed)))
    s.add(photo)
    return photo


def recorded_visit(runtime, media_root, submitted: bool = True, signed: bool = True, late: bool = False) -> Recorded:
    """The demo visit due today, recorded by omcrew1; `submitted` sends it to the polluter, `signed` has
    polluter1 sign it."""
    with runtime.sessions() as s:
        plan = s.scalar(select(OmPlan).where(OmPlan.name == "示范化工自动监控设施运维"))
        visit = next(v for v in plan.visits if v.due_on == clock.today())
        crew = user(s, "omcrew1")
        gas, water = (s.scalar(select(Instrument).where(Instrument.serial_no == serial))
                      for serial in ("SCS900-2024-0311", "CODM-2023-0718"))
        start = clock.now() - timedelta(hours=2)
        visit.started_by_id, visit.started_at = crew.id, start
        polluter = plan.polluter
        s.add(CheckIn(om_visit_id=visit.id, kind="arrival", user_id=crew.id, at=start, latitude=polluter.latitude,
                      longitude=polluter.longitude, distance_m=35, inside_fence=True, label="金山区示范化工"))
        sheets = [OmSheet(form="daily_inspection", point_id=gas.point_id, instrument_id=gas.id, answers=GAS_DAILY,
                          filled_by_id=crew.id, confirmed_at=start + timedelta(minutes=30)),
                  OmSheet(form="calibration", point_id=gas.point_id, instrument_id=gas.id, answers=GAS_CALIBRATION,
                          filled_by_id=crew.id, confirmed_at=start + timedelta(minutes=60)),
                  OmSheet(form="daily_inspection", point_id=water.point_id, instrument_id=water.id,
                          answers=WATER_DAILY_IN_CHAT, filled_by_id=crew.id)]
        visit.sheets.extend(sheets)
        s.flush()
        _photo(s, media_root, visit, crew, "arrival", 901, at=start)
        sheet_photos = [_photo(s, media_root, visit, crew, "sheet", 902, sheets[0]),
                        _photo(s, media_root, visit, crew, "sheet", 903, sheets[0]),
                        _photo(s, media_root, visit, crew, "sheet", 904, sheets[1])]
        s.add_all([
            QcFinding(visit_id=visit.id, sheet_id=sheets[1].id, agency_id=plan.agency_id, rule="zero_drift",
                      severity="out_of_control", clause="HJ 75-2017 表 B.1 气态污染物零点漂移超过 ±5% F.S. 为失控",
                      message="SO2 零点漂移 2.6% F.S.，超过 ±2.5% F.S.", detail={"drift": 2.6}),
            QcFinding(visit_id=visit.id, sheet_id=None, agency_id=plan.agency_id, rule="short_visit",
                      severity="warning", clause="运维现场工作时长核查", message="现场停留时间不足 30 分钟"),
        ])
        confirmation_id = None
        if submitted:
            s.add(CheckIn(om_visit_id=visit.id, kind="departure", user_id=crew.id, at=clock.now(),
                          latitude=polluter.latitude, longitude=polluter.longitude, distance_m=40, inside_fence=True))
            sheets[2].confirmed_at = clock.now()
            visit.state, visit.submitted_at = "awaiting_confirmation", clock.now()
            confirmation = OmConfirmation(visit_id=visit.id, status="pending")
            if signed:
                confirmation.status, visit.state = "confirmed", "confirmed"
                confirmation.decided_by_id, confirmation.decided_at = user(s, "polluter1").id, clock.now()
                confirmation.late = late
                confirmation.signature_path = _write(media_root, f"om/{visit.id}/signature.png", png())
            s.add(confirmation)
            s.flush()
            confirmation_id = confirmation.id
        else:
            visit.state = "sheet_form"
        s.commit()
        return Recorded(visit.id, sheets[0].id, sheets[1].id, sheets[2].id, confirmation_id,
                        tuple(p.id for p in sheet_photos))
