"""How a trip reads in chat: the prompt for its step and the summary before submitting."""
from __future__ import annotations

from sqlalchemy.orm import object_session

from handlers import texts as T
from models import CheckInKind, PhotoPurpose, PhotoStatus, clock
from services.adapters import media
from services.sampling import instruments, trips
from states import forms
from states.conditions import WORKING_CONDITIONS
from states.trip import FINAL, Step


def prompt(trip) -> str:
    """What the sampler should do now, for the trip's current step."""
    state = trip.state
    if state == Step.INSTRUMENTS:
        return "\n".join([T.INSTRUMENTS_HEAD, instrument_list(trip) or T.INSTRUMENTS_EMPTY, T.PROMPTS[state]])
    if state == Step.POINT_LOCATION:
        return point_title(trip) + "\n" + T.PROMPTS[state]
    if state == Step.POINT_INSTRUMENTS:
        return "\n".join([point_title(trip), T.POINT_INSTRUMENTS_HEAD, instrument_list(trip), T.PROMPTS[state]])
    if state == Step.SAMPLE_PHOTO:
        return point_card(trip) + "\n" + T.PROMPTS[state]
    if state == Step.CONDITIONS:
        tags = trips.visit_tags(trip)
        field = forms.current_field(WORKING_CONDITIONS, trip.conditions.answers, tags)
        return forms.question(WORKING_CONDITIONS, field, tags)
    if state == Step.CONDITIONS_CONFIRM:
        return T.CONDITIONS_CONFIRM.format(summary=conditions_summary(trip))
    if state == Step.TRANSPORT:
        return T.TRANSPORT.format(groups="\n".join(transport_lines(trip)), choices=trips.storage_choices())
    if state == Step.REVIEW:
        return T.REVIEW.format(summary=summary(trip))
    return T.PROMPTS[state]


def point_title(trip, template: str = T.POINT_TITLE) -> str:
    point = trip.current_point
    return template.format(index=trip.point_index + 1, count=len(trip.points), point=point.name,
                           kind=T.KIND_NAMES.get(point.kind, point.kind))


def instrument_list(trip) -> str:
    """The trip's instruments, numbered as the sampler answers with them."""
    return "\n".join(T.INSTRUMENT_LINE.format(n=n, name=e.name, model=e.model, asset_no=e.asset_no,
                                              until=e.calibration_valid_until or "未登记")
                     for n, e in enumerate(instruments.listed(trip), 1))


def instrument_names(items) -> str:
    return "、".join(f"{e.name}（{e.asset_no}）" for e in items)


def point_card(trip) -> str:
    point = trip.current_point
    lines = [point_title(trip, T.POINT_HEAD)]
    for sample in trips.samples_at(trip, point):
        container = f"（{sample.container}）" if sample.container else ""
        lines.append(T.SAMPLE_LINE.format(code=sample.code, factor=sample.factor, container=container))
    return "\n".join(lines)


def transport_lines(trip) -> list[str]:
    """The samples for the laboratory by numbered group, with the group's packing; a sample changed on its own
    is listed under its group with its own."""
    lines = []
    for n, group in enumerate(trips.transport_groups(trip), 1):
        packing = packing_words(group[0])
        factors = "、".join(dict.fromkeys(s.factor for s in group))
        lines.append(T.TRANSPORT_GROUP.format(n=n, codes="、".join(s.code for s in group), factors=factors,
                                              packing=packing))
        lines += [T.TRANSPORT_SAMPLE.format(code=s.code, packing=packing_words(s))
                  for s in group[1:] if packing_words(s) != packing]
    return lines


def packing_words(sample) -> str:
    return T.TRANSPORT_PACKING.format(container=sample.container or T.NOT_FILLED,
                                      preservative=sample.preservative or T.NO_PRESERVATIVE,
                                      storage=sample.storage or "保存条件" + T.NOT_FILLED)


def conditions_summary(trip) -> str:
    return forms.summary(WORKING_CONDITIONS, trip.conditions.answers, trips.visit_tags(trip))


def check_in_line(check_in) -> str:
    flag = "围栏内" if check_in.inside_fence else "⚠围栏外"
    return (f"{T.CHECK_IN_NAMES[check_in.kind]}：{clock.fmt(check_in.at)}，"
            f"距点位 {check_in.distance_m:.0f} 米（{flag}）")


def point_location_words(location) -> str:
    if location is None:
        return "位置未记录"
    flag = "⚠超出范围" if location.far else "范围内"
    return f"位置距{T.POINT_REFERENCE_NAMES[location.reference]} {location.distance_m:.0f} 米（{flag}）"


def summary(trip) -> str:
    """The whole trip in a few lines: people, check-ins, samples, photos, conditions."""
    task = trip.visit.task
    lines = [f"任务：{task.code} {task.name}", f"排污单位：{task.polluter.name}",
             f"采样人员：{'、'.join(u.display_name for u in trip.visit.samplers)}"]
    if trip.instruments:
        lines.append(f"采样仪器：{instrument_names(instruments.listed(trip))}")
    for kind in (CheckInKind.ARRIVAL, CheckInKind.DEPARTURE):
        check_in = trip.latest_check_in(kind)
        if check_in:
            lines.append(check_in_line(check_in))
    lines.append(f"进场照片：{len(trip.photos_for(PhotoPurpose.ARRIVAL))} 张")
    for point in trip.points:
        samples = trips.samples_at(trip, point)
        when = next((clock.fmt(s.sampled_at) for s in samples if s.sampled_at), "未记录")
        lines.append(
            f"{point.name}：{point_location_words(trip.point_location(point.id))}，"
            f"仪器 {'、'.join(e.asset_no for e in trip.instruments_at(point.id)) or '未记录'}，"
            f"样品 {len(samples)} 个（{'、'.join(s.code for s in samples) or '—'}），采样时间 {when}，"
            f"采样照片 {len(trip.photos_for(PhotoPurpose.SAMPLING, point.id))} 张，"
            f"仪器输出 {len(trip.photos_for(PhotoPurpose.OUTPUT, point.id))} 张")
    if trip.conditions and trip.conditions.confirmed_at:
        lines.append("采样工况：" + forms.summary(WORKING_CONDITIONS, trip.conditions.answers,
                                               trips.visit_tags(trip), separator="；", filled_only=True))
    lines.append(f"离场照片：{len(trip.photos_for(PhotoPurpose.DEPARTURE))} 张")
    if trip.samples_left_at:
        lines += [T.TRANSPORT_SUMMARY.format(left=clock.fmt(trip.samples_left_at))] + transport_lines(trip)
    return "\n".join(lines + unfinished_photos(media.unfinished(object_session(trip), trip_id=trip.id)))


def unfinished_photos(counts: dict[PhotoStatus, int]) -> list[str]:
    """The summary's lines on photos still being received or lost, so nobody submits believing they are in."""
    lines = []
    if counts.get(PhotoStatus.PENDING):
        lines.append(T.PHOTOS_RECEIVING.format(count=counts[PhotoStatus.PENDING]))
    if counts.get(PhotoStatus.FAILED):
        lines.append(T.PHOTOS_FAILED.format(count=counts[PhotoStatus.FAILED]))
    return lines


def status(trip) -> str:
    """状态: where the trip stands and what comes next."""
    if trip.state in FINAL:
        return summary(trip) + "\n\n" + T.PROMPTS[trip.state]
    return summary(trip) + "\n\n下一步：\n" + prompt(trip) + "\n" + T.FOOTER
