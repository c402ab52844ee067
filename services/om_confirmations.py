"""The polluter's signed, same-day confirmation of an O&M visit (运维内容确认): the round opened on submission.

As for trips (services/confirmations.py, whose links and token rules are shared): each submission opens one
pending `OmConfirmation` and, per bound polluter user, one single-use expiring link.
"""
from __future__ import annotations

from models import OmConfirmation, OmVisit
from services.confirmations import Invitation, bound_confirmers, issue_link


def open_round(uow, visit: OmVisit) -> list[Invitation]:
    """A new pending confirmation of the visit, with a fresh link for every bound polluter user."""
    confirmation = OmConfirmation(status="pending")
    visit.confirmations.append(confirmation)
    return [Invitation(openid, issue_link(uow, confirmation, user))
            for user, openid in bound_confirmers(uow.session, visit.plan.polluter_id)]


def latest(visit: OmVisit) -> OmConfirmation | None:
    return visit.confirmations[-1] if visit.confirmations else None
