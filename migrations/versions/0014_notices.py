"""Notices on the desk (站内通知) and the regulator's urging notices (督促)

Revision ID: 0014_notices
Revises: 0013_inspections
"""
import sqlalchemy as sa
from alembic import op

revision = "0014_notices"
down_revision = "0013_inspections"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "urging",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sent_by_id", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("polluter_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("subjects", sa.JSON(), nullable=False),
        sa.Column("reply", sa.Text(), nullable=True),
        sa.Column("replied_by_id", sa.Integer(), nullable=True),
        sa.Column("replied_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["sent_by_id"], ["user_account.id"], name=op.f("fk_urging_sent_by_id_user_account")),
        sa.ForeignKeyConstraint(["replied_by_id"], ["user_account.id"],
                                name=op.f("fk_urging_replied_by_id_user_account")),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"], name=op.f("fk_urging_agency_id_agency")),
        sa.ForeignKeyConstraint(["polluter_id"], ["polluter.id"], name=op.f("fk_urging_polluter_id_polluter")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_urging")),
    )
    op.create_table(
        "notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("cause", sa.String(length=128), nullable=False),
        sa.Column("title", sa.String(length=64), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("link", sa.String(length=255), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("urging_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name=op.f("fk_notice_user_id_user_account")),
        sa.ForeignKeyConstraint(["urging_id"], ["urging.id"], name=op.f("fk_notice_urging_id_urging")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice")),
        sa.UniqueConstraint("user_id", "cause", name="uq_notice_user_cause"),
    )
    op.create_index("ix_notice_user_id", "notice", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_notice_user_id", table_name="notice")
    op.drop_table("notice")
    op.drop_table("urging")
