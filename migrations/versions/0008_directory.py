"""The polluter directory (名录库): each polluter's industry, its self-monitoring scheme (自行监测方案) per point,
and the log of changes to a directory entry (imports and corrections by hand)

Revision ID: 0008_directory
Revises: 0007_audit
"""
import sqlalchemy as sa
from alembic import op

revision = "0008_directory"
down_revision = "0007_audit"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("polluter", schema=None) as batch_op:
        batch_op.add_column(sa.Column("industry", sa.String(length=100), nullable=True))
    op.create_table(
        "scheme_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("point_id", sa.Integer(), nullable=False),
        sa.Column("factor", sa.String(length=64), nullable=False),
        sa.Column("times", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("method_standard", sa.String(length=200), nullable=False),
        sa.Column("sampling", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["point_id"], ["monitoring_point.id"],
                                name=op.f("fk_scheme_item_point_id_monitoring_point")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheme_item")),
        sa.UniqueConstraint("point_id", "factor", name=op.f("uq_scheme_item_point_id")),
    )
    op.create_table(
        "directory_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("polluter_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["user_account.id"],
                                name=op.f("fk_directory_change_actor_id_user_account")),
        sa.ForeignKeyConstraint(["polluter_id"], ["polluter.id"],
                                name=op.f("fk_directory_change_polluter_id_polluter")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_directory_change")),
    )
    op.create_index(op.f("ix_directory_change_polluter_id"), "directory_change", ["polluter_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_directory_change_polluter_id"), table_name="directory_change")
    op.drop_table("directory_change")
    op.drop_table("scheme_item")
    with op.batch_alter_table("polluter", schema=None) as batch_op:
        batch_op.drop_column("industry")
