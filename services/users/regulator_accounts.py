"""管理部门账号: the system administrator opens regulator accounts with their scope (监管范围) — the whole city
(市生态环境局 / 市环境监测中心 / 市环境执法总队), a district (区生态环境局), or an industrial park
(园区管委会: a named set of polluters, `Park`) — and keeps the parks' lists of polluters."""
from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Park, Polluter, Role, User
from services.core.policy import DISTRICT, PARK, SCOPES
from services.core.refusal import Refusal
from services.core.uow import transaction
from services.filing.filings import FormInvalid
from services.users import account_log, accounts
from states.filing_forms import DISTRICTS


class RegulatorField(Refusal):
    """Why a value typed for a regulator's account or a park does not fit."""

    domain = "regulator_form"


@transaction
def open_regulator(db: Session, actor: User, raw: Mapping[str, str]) -> User:
    """A regulator account with its scope; the holder changes the initial password at first sign-in."""
    scope = _scope(db, raw)
    return accounts.create(db, actor, raw.get("username", ""), raw.get("password", ""),
                           display_name=raw.get("display_name", ""), role=Role.REGULATOR, **scope)


@transaction
def change_scope(db: Session, actor: User, user: User, raw: Mapping[str, str]) -> None:
    """A regulator's new scope; logged with the old and the new one."""
    scope = _scope(db, raw)
    before = {"scope": user.scope, "district": user.district, "park_id": user.park_id}
    for key, value in scope.items():
        setattr(user, key, value)
    account_log.record(db, actor, user, "edited", before=before, after=scope)


def _scope(db: Session, raw: Mapping[str, str]) -> dict:
    """{scope, district, park_id} from the form, only the one that fits the scope set. Raises FormInvalid."""
    scope, district, park = raw.get("scope", ""), raw.get("district", ""), raw.get("park_id", "")
    if scope not in SCOPES:
        raise FormInvalid({"scope": RegulatorField("scope")})
    if scope == DISTRICT and district not in DISTRICTS:
        raise FormInvalid({"district": RegulatorField("district")})
    if scope == PARK and not (park.isdigit() and db.get(Park, int(park)) is not None):
        raise FormInvalid({"park_id": RegulatorField("park")})
    return {"scope": scope, "district": district if scope == DISTRICT else None,
            "park_id": int(park) if scope == PARK else None}


def parks(db: Session) -> list[Park]:
    return list(db.scalars(select(Park).order_by(Park.name)))


@transaction
def save_park(db: Session, park: Park | None, name: str, credit_codes: str) -> Park:
    """Create or correct a park: its name and its polluters, by credit code (one per line, or separated by
    commas or spaces). Raises FormInvalid naming the codes the directory does not have."""
    name = (name or "").strip()
    codes = sorted({c.strip().upper() for c in credit_codes.replace(",", " ").replace("，", " ").split() if c})
    errors = {}
    if not name or len(name) > 100:
        errors["name"] = RegulatorField("park_name")
    elif db.scalar(select(Park.id).where(Park.name == name, Park.id != (park.id if park else -1))) is not None:
        errors["name"] = RegulatorField("park_taken")
    members = list(db.scalars(select(Polluter).where(Polluter.credit_code.in_(codes)))) if codes else []
    missing = sorted(set(codes) - {p.credit_code for p in members})
    if missing:
        errors["credit_codes"] = RegulatorField("park_codes", codes="、".join(missing))
    elif not codes:
        errors["credit_codes"] = RegulatorField("park_empty")
    if errors:
        raise FormInvalid(errors)
    park = park or Park(name=name)
    park.name, park.polluters = name, members
    db.add(park)
    db.flush()
    return park
