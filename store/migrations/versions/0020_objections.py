"""objections (异议申诉): what a case asks (repair | objection), what an objection objects to and why, and the
record version an objection's correction made

Revision ID: 0020
Revises: 0019
"""
import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("repair_case") as batch:
        batch.add_column(sa.Column("request", sa.String(length=16), nullable=False, server_default="repair"))
    with op.batch_alter_table("record_version") as batch:
        batch.add_column(sa.Column("case_id", sa.String(length=32), nullable=True))
    op.create_table(
        "objection",
        sa.Column("case_id", sa.String(length=32), primary_key=True),
        sa.Column("record_id", sa.String(length=32), nullable=False),
        sa.Column("ground", sa.String(length=16), nullable=False),
        sa.Column("refused_case_id", sa.String(length=32), nullable=True),
        sa.Column("statement", sa.String(length=1000), nullable=False),
        sa.Column("claimed", sa.JSON(), nullable=False),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_objection_record_id", "objection", ["record_id"])
    op.create_index("ix_objection_refused_case_id", "objection", ["refused_case_id"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_objection_refused_case_id", table_name="objection")
    op.drop_index("ix_objection_record_id", table_name="objection")
    op.drop_table("objection")
    with op.batch_alter_table("record_version") as batch:
        batch.drop_column("case_id")
    with op.batch_alter_table("repair_case") as batch:
        batch.drop_column("request")
