"""What happened on a scenario's visit (its `work`), read and checked before anything is built: check-ins, photos
(generated scenes, copies of another photo, EXIF), sample times, filled O&M sheets and the polluter's decision with
its signature. Every problem names the key or field, in Chinese and English; no database here
(`services/dev/scenario_work.py` builds the rows).

    "work": {"by": "sc_sampler",
             "arrival": {"at": "09:02", "offset_m": [40, -25]}, "departure": {"at": "11:20"},
             "photos": [{"purpose": "arrival", "at": "09:03", "scene": "chimney",
                         "exif": {"at": "09:03", "lat": 30.7403, "lng": 121.3401}},
                        {"purpose": "output", "point": "DA001", "at": "10:30", "same_as": {"photo": 2},
                         "copy": "resize-75%"}],
             "locations": [{"point": "DW001", "at": "09:35", "offset_m": [12, -8]}],
             "presence": [{"by": "sc_colleague", "at": "09:05", "offset_m": [15, 30]}],
             "instruments": [{"asset_no": "JC-EQ-001", "name": "便携式 pH 计", "valid_until": "today+200",
                              "points": ["DW001"]}],
             "samples": [{"point": "DW001", "at": "09:40"}],
             "sheets": [{"form": "calibration", "point": "DA001", "at": "10:10", "answers": {"zero_before": 1.2}}],
             "confirmation": {"at": "11:05", "by": "sc_polluter", "signature": {"hand": 1}}}

Times are "HH:MM" on the visit's day; an EXIF time may name another `day`. A photo's `scene` is a kind of
services/adapters/field_pictures.py (chimney | bottle | printout), with ":seed" or a seed drawn from the visit's key;
`same_as` repeats another photo ({"visit": KEY, "photo": index}, this visit when no visit is named), with the
same bytes, or through a `copy` transformation. A signature is drawn by `hand` (another hand, another drawing of
the same name), or repeats another visit's drawing (`same_as`: KEY, optionally `scale`d). A sampling trip's
`locations` are where its points were sampled: `lat`/`lng`, or `offset_m` from the point's registered position (from
the site while it has none). `presence` are the presence check-ins (到场确认) of crew members other than the one doing
the work, each `by` a person of the visit's crew, placed as a check-in. Its `instruments` are those confirmed at
arrival (仪器): the agency's instrument of that asset number, filed with the agency on first use with its calibration
validity (`valid_until`, a date such as today-30), and the points it sampled.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time

from services.adapters.field_pictures import COPIES, SCENES
from services.dev.scenario_items import Item, ScenarioProblem
from states.om_sheets import SHEETS

PURPOSES = {"sampling": ("arrival", "sampling", "output", "departure"), "om": ("arrival", "sheet", "departure")}
WORK_FIELDS = {"by", "arrival", "departure", "locations", "presence", "instruments", "photos", "samples", "sheets",
               "submitted", "confirmation"}


@dataclass
class StopSpec:
    at: time
    by: str | None = None
    lat: float | None = None
    lng: float | None = None
    offset_m: tuple[float, float] = (30.0, 20.0)  # north, east of the site: GPS lands near, not on, the point


@dataclass
class LocationSpec:
    """Where a point was sampled (点位布设); measured as the trip's POINT_LOCATION step measures it."""

    point: str
    stop: StopSpec


@dataclass
class InstrumentSpec:
    """An instrument confirmed on a trip; filed with the agency (as valid until `valid_until`) on first use."""

    asset_no: str
    name: str
    model: str
    valid_until: date
    points: list[str]


@dataclass
class ExifSpec:
    at: time | None = None
    day: date | None = None  # another day than the visit's
    lat: float | None = None
    lng: float | None = None


@dataclass
class PhotoSpec:
    purpose: str
    at: time
    scene: str | None = None  # kind of services/field_pictures.SCENES
    seed: int | None = None
    same_as: tuple[str | None, int] | None = None  # (visit key or None for this one, photo index)
    copy: str | None = None  # a key of services/field_pictures.COPIES
    point: str | None = None
    sheet: int | None = None  # index into the work's sheets (O&M)
    exif: ExifSpec | None = None


