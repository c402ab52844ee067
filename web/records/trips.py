"""行程列表: the agency's own trips with filters (date range, polluter, state, fence flag) and Excel export."""
from __future__ import annotations

from models import Role
from web.access import role_required
from web.records.blueprint import bp
from web.records.listing import trip_list


@bp.get("/trips")
@role_required(Role.AGENCY_ADMIN)
def trips():
    return trip_list("records/trips.html", "采样行程列表", "trips", with_agency=False)
