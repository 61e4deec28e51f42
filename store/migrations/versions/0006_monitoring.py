"""daily monitoring figures, and the indexes the daily sweep selects by

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "daily_figure",
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
    )
    # the sweep asks "in publicity, becoming eligible between two days" and "in publicity, past the maximum"
    op.create_index("ix_credit_record_state_eligible", "credit_record", ["state", "eligible_from", "id"])
    op.create_index("ix_credit_record_state_max_end", "credit_record", ["state", "max_publicity_end", "id"])
    op.create_index("ix_sms_message_purpose_day", "sms_message", ["purpose", "sweep_day"])


def downgrade() -> None:
    op.drop_index("ix_sms_message_purpose_day", "sms_message")
    op.drop_index("ix_credit_record_state_max_end", "credit_record")
    op.drop_index("ix_credit_record_state_eligible", "credit_record")
    op.drop_table("daily_figure")
