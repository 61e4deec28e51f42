"""the track (修复路径, config/policy.yaml `tracks`) a case was filed on, so its pages count the limits its
workflow counts; older cases keep none and are read on their record's track

Revision ID: 0014
Revises: 0013
"""
import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("repair_case", sa.Column("track", sa.String(64), nullable=True))


def downgrade() -> None:
    op.drop_column("repair_case", "track")
