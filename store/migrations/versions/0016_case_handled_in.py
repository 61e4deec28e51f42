"""the vertical system (config/handling.yaml) a case was handed to, whose caseworkers decide it there (None
for a case decided on the workbench, as every case filed before this was), and on each event the system's
own id of the decision it records

Revision ID: 0016
Revises: 0015
"""
import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("repair_case", sa.Column("handled_in", sa.String(32), nullable=True))
    op.add_column("case_event", sa.Column("external_id", sa.String(128), nullable=False, server_default=""))


def downgrade() -> None:
    op.drop_column("case_event", "external_id")
    op.drop_column("repair_case", "handled_in")
