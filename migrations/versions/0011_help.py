"""帮助中心: the help page the administrator edits, and users' feedback

Revision ID: 0011_help
Revises: 0010_findings
"""
import sqlalchemy as sa
from alembic import op

revision = "0011_help"
down_revision = "0010_findings"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "help_centre",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contacts", sa.Text(), nullable=False),
        sa.Column("guide", sa.Text(), nullable=False),
        sa.Column("faq", sa.JSON(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["updated_by_id"], ["user_account.id"],
                                name=op.f("fk_help_centre_updated_by_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_help_centre")),
    )
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("contact", sa.String(length=64), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reply", sa.Text(), nullable=True),
        sa.Column("handled_by_id", sa.Integer(), nullable=True),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name=op.f("fk_feedback_user_id_user_account")),
        sa.ForeignKeyConstraint(["handled_by_id"], ["user_account.id"],
                                name=op.f("fk_feedback_handled_by_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback")),
    )
    op.create_index("ix_feedback_created_at", "feedback", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_feedback_created_at", table_name="feedback")
    op.drop_table("feedback")
    op.drop_table("help_centre")
