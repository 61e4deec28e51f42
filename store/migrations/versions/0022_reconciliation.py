"""对账 (issue 12): each site's reconciliation per run, the site's export staged for the comparison, the
differences found and what was done about them; the body of each delivery kept, to send it again under the
same key

Revision ID: 0022
Revises: 0021
"""
import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("sync_delivery", "record_delivery"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("payload", sa.JSON(), nullable=True))
    op.create_table(
        "reconciliation",
        sa.Column("id", sa.String(length=120), primary_key=True),
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("target", sa.String(length=32), nullable=False),
        sa.Column("target_name", sa.String(length=100), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cursor", sa.String(length=32), nullable=True),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("shown", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("compared_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("redelivered", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("refused", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.String(length=300), nullable=False, server_default=""),
    )
    op.create_index("ix_reconciliation_run_id", "reconciliation", ["run_id"])
    op.create_index("ix_reconciliation_day", "reconciliation", ["day"])
    op.create_table(
        "site_view",
        sa.Column("run_id", sa.String(length=64), primary_key=True),
        sa.Column("target", sa.String(length=32), primary_key=True),
        sa.Column("record_id", sa.String(length=64), primary_key=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sqlite_with_rowid=False,  # staged a million rows at a time: the key is the table
    )
    if op.get_bind().dialect.name == "postgresql":
        # no key on PostgreSQL: a million rows are copied in with no index to keep, and the comparison hashes
        # them (store/reconciliation.stage never stages a row twice)
        op.execute("ALTER TABLE site_view DROP CONSTRAINT site_view_pkey")
    op.create_table(
        "sync_difference",
        sa.Column("id", sa.String(length=170), primary_key=True),
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("target", sa.String(length=32), nullable=False),
        sa.Column("record_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("hub_state", sa.String(length=16), nullable=True),
        sa.Column("hub_version", sa.Integer(), nullable=True),
        sa.Column("site_version", sa.Integer(), nullable=True),
        sa.Column("delivery_key", sa.String(length=170), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=True),
        sa.Column("ack_id", sa.String(length=64), nullable=True),
        sa.Column("found_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.String(length=300), nullable=False, server_default=""),
    )
    op.create_index("ix_sync_difference_run_id", "sync_difference", ["run_id"])
    op.create_index("ix_sync_difference_target_record", "sync_difference", ["target", "record_id"])


def downgrade() -> None:
    op.drop_index("ix_sync_difference_target_record", table_name="sync_difference")
    op.drop_index("ix_sync_difference_run_id", table_name="sync_difference")
    op.drop_table("sync_difference")
    op.drop_table("site_view")
    op.drop_index("ix_reconciliation_day", table_name="reconciliation")
    op.drop_index("ix_reconciliation_run_id", table_name="reconciliation")
    op.drop_table("reconciliation")
    for table in ("record_delivery", "sync_delivery"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("payload")
