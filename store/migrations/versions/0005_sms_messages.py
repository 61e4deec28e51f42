"""SMS messages sent through the message centre, with their status

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "sms_message",
        sa.Column("id", sa.String(96), primary_key=True),
        sa.Column("record_id", sa.String(32), nullable=True, index=True),
        sa.Column("purpose", sa.String(32), nullable=False),
        sa.Column("phone", sa.String(20), nullable=False),
        sa.Column("text", sa.String(500), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("provider_id", sa.String(64), nullable=True),
        sa.Column("error", sa.String(500), nullable=True),
        sa.Column("sweep_day", sa.Date(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("sent_at", TS, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("sms_message")
