"""the issuer's confirmation, after registration, that a record's obligations are fulfilled (a fine paid
later): the day and who confirmed it, so the application asks for no proof and the record says why

Revision ID: 0015
Revises: 0014
"""
import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("credit_record", sa.Column("obligations_confirmed_on", sa.Date(), nullable=True))
    op.add_column("credit_record", sa.Column("obligations_confirmed_by", sa.String(128), nullable=True))


def downgrade() -> None:
    op.drop_column("credit_record", "obligations_confirmed_by")
    op.drop_column("credit_record", "obligations_confirmed_on")
