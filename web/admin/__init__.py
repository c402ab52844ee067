"""系统管理: the system administrator's overview of agencies, the polluter directory and accounts."""
from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import select

from models import Agency, Polluter, Role, User
from services.texts.names import ROLE_NAMES
from states.filing import STATE_LABELS
from states.filing_forms import KIND_LABELS
from web.access import role_required
from web.db import db

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")


@bp.get("/")
@role_required(Role.SYSTEM_ADMIN)
def home():
    return render_template(
        "admin/home.html",
        agencies=db().scalars(select(Agency).order_by(Agency.id)).all(),
        polluters=db().scalars(select(Polluter).order_by(Polluter.id)).all(),
        users=db().scalars(select(User).order_by(User.id)).all(),
        kind_names=KIND_LABELS, filing_names=STATE_LABELS, role_names=ROLE_NAMES,
    )
from web.admin import accounts  # noqa: E402,F401  (its routes are on this blueprint)
