"""Trip and task lists as pages and Excel sheets: filters read from the query string, shown on screen and
repeated at the top of the export, rows worded once for both."""
from __future__ import annotations

from dataclasses import fields
from datetime import date

from flask import Response, render_template, request
from sqlalchemy import select

from models import Agency, MonitoringTask, Polluter, clock
from services.adapters import exports
from services.core import policy
from services.desk import supervision
from services.desk.supervision import FilterError, TaskFilter, TripFilter
from services.sampling import lab_receipts
from services.texts.refusals import say
from web.access import me
from web.db import db
from web.files import XLSX, send_generated
from web.records import texts as T


def read_trip_filter(args) -> tuple[TripFilter, dict[str, str]]:
    """The trip filter of the query string, and the errors of the fields that could not be read."""
    return _read(TripFilter, args, {"state": T.TRIP_STATE, "fence": T.FENCE})


def read_task_filter(args) -> tuple[TaskFilter, dict[str, str]]:
    return _read(TaskFilter, args, {"status": T.TASK_STATUS})


def _read(kind, args, choices: dict[str, dict]) -> tuple:
    values, errors = {}, {}
    for f in fields(kind):
        raw = (args.get(f.name) or "").strip()
        try:
            if f.name.startswith("date_"):
                values[f.name] = supervision.parse_date(raw, f.name)
            elif f.name.endswith("_id"):
                values[f.name] = supervision.parse_id(raw, f.name)
            elif raw and raw not in choices[f.name]:
                raise FilterError("not_offered", field=f.name)
            else:
                values[f.name] = raw
        except FilterError as error:
            errors[error.field] = say(error)
    try:
        supervision.check_range(values.get("date_from"), values.get("date_to"))
    except FilterError as error:
        errors[error.field] = say(error)
    return kind(**values), errors


def options() -> dict:
    """The choices of the filter forms: only the polluters and agencies the user may see."""
    user = me()
    polluters = db().scalars(policy.scoped(user, Polluter).order_by(Polluter.name)).all()
    # the agencies of the tasks the user may see (a regulator's district is the polluters')
    visible = policy.scoped(user, MonitoringTask, select(MonitoringTask.agency_id))
    agencies = db().scalars(select(Agency).where(Agency.id.in_(visible)).order_by(Agency.name)).all()
    return {"polluters": polluters, "agencies": agencies, "T": T}


def unknown_choices(flt, opts: dict) -> dict[str, str]:
    """Ids of polluters or agencies not offered to this user: refused rather than silently matching nothing."""
    errors = {}
    if flt.polluter_id and flt.polluter_id not in {p.id for p in opts["polluters"]}:
        errors["polluter_id"] = "请从列表中选择排污单位。"
    if flt.agency_id and flt.agency_id not in {a.id for a in opts["agencies"]}:
        errors["agency_id"] = "请从列表中选择监测机构。"
    return errors


def shown_filters(flt, opts: dict, with_agency: bool) -> list[tuple[str, str]]:
    """The filters as the screen shows them, for the export's header."""
    names = {p.id: p.name for p in opts["polluters"]}
    agencies = {a.id: a.name for a in opts["agencies"]}
    shown = [("开始日期", flt.date_from.isoformat() if flt.date_from else T.ALL),
             ("结束日期", flt.date_to.isoformat() if flt.date_to else T.ALL),
             ("排污单位", names.get(flt.polluter_id, T.ALL))]
    if with_agency:
        shown.append(("监测机构", agencies.get(flt.agency_id, T.ALL)))
    if isinstance(flt, TripFilter):
        shown += [("行程状态", T.TRIP_STATE.get(flt.state, T.ALL)), ("围栏", T.FENCE[flt.fence])]
    else:
        shown.append(("任务状态", T.TASK_STATUS.get(flt.status, T.ALL)))
    return shown


TRIP_HEADERS = ("行程号", "任务编号", "任务名称", "排污单位", "监测机构", "采样日期", "采样人员", "行程状态",
                "进场签到", "进场距离(米)", "离场签到", "离场距离(米)", "点位布设（采样位置、距离）",
                "采样仪器（采样点位）", "运输保存（样品：容器｜保存剂｜保存条件）", "样品离场时间",
                "实验室接收（时间、到达温度、接收人）", "排污单位确认", "确认时间", "异常标记")


def trip_cells(row: supervision.TripRow) -> list:
    task, trip = row.task, row.trip
    return [
        trip.id, task.code, task.name, task.polluter.name, task.agency.name, trip.visit.day.isoformat(),
        "、".join(u.display_name for u in trip.visit.samplers), T.TRIP_STATE.get(trip.state, trip.state),
        clock.fmt(row.arrival.at) if row.arrival else "—", round(row.arrival.distance_m) if row.arrival else "",
        clock.fmt(row.departure.at) if row.departure else "—",
        round(row.departure.distance_m) if row.departure else "",
        point_positions(row.trip), instruments_used(row.trip), packing(trip), clock.fmt(lab_receipts.left_site(trip)),
        lab_receipt(trip),
        T.CONFIRMATION.get(row.confirmation.status, "") if row.confirmation else "—",
        clock.fmt(row.confirmation.decided_at) if row.confirmation else "—",
        "、".join(T.FLAGS[f] for f in row.flags),
    ]


