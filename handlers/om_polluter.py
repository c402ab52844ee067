"""污染源运维 for a polluter's confirmer: the O&M visits waiting for its signature, each with a fresh link."""
from __future__ import annotations

from handlers import texts as T
from handlers.turn import Turn
from services.om import om_confirmations
from services.sampling import confirmations


def awaiting(turn: Turn) -> str:
    """The polluter's O&M visits awaiting confirmation, oldest first, with a new single-use link for this user
    (like the one in the template message, which may have expired or been lost)."""
    visits = om_confirmations.awaiting(turn.db, turn.user.polluter_id)
    if not any(om_confirmations.pending(v) for v in visits):
        return T.OM_NONE_AWAITING
    lines = [T.OM_AWAITING_HEAD]
    rounds = [(visit, om_confirmations.pending(visit)) for visit in visits]
    for n, (visit, round_) in enumerate([(v, r) for v, r in rounds if r is not None], 1):
        people = sorted({s.filled_by.display_name for s in visit.sheets if s.filled_by}) or \
            ([visit.started_by.display_name] if visit.started_by else [])
        lines.append(T.OM_AWAITING_LINE.format(
            n=n, plan=visit.plan.name, day=om_confirmations.visit_day(turn.db, visit), people="、".join(people),
            late=T.OM_OVERDUE if om_confirmations.overdue(turn.db, round_) else "",
            url=confirmations.issue_link(turn.uow, round_, turn.user)))
    return "\n".join(lines)
