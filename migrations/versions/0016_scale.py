"""Indexes for the desk's lists at city scale: the scope's joins (task → polluter's district, visit → task),
the trip lists' order (visit day), the rows' relations (check-ins, confirmations, crews) and the ranking of
open findings per subject

Revision ID: 0016_scale
Revises: 0015_rules
"""
from alembic import op

revision = "0016_scale"
down_revision = "0015_rules"
branch_labels = None
depends_on = None

# (index, table, columns)
INDEXES = (
    ("ix_polluter_district", "polluter", ["district"]),
    ("ix_monitoring_task_polluter_id", "monitoring_task", ["polluter_id"]),
    ("ix_monitoring_task_agency_id", "monitoring_task", ["agency_id"]),
    ("ix_visit_task_id", "visit", ["task_id"]),
    ("ix_visit_day", "visit", ["day", "id"]),
    ("ix_visit_sampler_user_id", "visit_sampler", ["user_id"]),
    ("ix_sampling_trip_state", "sampling_trip", ["state"]),
    ("ix_check_in_trip_id", "check_in", ["trip_id"]),
    ("ix_confirmation_trip_id", "confirmation", ["trip_id"]),
    ("ix_om_plan_polluter_id", "om_plan", ["polluter_id"]),
    ("ix_om_visit_due_on", "om_visit", ["due_on"]),
    ("ix_finding_status_trip", "finding", ["status", "trip_id"]),
    ("ix_finding_status_om_visit", "finding", ["status", "om_visit_id"]),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
