"""The field-work core (现场工作) shared by the sampling trip (services/sampling/trips.py) and the O&M visit
(services/om/om_visits.py): both fire triggers of their own machine, expect a step, keep an append-only event log,
take photos and check in with a location. What differs — the machine, the domain's refusal, the event model —
is given once per domain as a `Core`.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import object_session
from transitions import MachineError

from models import CheckIn, CheckInKind, OmVisitEvent, Photo, TripEvent, User, clock
from services.core.refusal import OmProblem, Refusal, TripProblem
from services.field import checkins
from states import om_visit, trip
from states.machines import may

# the two check-in steps are named alike in both machines
CHECK_IN_KIND = {"arrival_location": CheckInKind.ARRIVAL, "departure_location": CheckInKind.DEPARTURE}


@dataclass(frozen=True)
class Core:
    """One kind of field visit: `bind` attaches its machine (states/), `refusal` is its domain's refusal and
    `event` its append-only log model (its `__chain_subject__` names the visit's column)."""

    bind: Callable
    refusal: type[Refusal]
    event: type

    def fire(self, row, trigger: str, code: str = "wrong_step") -> None:
        """Fire `trigger` on the row's machine; not allowed from its state, or its guards failing, is the
        domain's refusal `code` — and the row is left as it was."""
        self.bind(row)
        try:
            fired = getattr(row, trigger)()
        except MachineError as exc:
            raise self.refusal(code) from exc
        if not fired:
            raise self.refusal(code)

    def can(self, row, trigger: str) -> bool:
        """Whether `trigger` is allowed from the row's state and its guards pass."""
        self.bind(row)
        return may(row, trigger)

    def expect(self, row, mapping: dict):
        """What the row's current step maps to; a step not in `mapping` is refused as the wrong step."""
        if row.state not in mapping:
            raise self.refusal("wrong_step")
        return mapping[row.state]

    def log(self, row, user: User | None, action: str, key: str | None, **detail) -> None:
        """Append to the visit's event log with the WeChat message key. Added by foreign key: appending to the
        row's events would load the whole log on every message."""
        object_session(row).add(self.event(**{self.event.__chain_subject__: row.id}, at=clock.now(),
                                           actor_id=user.id if user else None, action=action,
                                           detail=_plain(detail), message_key=key))

    def check_in(self, row, user: User, site: tuple, latitude: float, longitude: float, precision: float | None,
                 label: str | None, key: str | None) -> CheckIn:
        """进场/离场签到: record where the crew is; outside the polluter's fence (`site`: the points worked on and
        the polluter) is accepted but flagged."""
        kind = self.expect(row, CHECK_IN_KIND)
        points, polluter = site
        record = checkins.new_check_in(kind, user, latitude, longitude, points, polluter, precision, label)
        row.check_ins.append(record)
        self.fire(row, "check_in")
        self.log(row, user, f"check_in_{kind}", key, distance_m=record.distance_m, inside_fence=record.inside_fence)
        return record

    def cancel(self, row, user: User, key: str | None) -> None:
        """取消: the visit ends unsubmitted; everything recorded on it is kept."""
        self.fire(row, "cancel")
        self.log(row, user, "cancel", key)


TRIP = Core(trip.bind, TripProblem, TripEvent)
OM_VISIT = Core(om_visit.bind, OmProblem, OmVisitEvent)


def add_photo(uow, user: User, media_id: str, pic_url: str | None, live: bool, **owner) -> Photo:
    """A photo sent in chat for `owner` (its trip or visit, purpose, point, sheet); its media is fetched by a job
    after the commit. Added by foreign key: appending to the owner's photos would load every earlier photo."""
    photo = Photo(sent_by_id=user.id, received_at=clock.now(), media_id=media_id, pic_url=pic_url, live=live,
                  **owner)
    uow.session.add(photo)
    uow.session.flush()
    uow.after_commit("services.wechat.jobs.fetch_photo", photo.id)
    return photo


def _plain(detail: dict) -> dict:
    return {k: (str(v) if not isinstance(v, (int, float, bool, list, type(None))) else v) for k, v in detail.items()}
