"""运输保存: the storage condition (保存条件) of each plan line and sample, and when a trip's samples left the site

Revision ID: 0021_transport
Revises: 0020_point_positions
"""
import sqlalchemy as sa
from alembic import op

revision = "0021_transport"
down_revision = "0020_point_positions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("plan_item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("storage", sa.String(length=32), nullable=True))
    with op.batch_alter_table("sample", schema=None) as batch_op:
        batch_op.add_column(sa.Column("storage", sa.String(length=32), nullable=True))
    with op.batch_alter_table("sampling_trip", schema=None) as batch_op:
        batch_op.add_column(sa.Column("samples_left_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sampling_trip", schema=None) as batch_op:
        batch_op.drop_column("samples_left_at")
    with op.batch_alter_table("sample", schema=None) as batch_op:
        batch_op.drop_column("storage")
    with op.batch_alter_table("plan_item", schema=None) as batch_op:
        batch_op.drop_column("storage")
