"""Findings across O&M visits: a sheet's readings fingerprint and a signature's stroke hash

`om_sheet.readings_key` is kept by the findings engine (a rescan fills it for sheets confirmed before);
`om_confirmation.signature_hash` is taken when the polluter signs.

Revision ID: 0015_rules
Revises: 0014_notices
"""
import sqlalchemy as sa
from alembic import op

revision = "0015_rules"
down_revision = "0014_notices"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("om_sheet", schema=None) as batch_op:
        batch_op.add_column(sa.Column("readings_key", sa.String(length=64), nullable=True))
        batch_op.create_index("ix_om_sheet_readings_key", ["readings_key"])
    with op.batch_alter_table("om_confirmation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("signature_hash", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("om_confirmation", schema=None) as batch_op:
        batch_op.drop_column("signature_hash")
    with op.batch_alter_table("om_sheet", schema=None) as batch_op:
        batch_op.drop_index("ix_om_sheet_readings_key")
        batch_op.drop_column("readings_key")
