"""the query code (查询码) of each application, the ten digits a person reads out (domain/query_code.py);
applications filed before it get one here

Revision ID: 0012
Revises: 0011
"""
import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from domain.query_code import new_query_code

    op.add_column("application", sa.Column("query_code", sa.String(10), nullable=True))
    op.create_index("ix_application_query_code", "application", ["query_code"], unique=True)
    bind = op.get_bind()
    taken: set[str] = set()
    for (app_id,) in bind.execute(sa.text("select id from application where query_code is null")).fetchall():
        code = new_query_code()
        while code in taken:
            code = new_query_code()
        taken.add(code)
        bind.execute(sa.text("update application set query_code = :c where id = :i"), {"c": code, "i": app_id})


def downgrade() -> None:
    op.drop_index("ix_application_query_code", table_name="application")
    op.drop_column("application", "query_code")
