"""Each finding records where its subject stands — the day, the agency and the polluter of its trip's task or
O&M visit's plan — with indexes for the ranked desk, so a city's findings are scoped and ranked without joining
every trip; existing findings are filled from their subjects. And a person's check-ins by time, which the
findings engine reads for the same crew's other work around a visit (overlaps, travel speed)

Revision ID: 0019_finding_placement
Revises: 0018_filing_stages
"""
import sqlalchemy as sa
from alembic import op

revision = "0019_finding_placement"
down_revision = "0018_filing_stages"
branch_labels = None
depends_on = None

COLUMNS = ("day", "agency_id", "polluter_id")
INDEXES = (("ix_finding_status_polluter", ["status", "polluter_id", "day"]),
           ("ix_finding_status_agency", ["status", "agency_id", "day"]))


def upgrade() -> None:
    with op.batch_alter_table("finding", schema=None) as batch_op:
        batch_op.add_column(sa.Column("day", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("agency_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("polluter_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(op.f("fk_finding_agency_id_agency"), "agency", ["agency_id"], ["id"])
        batch_op.create_foreign_key(op.f("fk_finding_polluter_id_polluter"), "polluter", ["polluter_id"], ["id"])
    # UPDATE ... FROM: PostgreSQL, and SQLite since 3.33
    op.execute("UPDATE finding SET day = v.day, agency_id = k.agency_id, polluter_id = k.polluter_id "
               "FROM sampling_trip t JOIN visit v ON v.id = t.visit_id JOIN monitoring_task k ON k.id = v.task_id "
               "WHERE t.id = finding.trip_id")
    op.execute("UPDATE finding SET day = o.due_on, agency_id = p.agency_id, polluter_id = p.polluter_id "
               "FROM om_visit o JOIN om_plan p ON p.id = o.plan_id WHERE o.id = finding.om_visit_id")
    with op.batch_alter_table("finding", schema=None) as batch_op:
        for column in COLUMNS:
            batch_op.alter_column(column, nullable=False)
    for name, columns in INDEXES:
        op.create_index(name, "finding", columns)
    op.create_index("ix_check_in_user_id_at", "check_in", ["user_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_check_in_user_id_at", table_name="check_in")
    for name, _ in reversed(INDEXES):
        op.drop_index(name, table_name="finding")
    with op.batch_alter_table("finding", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_finding_polluter_id_polluter"), type_="foreignkey")
        batch_op.drop_constraint(op.f("fk_finding_agency_id_agency"), type_="foreignkey")
        for column in reversed(COLUMNS):
            batch_op.drop_column(column)
