"""bankruptcy restructuring and settlement (破产重整、和解): the court's ruling an application is filed with, and how
the court later said the plan ended

Revision ID: 0021
Revises: 0020
"""
import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "restructuring",
        sa.Column("application_id", sa.String(length=32), primary_key=True),
        sa.Column("subject_key", sa.String(length=18), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("court", sa.String(length=64), nullable=False),
        sa.Column("ruling_no", sa.String(length=100), nullable=False),
        sa.Column("ruled_on", sa.Date(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("outcome_ruling_no", sa.String(length=100), nullable=True),
        sa.Column("outcome_on", sa.Date(), nullable=True),
        sa.Column("outcome_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome_by", sa.String(length=128), nullable=True),
    )
    op.create_index("ix_restructuring_subject_key", "restructuring", ["subject_key"])


def downgrade() -> None:
    op.drop_index("ix_restructuring_subject_key", table_name="restructuring")
    op.drop_table("restructuring")
