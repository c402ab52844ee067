"""证据页: everything about one sampling trip or O&M visit an inspector needs to judge it, in one view — the
timeline, the site plan, each flagged photo beside the photo it matches, the EXIF table and the event log in
plain Chinese. One view model serves the page (web/evidence) and the PDF for the case file
(services/adapters/evidence_pdf.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import OmVisit, Photo, SamplingTrip, User, clock
from services.adapters import geo, neardup, site_plan
from services.core import policy
from services.field import event_text
from services.findings import facts as findings_facts
from services.findings import log as findings_log
from services.findings import summary
from services.findings.facts import Subject
from services.om import om_records
from services.sampling import lab_receipts
from services.texts.names import CHECK_IN_NAMES, POINT_REFERENCE_NAMES
from states.om_sheets import SHEETS
from states.om_visit import STATE_NAMES as VISIT_STATES
from states.trip import STATE_NAMES as TRIP_STATES

DECISIONS = {"pending": "发起排污单位确认", "confirmed": "排污单位确认", "rejected": "排污单位退回"}
CORRECTIONS = frozenset({"correct", "trip_corrected", "sheet_corrected", "resubmit", "trip_resubmitted"})
PAIRED = ("photo_reused", "photo_near_duplicate")  # the findings whose evidence is another photo


@dataclass
class Entry:
    """A line of the timeline; `flag` marks what the inspector should look at."""

    at: datetime | None
    what: str
    detail: str = ""
    flag: str = ""


@dataclass
class PhotoPair:
    """A flagged photo beside the photo it matches; `other` is None when that photo is outside the viewer's
    scope (another agency's work): its subject and the distance are still shown."""

    title: str
    photo: Photo
    other: Photo | None
    other_subject: str
    distance: int | None
    same_bytes: bool


@dataclass
class Evidence:
    subject: Subject
    heading: str
    ref: str | None
    state: str
    polluter: object
    agency: object
    window: tuple[datetime, datetime] | None
    crew: list[str]
    findings: list[summary.Shown]
    timeline: list[Entry]
    plan: site_plan.Plan
    pairs: list[PhotoPair]
    photos: list[Photo]
    log: list[str]
    finding_log: list[str]  # what the rules raised and withdrew, what reviewers decided (services/findings/log.py)
    names: dict[int, str] = field(default_factory=dict)


def of_trip(db: Session, viewer: User, trip: SamplingTrip) -> Evidence:
    subject = Subject("trip", trip.id)
    task = trip.visit.task
    photos = [p for p in trip.photos if p.om_visit_id is None]
    timeline = (_instruments(trip) + _point_locations(trip) + _samples(trip) + _transport(trip)
                + _decisions(trip.confirmations, "after_departure", "（离场后确认）"))
    return _evidence(db, viewer, subject, trip.visit.ref, TRIP_STATES.get(trip.state, trip.state), task.polluter,
                     task.agency, [u.display_name for u in trip.visit.samplers], trip.check_ins, photos,
                     trip.events, timeline)


def of_om_visit(db: Session, viewer: User, visit: OmVisit) -> Evidence:
    subject = Subject("om", visit.id)
    plan = visit.plan
    timeline = _sheets(visit) + _decisions(visit.confirmations, "late", "（逾期确认）")
    return _evidence(db, viewer, subject, visit.ref, VISIT_STATES.get(visit.state, visit.state), plan.polluter,
                     plan.agency, [u.display_name for u in plan.crew], om_records.check_ins(db, visit),
                     om_records.photos(db, visit), visit.events, timeline)


def _evidence(db, viewer, subject, ref, state, polluter, agency, crew, check_ins, photos, events, own) -> Evidence:
    facts = findings_facts.load(db, subject)
    names = _names(db, {e.actor_id for e in events} | {c.user_id for c in check_ins} | {p.sent_by_id for p in photos})
    shown = summary.of_subject(db, subject)
    timeline = _window(facts.scheduled) + _check_ins(check_ins, polluter, names) + _photos(photos, names) + own
    timeline += [Entry(e.at, "更正", event_text.what(e.action, e.detail or {})) for e in events
                 if e.action in CORRECTIONS]
    timeline.sort(key=lambda e: (e.at is None, e.at or clock.now()))
    heading = f"{'采样行程' if subject.kind == 'trip' else '现场运维'} #{subject.id}"
    return Evidence(subject, heading, ref, state, polluter, agency, facts.scheduled, crew, shown, timeline,
                    _plan(polluter, check_ins, photos, names), _pairs(db, viewer, shown), photos,
                    [event_text.sentence(e, names.get(e.actor_id)) for e in events], _finding_log(db, subject), names)


def _finding_log(db: Session, subject: Subject) -> list[str]:
    entries = findings_log.entries(db, subject)
    names = _names(db, {e.actor_id for e in entries})
    return [summary.log_line(e, names.get(e.actor_id)) for e in entries]


def _names(db: Session, ids: set) -> dict[int, str]:
    wanted = [i for i in ids if i]
    return dict(db.execute(select(User.id, User.display_name).where(User.id.in_(wanted))).all()) if wanted else {}


# --- the timeline ------------------------------------------------------------------------------------------

def _window(scheduled) -> list[Entry]:
    if scheduled is None:
        return []
    start, end = scheduled
    span = f"计划时段 {clock.fmt(start)} 至 {clock.fmt(end)[-5:]}"
    return [Entry(start, "计划时段开始", span), Entry(end, "计划时段结束", span)]


def _check_ins(check_ins, polluter, names) -> list[Entry]:
    return [Entry(c.at, CHECK_IN_NAMES.get(c.kind, "签到"),
                  f"{names.get(c.user_id, '')}，距排污单位 {c.distance_m:.0f} 米（围栏 {polluter.fence_radius_m} 米），"
                  f"{'围栏内' if c.inside_fence else '围栏外'}", "" if c.inside_fence else "围栏外")
            for c in check_ins]


def _photos(photos: list[Photo], names) -> list[Entry]:
    entries = []
    for p in photos:
        taken = f"，EXIF 拍摄时间 {clock.fmt(p.exif_time)}" if p.exif_time else ""
        entries.append(Entry(p.received_at, event_text.PHOTOS.get(p.purpose, "照片"),
                             f"照片 #{p.id}，{names.get(p.sent_by_id, '')} 发送{taken}"))
    return entries


def _instruments(trip: SamplingTrip) -> list[Entry]:
    """仪器: each instrument confirmed as taken to the site, its calibration validity and the points it sampled."""
    return [Entry(i.confirmed_at, "采样仪器", f"{i.equipment.name}（{i.equipment.asset_no}，检定/校准有效期至 "
                  f"{i.equipment.calibration_valid_until or '未登记'}），采样点位："
                  + ("、".join(p.name for p in trip.points_sampled_with(i.equipment_id)) or "未记录"))
            for i in trip.instruments if i.confirmed_at]


def _point_locations(trip: SamplingTrip) -> list[Entry]:
    """点位布设: every location sent for a point (a resend is a later line), with its distance and allowance."""
    return [Entry(loc.at, "点位布设", f"{loc.point.name}：{loc.latitude:.5f}, {loc.longitude:.5f}，"
                  f"距{POINT_REFERENCE_NAMES[loc.reference]} {loc.distance_m:.0f} 米（允许 {loc.allowed_m:.0f} 米）",
                  "点位位置异常" if loc.far else "")
            for loc in trip.point_locations]


def _samples(trip: SamplingTrip) -> list[Entry]:
    return [Entry(s.sampled_at, "采样", f"样品 {s.code}（{s.point.name} {s.factor}）" + _packing(s)
                  + ("" if s.sampled_at else "，采样时间未填"), "" if s.sampled_at else "未填采样时间")
            for s in trip.samples]


def _packing(sample) -> str:
    """运输保存 as recorded on site, for a sample taken to the laboratory."""
    if not sample.travels:
        return "，现场测定"
    return (f"，容器 {sample.container or '—'}｜保存剂 {sample.preservative or '无'}"
            f"｜保存条件 {sample.storage or '未填写'}")


def _transport(trip: SamplingTrip) -> list[Entry]:
    """运输保存: when the samples left the site and when the laboratory received them, each sample's time from
    sampling to receipt against its holding time (services/sampling/lab_receipts.py)."""
    held = lab_receipts.held(trip)
    if not held:
        return []
    entries = [Entry(lab_receipts.left_site(trip), "样品离场", f"送实验室样品 {len(held)} 个"
                     + ("" if trip.samples_left_at else "（以离场签到时间计）"))]
    receipt = trip.lab_receipt
    if receipt is not None:
        late = [f"{h.sample.code} {h.sample.factor} 采样至接收 {h.hours:.1f} 小时，超过保存时限 {h.limit.hours} 小时"
                f"（{h.limit.source}）" for h in held if h.overdue]
        entries.append(Entry(receipt.received_at, "实验室接收",
                             "；".join([f"到达温度 {receipt.temperature:g} °C，接收人 {receipt.received_by}"] + late),
                             "超过保存时限" if late else ""))
    return entries


def _sheets(visit: OmVisit) -> list[Entry]:
    entries = []
    for sheet in visit.sheets:
        title = SHEETS[sheet.form].title if sheet.form in SHEETS else "记录单"
        point = f"（{sheet.point.name}）" if sheet.point else ""
        entries.append(Entry(sheet.confirmed_at or sheet.updated_at, "记录单" + ("确认" if sheet.confirmed_at
                                                                                else "填写中"), title + point))
    return entries


def _decisions(rounds, late_attr: str, late_text: str) -> list[Entry]:
    entries = []
    for c in rounds:
        decided = c.decided_at is not None
        detail = (c.decided_by.display_name if c.decided_by else "") + (f"，理由：{c.reason}" if c.reason else "")
        late = decided and getattr(c, late_attr)
        entries.append(Entry(c.decided_at if decided else c.created_at, DECISIONS.get(c.status, "排污单位确认")
                             + (late_text if late else ""), detail, late_text.strip("（）") if late else ""))
    return entries


# --- the site plan -----------------------------------------------------------------------------------------

def _plan(polluter, check_ins, photos: list[Photo], names) -> site_plan.Plan:
    site = (polluter.latitude, polluter.longitude)
    marks = []
    for c in check_ins:
        east, north = site_plan.offset_m(site, c.latitude, c.longitude)
        label = f"{CHECK_IN_NAMES.get(c.kind, '签到')} {clock.fmt(c.at)[-5:]} {names.get(c.user_id, '')}"
        marks.append(site_plan.Mark(c.kind, label, east, north, c.distance_m, c.inside_fence))
    for p in photos:
        if p.exif_latitude is None or p.exif_longitude is None:
            continue
        lat, lng = site_plan.exif_position(site, p.exif_latitude, p.exif_longitude)
        east, north = site_plan.offset_m(site, lat, lng)
        distance = geo.distance_m(site[0], site[1], lat, lng)
        marks.append(site_plan.Mark("exif", f"照片 #{p.id} 拍摄位置", east, north, distance,
                                    distance <= polluter.fence_radius_m))
    return site_plan.plan(polluter.fence_radius_m, marks)


# --- photo pairs -------------------------------------------------------------------------------------------

def _pairs(db: Session, viewer: User, shown: list[summary.Shown]) -> list[PhotoPair]:
    pairs = []
    for item in shown:
        finding = item.finding
        if finding.code not in PAIRED:
            continue
        photo = db.get(Photo, finding.evidence.get("photo") or 0)
        if photo is None:
            continue  # the finding's photo is gone: its sentence in the findings list still tells the case
        others = finding.evidence.get("others") or [{"photo": finding.evidence.get("other_photo"),
                                                     "subject": finding.evidence.get("other", "")}]
        for other in others:
            found = db.get(Photo, other["photo"]) if other.get("photo") else None
            pairs.append(PhotoPair(item.title, photo, found if found and _visible(db, viewer, found) else None,
                                   _subject_name(found, other.get("subject", "")),
                                   _distance(photo, found, finding.evidence.get("hash_distance")),
                                   finding.code == "photo_reused"))
    return pairs


def _visible(db: Session, viewer: User, photo: Photo) -> bool:
    if photo.trip_id:
        return policy.get(db, viewer, SamplingTrip, photo.trip_id) is not None
    if photo.om_visit_id:
        return policy.get(db, viewer, OmVisit, photo.om_visit_id) is not None
    return policy.get(db, viewer, Photo, photo.id) is not None


def _subject_name(photo: Photo | None, key: str) -> str:
    if photo is not None:
        key = f"trip:{photo.trip_id}" if photo.trip_id else f"om:{photo.om_visit_id}" if photo.om_visit_id else key
    kind, _, ident = key.partition(":")
    return {"trip": "采样行程", "om": "现场运维"}.get(kind, "送样任务") + (f" #{ident}" if ident else "")


def _distance(photo: Photo | None, other: Photo | None, recorded) -> int | None:
    """The Hamming distance of the two photos' perceptual hashes (0: the same picture)."""
    if photo is not None and other is not None and photo.dct_hash and other.dct_hash:
        return neardup.distance(photo.dct_hash, other.dct_hash)
    if photo is not None and other is not None and photo.sha256 and photo.sha256 == other.sha256:
        return 0
    return recorded
