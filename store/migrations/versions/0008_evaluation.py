"""service evaluation (好差评): one rating per application and handling authority

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "evaluation",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("application_id", sa.String(32), nullable=False, index=True),
        sa.Column("handler", sa.String(64), nullable=False, index=True),
        sa.Column("handler_region", sa.String(6), nullable=False, index=True),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("comment", sa.String(500), nullable=False),
        sa.Column("rated_by", sa.String(128), nullable=False),
        sa.Column("rated_by_role", sa.String(16), nullable=False),
        sa.Column("rated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("follow_up_due", sa.Date(), nullable=True),
        sa.UniqueConstraint("application_id", "handler", name="uq_evaluation_application_handler"),
    )
    # the supervision page counts cases per handler and state, and lists the overdue ones
    op.create_index("ix_repair_case_region_handler_state", "repair_case", ["handler_region", "handler", "state"])
    # stage durations join a case's events by action
    op.create_index("ix_case_event_case_action", "case_event", ["case_id", "action"])


def downgrade() -> None:
    op.drop_index("ix_case_event_case_action", "case_event")
    op.drop_index("ix_repair_case_region_handler_state", "repair_case")
    op.drop_table("evaluation")
