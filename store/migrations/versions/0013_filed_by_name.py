"""the filer's name (a counter clerk's, from their sign-in) kept with the application, so the receipt names
the person who handled it rather than a login id; older applications keep none and the receipt says so

Revision ID: 0013
Revises: 0012
"""
import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("application", sa.Column("filed_by_name", sa.String(64), nullable=True))


def downgrade() -> None:
    op.drop_column("application", "filed_by_name")