def point_positions(trip) -> str:
    """Where each point was sampled (the latest location sent for it) and how far from its reference."""
    latest = {loc.point_id: loc for loc in trip.point_locations}
    return "；".join(
        f"{loc.point.name} {loc.latitude:.5f},{loc.longitude:.5f} 距{T.POINT_REFERENCE[loc.reference]}"
        f" {loc.distance_m:.0f} 米" + (f"（超出 {loc.allowed_m:.0f} 米）" if loc.far else "")
        for loc in latest.values())


def instruments_used(trip) -> str:
    """The instruments confirmed on site, each with the points it sampled."""
    return "；".join(
        f"{i.equipment.name} {i.equipment.asset_no}（"
        + ("、".join(p.name for p in trip.points_sampled_with(i.equipment_id)) or "未记录点位") + "）"
        for i in trip.instruments if i.confirmed_at)


def packing(trip) -> str:
    """How each sample for the laboratory travelled, as recorded on site."""
    return "；".join(f"{s.code} {s.factor}：{s.container or '—'}｜{s.preservative or '无'}｜{s.storage or '—'}"
                    for s in trip.samples if s.travels)


def lab_receipt(trip) -> str:
    """The laboratory's receipt and, per sample past its holding time, by how much."""
    receipt = trip.lab_receipt
    if receipt is None:
        return "—"
    late = [f"{h.sample.code} {h.hours:.1f} 小时（时限 {h.limit.hours} 小时）" for h in lab_receipts.held(trip)
            if h.overdue]
    return (f"{clock.fmt(receipt.received_at)}，{receipt.temperature:g} °C，{receipt.received_by}"
            + (f"；超过保存时限：{'、'.join(late)}" if late else ""))


TASK_HEADERS = ("任务编号", "任务名称", "类别", "排污单位", "监测机构", "状态", "采样计划数", "报告系统编号",
                "申请时间")


def task_cells(task: MonitoringTask) -> list:
    return [task.code, task.name, task.category, task.polluter.name, task.agency.name,
            T.TASK_STATUS.get(task.status, task.status), len(task.visits), task.report_number or "—",
            clock.fmt(task.created_at)]


def xlsx(title: str, filename: str, filters, headers, rows, hidden=()) -> Response:
    body = exports.workbook(title, filters, headers, rows, hidden)
    stamp = clock.local(clock.now()).strftime("%Y%m%d%H%M")
    return send_generated(body, XLSX, f"{filename}-{stamp}.xlsx", evidence=True)


def page_number() -> int:
    """The page asked for (?page=N, from 1) of an offset-paged list; anything else is the first page."""
    raw = (request.args.get("page") or "1").strip()
    return int(raw) if raw.isdigit() and 0 < int(raw) < 100_000 else 1


def day_after() -> tuple[date, int] | None:
    """The cursor of a list ordered by day and id (?after=2026-01-31_123, the previous page's last row: the trip
    and O&M visit lists); unreadable: the first page."""
    day, _, ident = (request.args.get("after") or "").partition("_")
    try:
        return date.fromisoformat(day), int(ident)
    except ValueError:
        return None


def day_cursor(last: tuple[date, int]) -> str:
    """The ?after= value naming a page's last (day, id)."""
    return f"{last[0].isoformat()}_{last[1]}"


def task_after() -> int | None:
    raw = (request.args.get("after") or "").strip()
    return int(raw) if raw.isdigit() else None


def listing(reader, template: str, with_agency: bool, export, context):
    """A filtered list page, or with ?export=xlsx its sheet; unusable filters → the page, 400, with reasons.

    `export(flt, shown)` returns the sheet; `context` the page's variables given the filter."""
    opts = options()
    flt, errors = reader(request.args)
    errors = errors or unknown_choices(flt, opts)
    page = {"args": request.args, "errors": errors, "fmt": clock.fmt, "with_agency": with_agency, **opts}
    if errors:
        return render_template(template, **page, **context(None)), 400
    if request.args.get("export") == "xlsx":
        return export(flt, shown_filters(flt, opts, with_agency))
    return render_template(template, **page, **context(flt))


def trip_list(template: str, title: str, filename: str, with_agency: bool):
    """The trip list of the user's scope (the agency's own, the regulator's district)."""
    def export(flt, shown):
        rows = (trip_cells(r) for r in supervision.all_trips(db(), me(), flt))
        return xlsx(title, filename, shown, TRIP_HEADERS, rows)

    def context(flt):
        found = supervision.trips(db(), me(), flt, day_after(), supervision.PER_PAGE) if flt else []
        last = supervision.trip_cursor(found[-1].trip) if found and len(found) == supervision.PER_PAGE else None
        return {"rows": found, "title": title, "next_after": day_cursor(last) if last else None}
    return listing(read_trip_filter, template, with_agency, export, context)


def task_list(template: str, title: str, filename: str):
    """The task list of the user's scope, with its sheet."""
    def export(flt, shown):
        rows = (task_cells(t) for t in supervision.all_tasks(db(), me(), flt))
        return xlsx(title, filename, shown, TASK_HEADERS, rows)

    def context(flt):
        found = supervision.tasks(db(), me(), flt, task_after(), supervision.PER_PAGE) if flt else []
        return {"tasks": found, "title": title,
                "next_after": found[-1].id if found and len(found) == supervision.PER_PAGE else None}
    return listing(read_task_filter, template, True, export, context)
