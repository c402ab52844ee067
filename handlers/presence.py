"""到场确认: a crew member other than the leader confirms, from their own WeChat, that they are on site. The menu
entry (or the typed words) says what they confirm presence on and asks for their location; the location that
follows is their presence check-in (services/field/presence.py). The leader's chat is not touched."""
from __future__ import annotations

from handlers import texts as T
from handlers.turn import Place, Turn
from services.core.refusal import PresenceProblem
from services.field import presence
from services.texts.refusals import say

NAME = "presence"


def start(turn: Turn) -> str:
    """现场 → 到场确认: what is in progress that names the user and another crew member leads; asks for a location."""
    try:
        works = presence.to_confirm(turn.db, turn.user)
    except PresenceProblem as problem:
        return say(problem)
    turn.enter(NAME, waiting="location")
    lines = [T.PRESENCE_WORK.format(title=w.title, name=w.name, site=w.polluter.name, leader=w.leader.display_name)
             for w in works]
    return T.PRESENCE_ASK.format(works="\n".join(lines))


def on_location(turn: Turn, place: Place) -> str:
    """The location asked for: the presence check-in, far from the site recorded and flagged."""
    if place.problem:
        return T.INPUT_PROBLEMS[place.problem]
    turn.leave()
    try:
        work, record = presence.confirm(turn.uow, turn.user, place.latitude, place.longitude, place.precision,
                                        place.label, turn.key)
    except PresenceProblem as problem:
        return say(problem)
    template = T.PRESENCE_RECORDED if record.inside_fence else T.PRESENCE_FAR
    return template.format(title=work.title, name=work.name, distance=f"{record.distance_m:.0f}",
                           radius=work.polluter.fence_radius_m)
