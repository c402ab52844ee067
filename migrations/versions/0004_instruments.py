"""Instrument register: when and why an instrument was taken out of service (停用)

Revision ID: 0004_instruments
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004_instruments"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("instrument", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deactivated_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("deactivation_reason", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("instrument", schema=None) as batch_op:
        batch_op.drop_column("deactivation_reason")
        batch_op.drop_column("deactivated_at")
