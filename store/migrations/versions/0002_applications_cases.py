"""applications, cases, timeline, sync acknowledgements, notifications

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "application",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("subject_key", sa.String(18), nullable=False, index=True),
        sa.Column("subject_name", sa.String(200), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("filed_by", sa.String(128), nullable=False, index=True),
        sa.Column("filed_by_role", sa.String(16), nullable=False),
        sa.Column("contact_phone", sa.String(20), nullable=False),
        sa.Column("filed_at", TS, nullable=False),
        sa.Column("workflow_started", sa.Boolean(), nullable=False),
        sa.Column("closed_at", TS, nullable=True),
    )
    op.create_table(
        "repair_case",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("application_id", sa.String(32), nullable=False, index=True),
        sa.Column("record_id", sa.String(32), nullable=False, index=True),
        sa.Column("handler", sa.String(64), nullable=False, index=True),
        sa.Column("handler_region", sa.String(6), nullable=False, index=True),
        sa.Column("repair_channel", sa.String(32), nullable=False),
        sa.Column("state", sa.String(32), nullable=False, index=True),
        sa.Column("deadline_kind", sa.String(16), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("provisional", sa.Boolean(), nullable=False),
        sa.Column("overdue", sa.Boolean(), nullable=False),
        sa.Column("shielded", sa.Boolean(), nullable=False),
        sa.Column("extensions_used", sa.Integer(), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_table(
        "case_event",
        sa.Column("id", sa.String(48), primary_key=True),
        sa.Column("case_id", sa.String(32), nullable=False, index=True),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("actor_role", sa.String(16), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("state", sa.String(32), nullable=False),
        sa.Column("message", sa.String(500), nullable=False),
        sa.Column("reason", sa.String(2000), nullable=False),
    )
    op.create_table(
        "sync_delivery",
        sa.Column("id", sa.String(96), primary_key=True),
        sa.Column("case_id", sa.String(32), nullable=False, index=True),
        sa.Column("target", sa.String(32), nullable=False),
        sa.Column("target_name", sa.String(100), nullable=False),
        sa.Column("ack_id", sa.String(64), nullable=False),
        sa.Column("acknowledged_at", TS, nullable=False),
    )
    op.create_table(
        "notification",
        sa.Column("id", sa.String(96), primary_key=True),
        sa.Column("recipient_role", sa.String(16), nullable=False),
        sa.Column("recipient_scope", sa.String(64), nullable=False, index=True),
        sa.Column("case_id", sa.String(32), nullable=True, index=True),
        sa.Column("message", sa.String(500), nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )


def downgrade() -> None:
    for table in ("notification", "sync_delivery", "case_event", "repair_case", "application"):
        op.drop_table(table)
