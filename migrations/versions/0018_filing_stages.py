"""Filing in two stages, 备案基本信息 and 二审基本信息, each with its own versions and review; a review's round
(first or second reviewer) is no longer called its stage

Each filing version today carried both the basic information and the snapshot and was approved twice. It becomes
the basic-information version (its snapshot moved out), and a 二审 version with the same number, state, times
and reviews is made from its snapshot: an agency in force stays in force on both stages, one under review is
under review on both, with the rounds already decided.

Revision ID: 0018_filing_stages
Revises: 0017_accounts
"""
import sqlalchemy as sa
from alembic import op

revision = "0018_filing_stages"
down_revision = "0017_accounts"
branch_labels = None
depends_on = None

filing = sa.table(
    "filing", sa.column("id", sa.Integer), sa.column("agency_id", sa.Integer), sa.column("stage", sa.String),
    sa.column("version", sa.Integer), sa.column("state", sa.String), sa.column("basic", sa.JSON),
    sa.column("snapshot", sa.JSON), sa.column("submitted_at", sa.DateTime(timezone=True)),
    sa.column("decided_at", sa.DateTime(timezone=True)), sa.column("created_at", sa.DateTime(timezone=True)))
review = sa.table(
    "filing_review", sa.column("id", sa.Integer), sa.column("filing_id", sa.Integer),
    sa.column("reviewer_id", sa.Integer), sa.column("round", sa.String), sa.column("decision", sa.String),
    sa.column("reason", sa.Text), sa.column("at", sa.DateTime(timezone=True)))
COPIED = ("agency_id", "version", "state", "submitted_at", "decided_at", "created_at")


def upgrade() -> None:
    with op.batch_alter_table("filing_review", schema=None) as batch_op:
        batch_op.alter_column("stage", new_column_name="round", existing_type=sa.String(length=16),
                              existing_nullable=False)
    with op.batch_alter_table("filing", schema=None) as batch_op:
        batch_op.add_column(sa.Column("stage", sa.String(length=16), nullable=False, server_default="basic"))
        batch_op.drop_constraint("uq_filing_agency_id", type_="unique")
        batch_op.create_unique_constraint("uq_filing_agency_id", ["agency_id", "stage", "version"])
    with op.batch_alter_table("filing", schema=None) as batch_op:
        batch_op.alter_column("stage", server_default=None, existing_type=sa.String(length=16),
                              existing_nullable=False)
    connection = op.get_bind()
    reviews = connection.execute(sa.select(review).order_by(review.c.id)).mappings().all()
    for row in connection.execute(sa.select(filing).order_by(filing.c.id)).mappings().all():
        copy = connection.execute(filing.insert().values(
            stage="resources", basic={}, snapshot=row["snapshot"] or {}, **{name: row[name] for name in COPIED})
            .returning(filing.c.id)).scalar_one()
        for decided in (r for r in reviews if r["filing_id"] == row["id"]):
            connection.execute(review.insert().values(filing_id=copy, **{
                name: decided[name] for name in ("reviewer_id", "round", "decision", "reason", "at")}))
        connection.execute(filing.update().where(filing.c.id == row["id"]).values(snapshot={}))


def downgrade() -> None:
    """Back to one version carrying both: each basic-information version takes the snapshot of the 二审 version
    with its number (二审 versions without a basic-information twin are lost)."""
    connection = op.get_bind()
    rows = connection.execute(sa.select(filing).where(filing.c.stage == "resources")).mappings().all()
    for row in rows:
        connection.execute(filing.update().where(
            filing.c.stage == "basic", filing.c.agency_id == row["agency_id"], filing.c.version == row["version"])
            .values(snapshot=row["snapshot"]))
    resources = sa.select(filing.c.id).where(filing.c.stage == "resources")
    connection.execute(review.delete().where(review.c.filing_id.in_(resources)))
    connection.execute(filing.delete().where(filing.c.stage == "resources"))
    with op.batch_alter_table("filing", schema=None) as batch_op:
        batch_op.drop_constraint("uq_filing_agency_id", type_="unique")
        batch_op.create_unique_constraint("uq_filing_agency_id", ["agency_id", "version"])
        batch_op.drop_column("stage")
    with op.batch_alter_table("filing_review", schema=None) as batch_op:
        batch_op.alter_column("round", new_column_name="stage", existing_type=sa.String(length=16),
                              existing_nullable=False)