@dataclass
class SampleSpec:
    point: str
    at: time
    factor: str | None = None  # every factor of the point when None


@dataclass
class SheetSpec:
    form: str
    point: str
    at: time
    answers: dict = field(default_factory=dict)


@dataclass
class SignatureSpec:
    hand: int = 1
    same_as: str | None = None  # another visit's key: its drawing again
    scale: float = 1.0


@dataclass
class DecisionSpec:
    at: time
    by: str
    signature: SignatureSpec | None = None


@dataclass
class WorkSpec:
    by: str | None
    arrival: StopSpec | None
    departure: StopSpec | None
    locations: list[LocationSpec]
    instruments: list[InstrumentSpec]
    photos: list[PhotoSpec]
    samples: list[SampleSpec]
    sheets: list[SheetSpec]
    submitted: bool
    confirmation: DecisionSpec | None
    presence: list[StopSpec] = field(default_factory=list)  # other crew members' presence check-ins


def read_work(item: Item, kind: str) -> WorkSpec:
    """The visit's `work`; `kind`: sampling | om."""
    for name in item.value:
        if name not in WORK_FIELDS:
            raise ScenarioProblem(item.at(name), f"未知的字段（可用：{'、'.join(sorted(WORK_FIELDS))}）",
                          f"unknown field (known: {', '.join(sorted(WORK_FIELDS))})")
    sub = Item
    arrival = _stop(sub(item.value["arrival"], item.at("arrival"))) if item.present("arrival") else None
    departure = _stop(sub(item.value["departure"], item.at("departure"))) if item.present("departure") else None
    photos = [_photo(sub(v, f"{item.at('photos')}[{n}]"), kind)
              for n, v in enumerate(item.items("photos", required=False))]
    samples = [_sample(sub(v, f"{item.at('samples')}[{n}]")) for n, v in enumerate(item.items("samples", False))]
    locations = [_location(sub(v, f"{item.at('locations')}[{n}]"))
                 for n, v in enumerate(item.items("locations", False))]
    instruments = [_instrument(sub(v, f"{item.at('instruments')}[{n}]"))
                   for n, v in enumerate(item.items("instruments", False))]
    sheets = [_sheet(sub(v, f"{item.at('sheets')}[{n}]")) for n, v in enumerate(item.items("sheets", False))]
    presence = [_stop(sub(v, f"{item.at('presence')}[{n}]")) for n, v in enumerate(item.items("presence", False))]
    if ((samples or locations or instruments) and kind != "sampling") or (sheets and kind != "om"):
        wrong = "sheets" if sheets and kind != "om" else "samples" if samples else \
            "locations" if locations else "instruments"
        raise ScenarioProblem(item.at(wrong), "采样时间、点位位置和仪器只用于采样任务，记录单只用于运维任务",
                      "samples, point locations and instruments belong to sampling visits, sheets to O&M visits")
    submitted = item.value.get("submitted", departure is not None)
    if not isinstance(submitted, bool):
        raise ScenarioProblem(item.at("submitted"), "应为 true 或 false", "must be true or false")
    confirmation = _decision(sub(item.value["confirmation"], item.at("confirmation")), kind) \
        if item.present("confirmation") else None
    return WorkSpec(by=item.text("by", required=False, max_length=64), arrival=arrival, departure=departure,
                    locations=locations, instruments=instruments, photos=photos, samples=samples, sheets=sheets,
                    submitted=submitted, confirmation=confirmation, presence=presence)


def _stop(item: Item) -> StopSpec:
    offset = item.items("offset_m", required=False)
    if offset and (len(offset) != 2 or not all(isinstance(v, (int, float)) and abs(v) <= 200000 for v in offset)):
        raise ScenarioProblem(item.at("offset_m"), "应为 [向北米数, 向东米数]", "must be [metres north, metres east]")
    return StopSpec(at=item.clock_time("at"), by=item.text("by", required=False, max_length=64),
                    lat=item.number("lat", -90, 90, required=False), lng=item.number("lng", -180, 180, required=False),
                    offset_m=tuple(float(v) for v in offset) if offset else StopSpec.offset_m)


def _location(item: Item) -> LocationSpec:
    return LocationSpec(point=item.text("point", max_length=32), stop=_stop(item))


