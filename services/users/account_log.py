"""账户变更记录: every change to an account — who made it, when, to whom, and what — for the administrator.

Never a password or a reset token: `detail` holds only what was changed to what (a role, a scope, a name).
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import AccountEvent, User
from services.texts.names import ROLE_NAMES

ACTIONS = {
    "created": "开通账号",
    "edited": "修改账号",
    "deactivated": "停用账号",
    "reactivated": "重新启用账号",
    "password_changed": "本人修改密码",
    "reset_issued": "管理员重置密码（发放一次性链接）",
    "password_reset": "通过一次性链接设置新密码",
    "wechat_unbound": "解除微信绑定",
}
PAGE = 200
# the log page's words for what `detail` holds
FIELDS = {"role": "角色", "scope": "监管范围", "district": "区", "park_id": "园区编号", "post": "职务",
          "display_name": "姓名", "agency_id": "机构编号", "polluter_id": "排污单位编号",
          "manages_accounts": "账号管理人", "expires_hours": "链接有效（小时）"}
SCOPES = {"city": "全市", "district": "区", "park": "园区"}


def record(db: Session, actor: User | None, user: User, action: str, **detail) -> AccountEvent:
    """Log `action` (a key of ACTIONS) on `user` by `actor` (None: the command line), in the caller's
    transaction, so the change and its record are kept or lost together."""
    assert action in ACTIONS, action
    event = AccountEvent(actor_id=actor.id if actor else None, user_id=user.id, action=action, detail=detail)
    db.add(event)
    return event


def recent(db: Session, user_id: int | None = None) -> list[AccountEvent]:
    """The latest changes, newest first; one account's when `user_id` is given."""
    query = select(AccountEvent).order_by(AccountEvent.id.desc()).limit(PAGE)
    if user_id is not None:
        query = query.where(AccountEvent.user_id == user_id)
    return list(db.scalars(query))


def describe(event: AccountEvent) -> str:
    """The event's detail as the administrator reads it, e.g. 修改前（角色：采样人员）→ 修改后（角色：质量负责人）."""
    detail = dict(event.detail)
    if "before" in detail:
        return f"修改前（{_fields(detail['before'])}）→ 修改后（{_fields(detail['after'])}）"
    return _fields(detail)


def _fields(detail: dict) -> str:
    return "，".join(f"{FIELDS.get(key, key)}：{_value(value)}" for key, value in detail.items())


def _value(value) -> str:
    if isinstance(value, bool) or value is None:
        return {True: "是", False: "否", None: "—"}[value]
    return ROLE_NAMES.get(str(value)) or SCOPES.get(str(value)) or str(value)
