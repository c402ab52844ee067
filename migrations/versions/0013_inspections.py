"""双随机、一公开: spot-check draws, inspections, their verdicts on findings and their attachments

Revision ID: 0013_inspections
Revises: 0012_source_accounts
"""
import sqlalchemy as sa
from alembic import op

revision = "0013_inspections"
down_revision = "0012_source_accounts"
branch_labels = None
depends_on = None

ONE_SUBJECT = " + ".join(f"CAST({c} IS NOT NULL AS INTEGER)"
                         for c in ("agency_id", "polluter_id", "trip_id", "om_visit_id")) + " = 1"


def upgrade() -> None:
    op.create_table(
        "spot_check_draw",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("filters", sa.JSON(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("weighted", sa.Boolean(), nullable=False),
        sa.Column("seed", sa.String(length=64), nullable=False),
        sa.Column("population", sa.JSON(), nullable=False),
        sa.Column("picks", sa.JSON(), nullable=False),
        sa.Column("drawn_by_id", sa.Integer(), nullable=False),
        sa.Column("drawn_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["drawn_by_id"], ["user_account.id"],
                                name=op.f("fk_spot_check_draw_drawn_by_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spot_check_draw")),
    )
    op.create_table(
        "inspection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inspected_on", sa.Date(), nullable=False),
        sa.Column("inspectors", sa.String(length=200), nullable=False),
        sa.Column("subject_kind", sa.String(length=16), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("polluter_id", sa.Integer(), nullable=True),
        sa.Column("trip_id", sa.Integer(), nullable=True),
        sa.Column("om_visit_id", sa.Integer(), nullable=True),
        sa.Column("draw_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(ONE_SUBJECT, name=op.f("ck_inspection_one_subject")),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"], name=op.f("fk_inspection_agency_id_agency")),
        sa.ForeignKeyConstraint(["polluter_id"], ["polluter.id"], name=op.f("fk_inspection_polluter_id_polluter")),
        sa.ForeignKeyConstraint(["trip_id"], ["sampling_trip.id"], name=op.f("fk_inspection_trip_id_sampling_trip")),
        sa.ForeignKeyConstraint(["om_visit_id"], ["om_visit.id"], name=op.f("fk_inspection_om_visit_id_om_visit")),
        sa.ForeignKeyConstraint(["draw_id"], ["spot_check_draw.id"],
                                name=op.f("fk_inspection_draw_id_spot_check_draw")),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["user_account.id"],
                                name=op.f("fk_inspection_recorded_by_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection")),
    )
    op.create_table(
        "inspection_verdict",
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("finding_id", sa.Integer(), nullable=False),
        sa.Column("verdict", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(["inspection_id"], ["inspection.id"],
                                name=op.f("fk_inspection_verdict_inspection_id_inspection")),
        sa.ForeignKeyConstraint(["finding_id"], ["finding.id"], name=op.f("fk_inspection_verdict_finding_id_finding")),
        sa.PrimaryKeyConstraint("inspection_id", "finding_id", name=op.f("pk_inspection_verdict")),
    )
    op.create_table(
        "inspection_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=255), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.ForeignKeyConstraint(["inspection_id"], ["inspection.id"],
                                name=op.f("fk_inspection_file_inspection_id_inspection")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_file")),
    )
    op.create_index("ix_inspection_file_inspection_id", "inspection_file", ["inspection_id"])


def downgrade() -> None:
    op.drop_index("ix_inspection_file_inspection_id", table_name="inspection_file")
    for table in ("inspection_file", "inspection_verdict", "inspection", "spot_check_draw"):
        op.drop_table(table)
