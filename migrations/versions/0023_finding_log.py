"""异常线索记录: each trip's and O&M visit's findings log (raised, withdrawn, decided), hash-chained

Revision ID: 0023_finding_log
Revises: 0022_trip_instruments
"""
import sqlalchemy as sa
from alembic import op

revision = "0023_finding_log"
down_revision = "0022_trip_instruments"
branch_labels = None
depends_on = None

SUBJECTS = (("trip_finding_log", "trip_id", "sampling_trip"), ("om_finding_log", "visit_id", "om_visit"))


def upgrade() -> None:
    for table, subject, parent in SUBJECTS:
        op.create_table(
            table,
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("actor_id", sa.Integer(), nullable=True),
            sa.Column("action", sa.String(length=16), nullable=False),
            sa.Column("code", sa.String(length=48), nullable=False),
            sa.Column("instance", sa.String(length=64), nullable=False),
            sa.Column("detail", sa.JSON(), nullable=False),
            sa.Column("prev_hash", sa.String(length=64), nullable=False),
            sa.Column("entry_hash", sa.String(length=64), nullable=False),
            sa.Column(subject, sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint(["actor_id"], ["user_account.id"], name=op.f(f"fk_{table}_actor_id_user_account")),
            sa.ForeignKeyConstraint([subject], [f"{parent}.id"], name=op.f(f"fk_{table}_{subject}_{parent}")),
            sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
            sa.UniqueConstraint(subject, "prev_hash", name=f"uq_{table}_chain"),
        )
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(batch_op.f(f"ix_{table}_at"), ["at"], unique=False)
            batch_op.create_index(batch_op.f(f"ix_{table}_{subject}"), [subject], unique=False)


def downgrade() -> None:
    for table, _subject, _parent in SUBJECTS:
        op.drop_table(table)
