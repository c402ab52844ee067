"""实验室接收 on the trip's record page: the agency records when the samples reached the laboratory, their
temperature on arrival and the receiver; samples past their holding time are flagged (services/sampling/lab_receipts.py)."""
from __future__ import annotations

from flask import flash, redirect, request, url_for

from models import Role, SamplingTrip
from services.field.records import RecordsProblem
from services.sampling import lab_receipts
from services.texts.refusals import say
from web import formview
from web.access import get_or_404, me, role_required
from web.db import uow
from web.records.blueprint import bp
from web.records.sampling import trip_page

BAD_TIME = "请按“年-月-日 时:分”填写接收时间。"
BAD_TEMPERATURE = "请填写到达温度（°C，数字）。"


@bp.post("/trips/<int:trip_id>/lab-receipt")
@role_required(Role.AGENCY_ADMIN)
def lab_receipt(trip_id: int):
    trip = get_or_404(SamplingTrip, trip_id)
    form = request.form
    try:
        received_at = formview.local_datetime(form.get("received_at", ""))
    except ValueError:
        return _refused(trip, BAD_TIME)
    try:
        temperature = float(form.get("temperature", "").strip().removesuffix("°C"))
    except ValueError:
        return _refused(trip, BAD_TEMPERATURE)
    try:
        lab_receipts.record(uow(), trip, me(), received_at, temperature, form.get("received_by", "").strip())
    except RecordsProblem as refused:
        return _refused(trip, say(refused))
    late = [h for h in lab_receipts.held(trip) if h.overdue]
    flash(f"实验室接收已记录。{len(late)} 个样品超过保存时限，已标记。" if late else "实验室接收已记录。",
          "error" if late else "success")
    return redirect(url_for("records.trip", trip_id=trip_id) + "#lab")


def _refused(trip: SamplingTrip, message: str):
    flash(message, "error")
    return trip_page(trip, 400, typed=request.form)
