"""点位布设: where each point was sampled on a trip, and positions proposed for points that have none

Revision ID: 0020_point_positions
Revises: 0019_finding_placement
"""
import sqlalchemy as sa
from alembic import op

revision = "0020_point_positions"
down_revision = "0019_finding_placement"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "point_location",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trip_id", sa.Integer(), nullable=False),
        sa.Column("point_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.Column("precision_m", sa.Float(), nullable=True),
        sa.Column("label", sa.String(length=255), nullable=True),
        sa.Column("reference", sa.String(length=8), nullable=False),
        sa.Column("reference_latitude", sa.Float(), nullable=False),
        sa.Column("reference_longitude", sa.Float(), nullable=False),
        sa.Column("distance_m", sa.Float(), nullable=False),
        sa.Column("allowed_m", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["point_id"], ["monitoring_point.id"],
                                name=op.f("fk_point_location_point_id_monitoring_point")),
        sa.ForeignKeyConstraint(["trip_id"], ["sampling_trip.id"], name=op.f("fk_point_location_trip_id_sampling_trip")),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name=op.f("fk_point_location_user_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_point_location")),
    )
    op.create_index(op.f("ix_point_location_trip_id"), "point_location", ["trip_id"], unique=False)
    op.create_table(
        "position_proposal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("point_id", sa.Integer(), nullable=False),
        sa.Column("trip_id", sa.Integer(), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["decided_by_id"], ["user_account.id"],
                                name=op.f("fk_position_proposal_decided_by_id_user_account")),
        sa.ForeignKeyConstraint(["point_id"], ["monitoring_point.id"],
                                name=op.f("fk_position_proposal_point_id_monitoring_point")),
        sa.ForeignKeyConstraint(["trip_id"], ["sampling_trip.id"],
                                name=op.f("fk_position_proposal_trip_id_sampling_trip")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_position_proposal")),
    )
    op.create_index(op.f("ix_position_proposal_point_id"), "position_proposal", ["point_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_position_proposal_point_id"), table_name="position_proposal")
    op.drop_table("position_proposal")
    op.drop_index(op.f("ix_point_location_trip_id"), table_name="point_location")
    op.drop_table("point_location")
