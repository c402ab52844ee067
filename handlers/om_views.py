"""How an O&M visit reads in chat: the prompt for its step, the sheet menu, a sheet's summary, the visit summary."""
from __future__ import annotations

from sqlalchemy.orm import object_session

from handlers import texts as T
from handlers.views import check_in_line, unfinished_photos
from models import CheckInKind, PhotoPurpose
from services.adapters import media
from services.om import om_visits
from states import forms
from states.om_sheets import SHEETS, sheet_tags
from states.om_visit import FINAL, Step


def prompt(visit, config) -> str:
    """What the crew should do now, for the visit's current step."""
    state = visit.state
    sheet = visit.current_sheet()
    if state == Step.CHOOSE_SHEET:
        return menu(visit)
    if state == Step.CHOOSE_INSTRUMENT:
        return instruments(visit, sheet)
    if state == Step.SHEET_FORM:
        form, tags = SHEETS[sheet.form], sheet_tags(sheet)
        return forms.question(form, om_visits.current_field(sheet), tags)
    if state == Step.SHEET_CONFIRM:
        return sheet_confirm(visit, sheet, config)
    if state == Step.SHEET_PHOTO:
        return T.OM_PROMPTS[state].format(sheet=SHEETS[sheet.form].title)
    if state == Step.REVIEW:
        return T.OM_REVIEW.format(summary=summary(visit))
    return T.OM_PROMPTS[state]


def where(sheet) -> str:
    """｜point instrument, when the sheet has its instrument."""
    if sheet.instrument is None:
        return ""
    return f"｜{sheet.instrument.point.name} {sheet.instrument.name}"


def menu(visit) -> str:
    """The planned items first (with what is already filled), then the five sheet kinds, then 0 to leave."""
    choices = om_visits.sheet_choices(visit)
    planned = [c for c in choices if c.item is not None]
    lines = [T.OM_MENU_HEAD]
    if planned:
        lines.append(T.OM_MENU_PLANNED)
    for n, choice in enumerate(choices, 1):
        if n == len(planned) + 1:
            lines.append(T.OM_MENU_OTHER)
        lines.append(T.OM_MENU_LINE.format(n=n, sheet=SHEETS[choice.form].title, where=_choice_where(choice),
                                           note=_note(visit, choice)))
    confirmed = len(visit.confirmed_sheets())
    lines.append(T.OM_MENU_LEAVE.format(count=confirmed) if confirmed else T.OM_MENU_LEAVE_LOCKED)
    return "\n".join(lines)


def _choice_where(choice) -> str:
    if choice.instrument is None:
        return ""
    return f"｜{choice.instrument.point.name} {choice.instrument.name}"


def _note(visit, choice) -> str:
    same = [s for s in visit.sheets if s.form == choice.form
            and (choice.instrument is None or s.instrument_id == choice.instrument.id)]
    done = [s for s in same if s.confirmed_at is not None]
    if done:
        return T.OM_MENU_DONE.format(count=len(done))
    return T.OM_MENU_DRAFT if same and choice.instrument is not None else ""


def instruments(visit, sheet) -> str:
    lines = [T.OM_INSTRUMENT_HEAD.format(sheet=SHEETS[sheet.form].title)]
    lines += [T.OM_INSTRUMENT_LINE.format(n=n, point=i.point.name, instrument=i.name)
              for n, i in enumerate(visit.instruments(), 1)]
    return "\n".join(lines)


def opened(sheet, config) -> str:
    """The head of a sheet just picked: its name and the link to fill it on the mobile page instead."""
    return T.OM_SHEET_OPENED.format(sheet=SHEETS[sheet.form].title, where=where(sheet),
                                    url=om_visits.sheet_url(config, sheet))


def sheet_confirm(visit, sheet, config) -> str:
    form = SHEETS[sheet.form]
    text = T.OM_SHEET_CONFIRM.format(sheet=form.title, where=where(sheet), url=om_visits.sheet_url(config, sheet),
                                     summary=forms.summary(form, sheet.answers, sheet_tags(sheet)))
    found = om_visits.problems(visit, sheet)
    return text + "\n\n" + problems(found, sheet, config) if found else text


def problems(found: list[str], sheet, config) -> str:
    return T.OM_SHEET_PROBLEMS.format(problems="\n".join(found), url=om_visits.sheet_url(config, sheet))


def summary(visit) -> str:
    """The whole visit in a few lines: plan, site, crew, check-ins, photos, confirmed sheets."""
    plan = visit.plan
    crew = om_visits.crew_on_visit(object_session(visit), visit)
    lines = [f"运维计划：{plan.name}", f"排污单位：{plan.polluter.name}",
             f"运维人员：{'、'.join(u.display_name for u in crew)}"]
    if plan.equipment:
        lines.append(f"运维设备：{'、'.join(e.name for e in plan.equipment)}")
    for kind in (CheckInKind.ARRIVAL, CheckInKind.DEPARTURE):
        check_in = visit.latest_check_in(kind)
        if check_in:
            lines.append(check_in_line(check_in))
    lines.append(f"进场照片：{len(visit.photos_for(PhotoPurpose.ARRIVAL))} 张")
    for sheet in visit.confirmed_sheets():
        photos = len(visit.photos_for(PhotoPurpose.SHEET, sheet.id))
        lines.append(f"{SHEETS[sheet.form].title}{where(sheet)}：工作照片 {photos} 张")
    lines.append(f"离场照片：{len(visit.photos_for(PhotoPurpose.DEPARTURE))} 张")
    return "\n".join(lines + unfinished_photos(media.unfinished(object_session(visit), om_visit_id=visit.id)))


def status(visit, config) -> str:
    """状态: where the visit stands and what comes next."""
    if visit.state in FINAL:
        return summary(visit) + "\n\n" + T.OM_PROMPTS[visit.state]
    sheet = visit.current_sheet()
    link = ""
    if visit.state in (Step.SHEET_FORM, Step.SHEET_CONFIRM) and sheet is not None:
        link = "\n" + opened(sheet, config)
    return summary(visit) + link + "\n\n下一步：\n" + prompt(visit, config) + "\n" + T.FOOTER
