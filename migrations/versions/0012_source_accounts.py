"""Polluters' accounts verified by the city's pollution-source system (污染源综合管理信息系统)

Revision ID: 0012_source_accounts
Revises: 0011_help
"""
import sqlalchemy as sa
from alembic import op

revision = "0012_source_accounts"
down_revision = "0011_help"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("user_account") as table:
        table.add_column(sa.Column("auth_source", sa.String(length=24), nullable=False, server_default="local"))


def downgrade() -> None:
    with op.batch_alter_table("user_account") as table:
        table.drop_column("auth_source")
