"""Findings (异常线索) on sampling trips and O&M visits, with evidence and the reviewer's decision

Revision ID: 0010_findings
Revises: 0009_sampling
"""
import sqlalchemy as sa
from alembic import op

revision = "0010_findings"
down_revision = "0009_sampling"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "finding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trip_id", sa.Integer(), nullable=True),
        sa.Column("om_visit_id", sa.Integer(), nullable=True),
        sa.Column("code", sa.String(length=48), nullable=False),
        sa.Column("instance", sa.String(length=64), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.CheckConstraint("(trip_id IS NULL) <> (om_visit_id IS NULL)", name=op.f("ck_finding_one_subject")),
        sa.ForeignKeyConstraint(["trip_id"], ["sampling_trip.id"], name=op.f("fk_finding_trip_id_sampling_trip")),
        sa.ForeignKeyConstraint(["om_visit_id"], ["om_visit.id"], name=op.f("fk_finding_om_visit_id_om_visit")),
        sa.ForeignKeyConstraint(["decided_by_id"], ["user_account.id"],
                                name=op.f("fk_finding_decided_by_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finding")),
    )
    op.create_index("ix_finding_code", "finding", ["code"])
    op.create_index("ix_finding_status", "finding", ["status"])
    op.create_index("uq_finding_trip", "finding", ["trip_id", "code", "instance"], unique=True,
                    postgresql_where=sa.text("trip_id IS NOT NULL"), sqlite_where=sa.text("trip_id IS NOT NULL"))
    op.create_index("uq_finding_om_visit", "finding", ["om_visit_id", "code", "instance"], unique=True,
                    postgresql_where=sa.text("om_visit_id IS NOT NULL"),
                    sqlite_where=sa.text("om_visit_id IS NOT NULL"))


def downgrade() -> None:
    op.drop_table("finding")
