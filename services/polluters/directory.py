"""The administrator's desk on the polluter directory (名录库): finding an entry and correcting it by hand, each
correction logged with who and when (the import logs its own changes: services/polluters/directory_import.py)."""
from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from models import DirectoryChange, Polluter
from services.core.uow import transaction
from services.polluters.directory_file import POLLUTERS, polluter_values
from services.polluters.directory_view import differences

PAGE = 100
# what the correction form edits: the polluter's own fields (its credit code is its key and stays)
EDITABLE = ("name", "district", "address", "industry", "latitude", "longitude", "datum", "fence_radius_m")


def search(db: Session, text: str = "", district: str = "") -> list[Polluter]:
    """Up to PAGE polluters whose name or credit code contains `text`, in `district` when given."""
    query = select(Polluter).order_by(Polluter.district, Polluter.name).limit(PAGE)
    if text:
        pattern = f"%{text.replace('%', '').replace('_', '')}%"
        query = query.where(or_(Polluter.name.like(pattern), Polluter.credit_code.like(pattern.upper())))
    if district:
        query = query.where(Polluter.district == district)
    return list(db.scalars(query))


def districts(db: Session) -> list[str]:
    return list(db.scalars(select(Polluter.district).distinct().order_by(Polluter.district)))


@transaction
def correct(db: Session, polluter: Polluter, form: dict[str, str], actor_id: int) -> list[tuple[str, str, str]]:
    """Apply the corrected fields (checked as an import checks a row: RowProblem says why not); the differences,
    logged as one change when there are any."""
    raw = {field: (form.get(field) or "").strip() for field in EDITABLE}
    _key, values = polluter_values({**raw, "credit_code": polluter.credit_code})
    changes = differences(POLLUTERS, {c: getattr(polluter, c) for c in values}, values)
    if changes:
        for column, value in values.items():
            setattr(polluter, column, value)
        db.add(DirectoryChange(polluter_id=polluter.id, actor_id=actor_id, source="correction",
                               detail={label: [old, new] for label, old, new in changes}))
        db.flush()
    return changes
