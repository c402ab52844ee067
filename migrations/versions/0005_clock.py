"""Scenarios: every agency, polluter, scheduled sampling visit and O&M visit may carry an external reference
(`ref`, a scenario's key); an O&M visit keeps its scheduled window; regulators' API tokens, stored hashed

Revision ID: 0005_clock
Revises: 0004_instruments
"""
import sqlalchemy as sa
from alembic import op

revision = "0005_clock"
down_revision = "0004_instruments"
branch_labels = None
depends_on = None

REFERENCED = ("agency", "polluter", "visit", "om_visit")


def upgrade() -> None:
    for table in REFERENCED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("ref", sa.String(length=64), nullable=True))
            batch_op.create_unique_constraint(op.f(f"uq_{table}_ref"), ["ref"])
    with op.batch_alter_table("om_visit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("starts", sa.Time(), nullable=True))
        batch_op.add_column(sa.Column("ends", sa.Time(), nullable=True))
    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name=op.f("fk_api_token_user_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_token_token_hash")),
    )
    op.create_index(op.f("ix_api_token_user_id"), "api_token", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_api_token_user_id"), table_name="api_token")
    op.drop_table("api_token")
    with op.batch_alter_table("om_visit", schema=None) as batch_op:
        batch_op.drop_column("ends")
        batch_op.drop_column("starts")
    for table in reversed(REFERENCED):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f"uq_{table}_ref"), type_="unique")
            batch_op.drop_column("ref")
