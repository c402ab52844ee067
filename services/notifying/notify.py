"""Messages pushed to WeChat users. Each is a row first (so a failure is recorded, never lost), then a job."""
from __future__ import annotations

from sqlalchemy import select

from models import OmVisit, OutboundMessage, OutboundStatus, SamplingTrip, clock
from states.templates import OM_CONFIRM, TRIP_CONFIRM, Template

SUBMITTED = "采样人员已提交现场采样记录，请在离场前核对确认。"
# what is true when the crew checked out before submitting: asking to confirm "before they leave" would not be
LEFT = "采样人员已离场签到并提交现场采样记录，请尽快核对确认；离场后的确认会被标注。"
NOT_LEFT = "尚未离场签到"
RESUBMITTED = "监测机构已更正并重新提交采样记录，请核对确认。"
OM_SUBMITTED = "运维人员已提交现场运维记录，请于今日 24:00 前核对并签名确认。"
OM_RESUBMITTED = "运维机构已更正并重新提交运维记录，请核对并签名确认。"
ASK_PRESENCE = ("{leader}已在{site}进场签到（{title}：{name}）。您也是本次{title}的人员，请到现场后点击菜单"
                "“现场 → 到场确认”（或回复“到场确认”），再发送您当前的位置，用您本人的微信确认到场。")


def ask_to_confirm(uow, trip: SamplingTrip, invitations: list, resubmitted: bool = False) -> list[OutboundMessage]:
    """A template message to each invited polluter user (a round just opened by services/sampling/confirmations.py),
    linking to that user's own confirmation page of the trip."""
    task = trip.visit.task
    departure = trip.latest_check_in("departure")
    note = RESUBMITTED if resubmitted else (LEFT if departure else SUBMITTED)
    values = {"keyword1": task.name, "keyword2": task.polluter.name,
              "keyword3": "、".join(u.display_name for u in trip.visit.samplers),
              "keyword4": clock.fmt(departure.at) if departure else NOT_LEFT, "keyword5": note}
    return [_send(uow, TRIP_CONFIRM, invitation.openid, invitation.url, trip.id, values) for invitation in invitations]


def ask_to_sign(uow, visit: OmVisit, invitations: list, resubmitted: bool = False) -> list[OutboundMessage]:
    """A template message to each invited polluter user (a round just opened by services/om/om_confirmations.py),
    asking to check and sign the O&M visit's records the same day."""
    plan = visit.plan
    crew = "、".join(sorted({s.filled_by.display_name for s in visit.sheets if s.filled_by})) \
        or (visit.started_by.display_name if visit.started_by else "")
    values = {"keyword1": plan.name, "keyword2": plan.polluter.name, "keyword3": crew,
              "keyword4": clock.fmt(visit.submitted_at), "keyword5": OM_RESUBMITTED if resubmitted else OM_SUBMITTED}
    return [_send(uow, OM_CONFIRM, invitation.openid, invitation.url, None, values) for invitation in invitations]


def tell(uow, openid: str, text: str, trip_id: int | None = None) -> OutboundMessage:
    """A customer-service text (客服消息), e.g. when a photo turns out unusable after the reply was sent."""
    return _queue(uow, "text", openid, trip_id, {"content": text})


def ask_presence(uow, openid: str, leader: str, title: str, name: str, site: str,
                 trip_id: int | None = None) -> OutboundMessage:
    """Ask a crew member to confirm presence from their own WeChat (services/field/presence.py)."""
    return tell(uow, openid, ASK_PRESENCE.format(leader=leader, site=site, title=title, name=name), trip_id)


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
    return _send(uow, template, openid, url, None, values)


def _send(uow, template: Template, openid: str, url: str | None, trip_id: int | None, values: dict) -> OutboundMessage:
    payload = {"template_id": getattr(uow.config, template.key), "data": template.data(**values)}
    if url:
        payload["url"] = url
    return _queue(uow, "template", openid, trip_id, payload)