def _instrument(item: Item) -> InstrumentSpec:
    return InstrumentSpec(asset_no=item.text("asset_no", max_length=64),
                          name=item.text("name", required=False, max_length=100) or "采样仪器",
                          model=item.text("model", required=False, max_length=64) or "—",
                          valid_until=item.day("valid_until"), points=item.texts("points", required=False))


def _photo(item: Item, kind: str) -> PhotoSpec:
    purpose = item.choice("purpose", PURPOSES[kind])
    scene, seed = _scene(item)
    same_as = _same_as(item.value.get("same_as"), item.at("same_as")) if item.present("same_as") else None
    if (scene is None) == (same_as is None):
        raise ScenarioProblem(item.at("scene"), "须且只须给出 scene 或 same_as 之一",
                              "needs exactly one of scene, same_as")
    copy = item.choice("copy", tuple(COPIES)) if item.present("copy") else None
    sheet = item.number("sheet", 0, 99, required=False)
    exif = _exif(Item(item.value["exif"], item.at("exif"))) if item.present("exif") else None
    return PhotoSpec(purpose=purpose, at=item.clock_time("at"), scene=scene, seed=seed, same_as=same_as, copy=copy,
                     point=item.text("point", required=False, max_length=32),
                     sheet=int(sheet) if sheet is not None else None, exif=exif)


def _scene(item: Item) -> tuple[str | None, int | None]:
    text = item.text("scene", required=False, max_length=32)
    if text is None:
        return None, None
    kind, _, seed = text.partition(":")
    if kind not in SCENES or (seed and not seed.isdigit()):
        raise ScenarioProblem(item.at("scene"), f"应为 {' | '.join(SCENES)}，可加“:编号”", f"must be one of "
                      f"{' | '.join(SCENES)}, optionally with ':seed'")
    return kind, int(seed) if seed else None


def _same_as(value, path: str) -> tuple[str | None, int]:
    visit = value.get("visit") if isinstance(value, dict) else None
    index = value.get("photo") if isinstance(value, dict) else None
    if not isinstance(index, int) or isinstance(index, bool) or index < 0 or (visit is not None
                                                                              and not isinstance(visit, str)):
        raise ScenarioProblem(path, "应为 {\"visit\": 任务 key（可省略）, \"photo\": 照片序号}",
                      "must be {\"visit\": a visit key (optional), \"photo\": a photo index}")
    return visit, index


def _exif(item: Item) -> ExifSpec:
    return ExifSpec(at=item.clock_time("at") if item.present("at") else None,
                    day=item.day("day") if item.present("day") else None,
                    lat=item.number("lat", -90, 90, required=False), lng=item.number("lng", -180, 180, required=False))


def _sample(item: Item) -> SampleSpec:
    return SampleSpec(point=item.text("point", max_length=32), at=item.clock_time("at"),
                      factor=item.text("factor", required=False, max_length=64))


def _sheet(item: Item) -> SheetSpec:
    form = item.choice("form", tuple(SHEETS))
    answers = item.value.get("answers", {})
    if not isinstance(answers, dict) or any(name not in {f.name for f in SHEETS[form].fields} for name in answers):
        raise ScenarioProblem(item.at("answers"), f"应为{SHEETS[form].title}的字段及其值",
                      f"must map fields of the {form} sheet to their values")
    return SheetSpec(form=form, point=item.text("point", max_length=32), at=item.clock_time("at"), answers=answers)


def _decision(item: Item, kind: str) -> DecisionSpec:
    signature = None
    if item.present("signature"):
        if kind != "om":
            raise ScenarioProblem(item.at("signature"), "只有运维任务由排污单位手写签名",
                                  "only O&M visits are signed by hand")
        sign = Item(item.value["signature"], item.at("signature"))
        signature = SignatureSpec(hand=int(sign.number("hand", 0, 10 ** 6, required=False) or 1),
                                  same_as=sign.key("same_as") if sign.present("same_as") else None,
                                  scale=sign.number("scale", 0.5, 1.0, required=False) or 1.0)
    return DecisionSpec(at=item.clock_time("at"), by=item.text("by", max_length=64), signature=signature)


