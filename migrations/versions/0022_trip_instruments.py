"""仪器: the instruments a trip took to the site (confirmed at arrival) and those that sampled each point

Trips that have not reached the instruments step yet get their schedule's list, as a new trip does.

Revision ID: 0022_trip_instruments
Revises: 0021_transport
"""
import sqlalchemy as sa
from alembic import op

revision = "0022_trip_instruments"
down_revision = "0021_transport"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "trip_instrument",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trip_id", sa.Integer(), nullable=False),
        sa.Column("equipment_id", sa.Integer(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["added_by_id"], ["user_account.id"],
                                name=op.f("fk_trip_instrument_added_by_id_user_account")),
        sa.ForeignKeyConstraint(["equipment_id"], ["equipment.id"],
                                name=op.f("fk_trip_instrument_equipment_id_equipment")),
        sa.ForeignKeyConstraint(["trip_id"], ["sampling_trip.id"], name=op.f("fk_trip_instrument_trip_id_sampling_trip")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trip_instrument")),
        sa.UniqueConstraint("trip_id", "equipment_id", name=op.f("uq_trip_instrument_trip_id")),
    )
    op.create_index(op.f("ix_trip_instrument_trip_id"), "trip_instrument", ["trip_id"], unique=False)
    op.create_index(op.f("ix_trip_instrument_equipment_id"), "trip_instrument", ["equipment_id"], unique=False)
    op.create_table(
        "point_instrument",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trip_id", sa.Integer(), nullable=False),
        sa.Column("point_id", sa.Integer(), nullable=False),
        sa.Column("equipment_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["equipment_id"], ["equipment.id"],
                                name=op.f("fk_point_instrument_equipment_id_equipment")),
        sa.ForeignKeyConstraint(["point_id"], ["monitoring_point.id"],
                                name=op.f("fk_point_instrument_point_id_monitoring_point")),
        sa.ForeignKeyConstraint(["trip_id"], ["sampling_trip.id"],
                                name=op.f("fk_point_instrument_trip_id_sampling_trip")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_point_instrument")),
        sa.UniqueConstraint("trip_id", "point_id", "equipment_id", name=op.f("uq_point_instrument_trip_id")),
    )
    op.create_index(op.f("ix_point_instrument_trip_id"), "point_instrument", ["trip_id"], unique=False)
    op.execute(
        "INSERT INTO trip_instrument (trip_id, equipment_id, added_at) "
        "SELECT t.id, ve.equipment_id, CURRENT_TIMESTAMP FROM sampling_trip t "
        "JOIN visit_equipment ve ON ve.visit_id = t.visit_id "
        "WHERE t.state IN ('new', 'arrival_location', 'arrival_photo')")


def downgrade() -> None:
    op.drop_index(op.f("ix_point_instrument_trip_id"), table_name="point_instrument")
    op.drop_table("point_instrument")
    op.drop_index(op.f("ix_trip_instrument_equipment_id"), table_name="trip_instrument")
    op.drop_index(op.f("ix_trip_instrument_trip_id"), table_name="trip_instrument")
    op.drop_table("trip_instrument")
