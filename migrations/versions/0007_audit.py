"""The tamper-evident record: trip and O&M visit events carry the hash of the previous event of the same subject
and their own, existing events chained in the order they were written; the daily root hashes

Revision ID: 0007_audit
Revises: 0006_neardup
"""
import sqlalchemy as sa
from alembic import op

from models.audit import GENESIS, entry_hash
from models.base import UtcDateTime

revision = "0007_audit"
down_revision = "0006_neardup"
branch_labels = None
depends_on = None

CHAINS = (("trip_event", "trip_id"), ("om_visit_event", "visit_id"))
FIELDS = ("at", "actor_id", "action", "detail", "message_key")


def upgrade() -> None:
    for table, subject in CHAINS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
            batch_op.add_column(sa.Column("entry_hash", sa.String(length=64), nullable=True))
        _backfill(table, subject)
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=False)
            batch_op.alter_column("entry_hash", existing_type=sa.String(length=64), nullable=False)
            batch_op.create_unique_constraint(f"uq_{table}_chain", [subject, "prev_hash"])
        op.create_index(op.f(f"ix_{table}_at"), table, ["at"], unique=False)  # the daily root reads a day
    op.create_table(
        "audit_root",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("root", sa.String(length=64), nullable=False),
        sa.Column("chains", sa.Integer(), nullable=False),
        sa.Column("sealed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_audit_root")),
    )


def _backfill(table: str, subject: str) -> None:
    """Chain the events already written, per subject in the order of their ids, as the app links new ones."""
    rows = sa.table(table, sa.column("id"), sa.column(subject), sa.column("at", UtcDateTime()),
                    sa.column("actor_id"), sa.column("action"), sa.column("detail", sa.JSON()),
                    sa.column("message_key"), sa.column("prev_hash"), sa.column("entry_hash"))
    bind = op.get_bind()
    tips: dict[int, str] = {}
    for row in bind.execute(sa.select(rows).order_by(rows.c[subject], rows.c.id)).mappings().all():
        prev = tips.get(row[subject], GENESIS)
        tips[row[subject]] = entry_hash(table, row[subject], {name: row[name] for name in FIELDS}, prev)
        bind.execute(rows.update().where(rows.c.id == row["id"]).values(prev_hash=prev,
                                                                        entry_hash=tips[row[subject]]))


def downgrade() -> None:
    op.drop_table("audit_root")
    for table, _subject in reversed(CHAINS):
        op.drop_index(op.f(f"ix_{table}_at"), table_name=table)
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(f"uq_{table}_chain", type_="unique")
            batch_op.drop_column("entry_hash")
            batch_op.drop_column("prev_hash")
