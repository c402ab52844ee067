"""Messages pushed to WeChat users. Each is a row first (so a failure is recorded, never lost), then a job."""
from __future__ import annotations

from sqlalchemy import select

from models import OmVisit, OutboundMessage, OutboundStatus, SamplingTrip, clock
from states.templates import Template

SUBMITTED = "采样人员已提交现场采样记录，请在离场前核对确认。"
RESUBMITTED = "监测机构已更正并重新提交采样记录，请核对确认。"
OM_SUBMITTED = "运维人员已提交现场运维记录，请于今日 24:00 前核对并签名确认。"
OM_RESUBMITTED = "运维机构已更正并重新提交运维记录，请核对并签名确认。"


def ask_to_confirm(uow, trip: SamplingTrip, invitations: list, resubmitted: bool = False) -> list[OutboundMessage]:
    """A template message to each invited polluter user (a round just opened by services/confirmations.py),
    linking to that user's own confirmation page of the trip."""
    task = trip.visit.task
    departure = trip.latest_check_in("departure")
    data = {
        "keyword1": {"value": task.name},
        "keyword2": {"value": task.polluter.name},
        "keyword3": {"value": "、".join(u.display_name for u in trip.visit.samplers)},
        "keyword4": {"value": clock.fmt(departure.at if departure else trip.submitted_at)},
        "keyword5": {"value": RESUBMITTED if resubmitted else SUBMITTED},
    }
    return [_queue(uow, "template", invitation.openid, trip.id,
                   {"template_id": uow.config.wechat_trip_template_id, "url": invitation.url, "data": data})
            for invitation in invitations]


def ask_to_sign(uow, visit: OmVisit, invitations: list, resubmitted: bool = False) -> list[OutboundMessage]:
    """A template message to each invited polluter user (a round just opened by services/om_confirmations.py),
    asking to check and sign the O&M visit's records the same day."""
    plan = visit.plan
    data = {
        "keyword1": {"value": plan.name},
        "keyword2": {"value": plan.polluter.name},
        "keyword3": {"value": "、".join(sorted({s.filled_by.display_name for s in visit.sheets if s.filled_by}))
                     or (visit.started_by.display_name if visit.started_by else "")},
        "keyword4": {"value": clock.fmt(visit.submitted_at)},
        "keyword5": {"value": OM_RESUBMITTED if resubmitted else OM_SUBMITTED},
    }
    return [_queue(uow, "template", invitation.openid, None,
                   {"template_id": uow.config.wechat_om_template_id, "url": invitation.url, "data": data})
            for invitation in invitations]


def tell(uow, openid: str, text: str, trip_id: int | None = None) -> OutboundMessage:
    """A customer-service text (客服消息), e.g. when a photo turns out unusable after the reply was sent."""
    return _queue(uow, "text", openid, trip_id, {"content": text})


def _queue(uow, kind: str, openid: str, trip_id: int | None, payload: dict) -> OutboundMessage:
    message = OutboundMessage(kind=kind, openid=openid, trip_id=trip_id, payload=payload)
    uow.session.add(message)
    uow.session.flush()
    uow.after_commit("services.wechat.jobs.send_outbound", message.id)
    return message


def record_template_outcome(db, msgid: str, status: str) -> None:
    """WeChat's delivery report (TEMPLATESENDJOBFINISH): a user who blocked us is a failure to show."""
    message = db.scalar(select(OutboundMessage).where(OutboundMessage.wechat_msgid == msgid))
    if message is not None and status != "success":
        message.status = OutboundStatus.FAILED
        message.last_error = status


def send_template(uow, openid: str, template: Template, url: str | None, **values: str) -> OutboundMessage:
    """A template message of the catalogue (states/templates.py), its fields filled in the template's order."""
    payload = {"template_id": getattr(uow.config, template.key), "data": template.data(**values)}
    if url:
        payload["url"] = url
    return _queue(uow, "template", openid, None, payload)
