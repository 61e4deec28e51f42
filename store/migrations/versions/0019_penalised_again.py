"""the day a later penalty of the same sector fell within a record's publicity period, where its track checks
no_repeat (市场监管总局令第45号 第十四条): the record cannot be repaired early

Revision ID: 0019
Revises: 0018
"""
import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("credit_record") as batch:
        batch.add_column(sa.Column("penalised_again_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("credit_record") as batch:
        batch.drop_column("penalised_again_on")
