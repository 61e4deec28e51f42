"""numbers of repair decisions (宁市监信修决〔2026〕第12号): one per case, counted per handler and year

Revision ID: 0011
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "decision_counter",
        sa.Column("handler", sa.String(64), primary_key=True),
        sa.Column("year", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
    )
    op.create_table(
        "decision_number",
        sa.Column("case_id", sa.String(32), primary_key=True),
        sa.Column("handler", sa.String(64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("doc_no", sa.String(64), nullable=False),
        sa.Column("allocated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("handler", "year", "seq", name="uq_decision_number_seq"),
    )


def downgrade() -> None:
    op.drop_table("decision_number")
    op.drop_table("decision_counter")
