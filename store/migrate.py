"""Alembic migrations run programmatically, so `make run`, the tests and a deployment job share one path."""

from __future__ import annotations

import sys
from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)


if __name__ == "__main__":  # python -m store.migrate [URL]
    from config.settings import get_settings

    upgrade(sys.argv[1] if len(sys.argv) > 1 else get_settings().db_url)
