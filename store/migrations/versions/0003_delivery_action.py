"""sync deliveries carry their action (repair, shield, unshield): a shielded record is taken off the sites
too, and put back if the case ends without a repair

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sync_delivery") as batch:
        batch.add_column(sa.Column("action", sa.String(16), nullable=False, server_default="repair"))
    op.execute(sa.text("UPDATE sync_delivery SET id = id || :suffix").bindparams(suffix=":repair"))


def downgrade() -> None:
    op.execute("DELETE FROM sync_delivery WHERE action <> 'repair'")
    op.execute(sa.text("UPDATE sync_delivery SET id = substr(id, 1, length(id) - 7)"))  # ":repair"
    with op.batch_alter_table("sync_delivery") as batch:
        batch.drop_column("action")
