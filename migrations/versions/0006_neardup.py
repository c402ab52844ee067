"""Near-duplicate photos: a 256-bit DCT hash per photo and the band index it is found by

Photos stored before this revision get their hash and bands from `emss photos rehash`, which reads the
original files (a migration has no media root).

Revision ID: 0006_neardup
Revises: 0005_clock
"""
import sqlalchemy as sa
from alembic import op

revision = "0006_neardup"
down_revision = "0005_clock"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("photo", schema=None) as batch_op:
        batch_op.add_column(sa.Column("dct_hash", sa.String(length=64), nullable=True))
    op.create_table(
        "photo_band",
        sa.Column("photo_id", sa.Integer(), nullable=False),
        sa.Column("band", sa.SmallInteger(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["photo_id"], ["photo.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("photo_id", "band"),
    )
    op.create_index("ix_photo_band_lookup", "photo_band", ["band", "value", "photo_id"])


def downgrade() -> None:
    op.drop_index("ix_photo_band_lookup", table_name="photo_band")
    op.drop_table("photo_band")
    with op.batch_alter_table("photo", schema=None) as batch_op:
        batch_op.drop_column("dct_hash")
