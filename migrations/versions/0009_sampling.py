"""Analysis-only tasks: the client's sampling record (委托方采样记录: who sampled, when, where) and its files;
the laboratory's receipt of a trip's samples (实验室接收: time, temperature on arrival, receiver)

Revision ID: 0009_sampling
Revises: 0008_directory
"""
import sqlalchemy as sa
from alembic import op

revision = "0009_sampling"
down_revision = "0008_directory"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "client_sampling",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("sampled_by", sa.String(length=100), nullable=False),
        sa.Column("sampled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("place", sa.String(length=255), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["user_account.id"],
                                name=op.f("fk_client_sampling_recorded_by_id_user_account")),
        sa.ForeignKeyConstraint(["task_id"], ["monitoring_task.id"],
                                name=op.f("fk_client_sampling_task_id_monitoring_task")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_sampling")),
        sa.UniqueConstraint("task_id", name=op.f("uq_client_sampling_task_id")),
    )
    op.create_table(
        "client_sampling_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["record_id"], ["client_sampling.id"],
                                name=op.f("fk_client_sampling_file_record_id_client_sampling")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_sampling_file")),
    )
    op.create_index(op.f("ix_client_sampling_file_record_id"), "client_sampling_file", ["record_id"], unique=False)
    op.create_table(
        "lab_receipt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trip_id", sa.Integer(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("temperature", sa.Float(), nullable=False),
        sa.Column("received_by", sa.String(length=64), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["user_account.id"],
                                name=op.f("fk_lab_receipt_recorded_by_id_user_account")),
        sa.ForeignKeyConstraint(["trip_id"], ["sampling_trip.id"], name=op.f("fk_lab_receipt_trip_id_sampling_trip")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lab_receipt")),
        sa.UniqueConstraint("trip_id", name=op.f("uq_lab_receipt_trip_id")),
    )


def downgrade() -> None:
    op.drop_table("lab_receipt")
    op.drop_index(op.f("ix_client_sampling_file_record_id"), table_name="client_sampling_file")
    op.drop_table("client_sampling_file")
    op.drop_table("client_sampling")