# --- references ------------------------------------------------------------------------------------------------

def check_work(visit, path: str, polluter, people: dict, visits: dict) -> None:
    """`visit`: a scenario_file.VisitSpec with work; `polluter` its PolluterSpec; `people` by username, `visits`
    by key: every name the work uses is known and fits."""
    work, path = visit.work, f"{path}.work"
    codes = {p.code: p for p in polluter.points}
    crew_role = "sampler" if visit.kind == "sampling" else "om_crew"
    for where, username in [("by", work.by), ("arrival.by", work.arrival and work.arrival.by),
                            ("departure.by", work.departure and work.departure.by)]:
        if username and (username not in people or people[username].role != crew_role):
            raise ScenarioProblem(f"{path}.{where}", f"{username} 不是本文件中的 {crew_role}",
                                  f"{username} is no {crew_role} of this file")
    for n, stop in enumerate(work.presence):
        if stop.by not in visit.crew:
            raise ScenarioProblem(f"{path}.presence[{n}].by", "须为本任务 crew 中的人员",
                                  "must be a person of this visit's crew")
    for section, specs in (("samples", work.samples), ("sheets", work.sheets), ("photos", work.photos),
                           ("locations", work.locations)):
        for n, spec in enumerate(specs):
            if spec.point is not None and spec.point not in codes:
                raise ScenarioProblem(f"{path}.{section}[{n}].point",
                                      f"排污单位 {visit.polluter} 没有点位 {spec.point}",
                                      f"polluter {visit.polluter} has no point {spec.point}")
    for n, instrument in enumerate(work.instruments):
        for m, code in enumerate(instrument.points):
            if code not in codes:
                raise ScenarioProblem(f"{path}.instruments[{n}].points[{m}]",
                                      f"排污单位 {visit.polluter} 没有点位 {code}",
                                      f"polluter {visit.polluter} has no point {code}")
    for n, photo in enumerate(work.photos):
        _check_photo(photo, f"{path}.photos[{n}]", n, visit, visits)
    if work.confirmation:
        _check_decision(work.confirmation, f"{path}.confirmation", visit, people, visits)


def _check_photo(photo: PhotoSpec, path: str, index: int, visit, visits: dict) -> None:
    if photo.purpose in ("sampling", "output") and photo.point is None:
        raise ScenarioProblem(f"{path}.point", "采样和仪器输出照片须给出点位",
                              "a sampling or output photo needs its point")
    if photo.purpose == "sheet" and (photo.sheet is None or photo.sheet >= len(visit.work.sheets)):
        raise ScenarioProblem(f"{path}.sheet", "记录单照片须给出本任务 sheets 中的序号",
                              "a sheet photo needs the index of one of this work's sheets")
    if photo.same_as is None:
        return
    key, other = photo.same_as
    source = visit if key is None else visits.get(key)
    known = source is not None and source.work is not None and other < len(source.work.photos)
    if not known or (source is visit and other >= index) or source.work.photos[other].same_as is not None:
        raise ScenarioProblem(f"{path}.same_as", "应指向一张已有的、由 scene 生成的照片（本任务中须在此之前）",
                              "must name an existing photo made from a scene (earlier, within this visit)")


def _check_decision(decision: DecisionSpec, path: str, visit, people: dict, visits: dict) -> None:
    person = people.get(decision.by)
    if person is None or person.role != "polluter" or person.polluter != visit.polluter:
        raise ScenarioProblem(f"{path}.by", f"{decision.by} 不是排污单位 {visit.polluter} 的确认人",
                              f"{decision.by} is no confirmer (polluter) of {visit.polluter}")
    if visit.kind == "om" and decision.signature is None:
        raise ScenarioProblem(f"{path}.signature", "运维确认须手写签名", "an O&M confirmation needs a signature")
    source = decision.signature.same_as if decision.signature else None
    if source is not None:
        other = visits.get(source)
        if other is None or other.work is None or other.work.confirmation is None \
                or other.work.confirmation.signature is None or other.work.confirmation.signature.same_as:
            raise ScenarioProblem(f"{path}.signature.same_as", f"任务 {source} 没有亲笔签名可重复",
                                  f"visit {source} has no drawn signature to repeat")
