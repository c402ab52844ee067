"""Accounts for every role: regulator scopes and industrial parks, staff roles, the polluter's account managers,
session epochs, forced password changes, one-time reset links and the account log

Revision ID: 0017_accounts
Revises: 0016_scale
"""
import sqlalchemy as sa
from alembic import op

revision = "0017_accounts"
down_revision = "0016_scale"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "park",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_park")),
        sa.UniqueConstraint("name", name=op.f("uq_park_name")),
    )
    op.create_table(
        "park_member",
        sa.Column("park_id", sa.Integer(), nullable=False),
        sa.Column("polluter_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["park_id"], ["park.id"], name=op.f("fk_park_member_park_id_park")),
        sa.ForeignKeyConstraint(["polluter_id"], ["polluter.id"], name=op.f("fk_park_member_polluter_id_polluter")),
        sa.PrimaryKeyConstraint("park_id", "polluter_id", name=op.f("pk_park_member")),
    )
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("scope", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("park_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("post", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("manages_accounts", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("session_epoch", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("must_change_password", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.create_foreign_key(op.f("fk_user_account_park_id_park"), "park", ["park_id"], ["id"])
    # today's regulators: the district they were given, and those with none oversee the whole city (the pages
    # told them "全部辖区"); today any polluter user could add colleagues, so each keeps managing them
    op.execute("UPDATE user_account SET scope = 'district' WHERE role = 'regulator' AND district IS NOT NULL")
    op.execute("UPDATE user_account SET scope = 'city' WHERE role = 'regulator' AND district IS NULL")
    op.execute("UPDATE user_account SET manages_accounts = TRUE WHERE role = 'polluter_confirmer'")
    op.create_table(
        "account_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["user_account.id"], name=op.f("fk_account_event_actor_id_user_account")),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name=op.f("fk_account_event_user_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_event")),
    )
    op.create_index(op.f("ix_account_event_user_id"), "account_event", ["user_id"], unique=False)
    op.create_table(
        "password_reset",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name=op.f("fk_password_reset_user_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_password_reset")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_password_reset_token_hash")),
    )
    op.create_index(op.f("ix_password_reset_user_id"), "password_reset", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_table("password_reset")
    op.drop_table("account_event")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_user_account_park_id_park"), type_="foreignkey")
        for column in ("must_change_password", "session_epoch", "manages_accounts", "post", "park_id", "scope"):
            batch_op.drop_column(column)
    op.drop_table("park_member")
    op.drop_table("park")
