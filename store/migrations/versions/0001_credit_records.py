"""credit records

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "credit_record",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("issuer", sa.String(64), nullable=False),
        sa.Column("record_no", sa.String(128), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("subject_key", sa.String(18), nullable=False),
        sa.Column("subject_kind", sa.String(16), nullable=False),
        sa.Column("subject_name", sa.String(200), nullable=False),
        sa.Column("contact_phone", sa.String(20), nullable=True),
        sa.Column("penalty_types", sa.JSON(), nullable=False),
        sa.Column("fine_amount", sa.Numeric(16, 2), nullable=True),
        sa.Column("summary", sa.String(2000), nullable=True),
        sa.Column("obligations_fulfilled", sa.Boolean(), nullable=True),
        sa.Column("min_publicity_end", sa.Date(), nullable=False),
        sa.Column("max_publicity_end", sa.Date(), nullable=False),
        sa.Column("eligible_from", sa.Date(), nullable=False),
        sa.Column("repairable", sa.Boolean(), nullable=False),
        sa.Column("repair_channel", sa.String(32), nullable=False),
        sa.Column("handler", sa.String(64), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("open_case_id", sa.String(32), nullable=True),
        sa.Column("body_hash", sa.String(64), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("registered_by", sa.String(128), nullable=False),
        sa.Column("repaired_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("issuer", "record_no", name="uq_credit_record_issuer_no"),
    )
    for column in ("issuer", "subject_key", "max_publicity_end", "eligible_from", "handler", "state"):
        op.create_index(f"ix_credit_record_{column}", "credit_record", [column])


def downgrade() -> None:
    op.drop_table("credit_record")
