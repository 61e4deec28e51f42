"""materials uploaded with applications and supplements

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "material",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("filename", sa.String(200), nullable=False),
        sa.Column("content_type", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("subject_key", sa.String(18), nullable=False, index=True),
        sa.Column("uploaded_by", sa.String(128), nullable=False, index=True),
        sa.Column("uploaded_role", sa.String(16), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("application_id", sa.String(32), nullable=True, index=True),
        sa.Column("case_id", sa.String(32), nullable=True, index=True),
        sa.Column("record_id", sa.String(32), nullable=True),
        sa.Column("purpose", sa.String(16), nullable=False, server_default="proof"),
    )


def downgrade() -> None:
    op.drop_table("material")
