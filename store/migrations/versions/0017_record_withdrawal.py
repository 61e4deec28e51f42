"""a record withdrawn because its decision was revoked or annulled (why, on what document, when, by when
every site must have taken it off, when the last did, whether that was late), and the sites'
acknowledgements of deliveries about a record itself

Revision ID: 0017
Revises: 0016
"""
import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("credit_record") as batch:
        batch.add_column(sa.Column("withdrawal_cause", sa.String(32), nullable=True))
        batch.add_column(sa.Column("withdrawal_basis", sa.String(200), nullable=True))
        batch.add_column(sa.Column("withdrawal_reason", sa.String(500), nullable=True))
        batch.add_column(sa.Column("withdrawn_at", TS, nullable=True))
        batch.add_column(sa.Column("withdrawal_due", sa.Date(), nullable=True))
        batch.add_column(sa.Column("withdrawal_done_at", TS, nullable=True))
        batch.add_column(sa.Column("withdrawal_overdue", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "record_delivery",
        sa.Column("id", sa.String(120), primary_key=True),
        sa.Column("record_id", sa.String(32), nullable=False, index=True),
        sa.Column("target", sa.String(32), nullable=False),
        sa.Column("target_name", sa.String(100), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("ack_id", sa.String(64), nullable=False),
        sa.Column("acknowledged_at", TS, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("record_delivery")
    with op.batch_alter_table("credit_record") as batch:
        for name in ("withdrawal_overdue", "withdrawal_done_at", "withdrawal_due", "withdrawn_at",
                     "withdrawal_reason", "withdrawal_basis", "withdrawal_cause"):
            batch.drop_column(name)
