from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.auth import issue_token
from api.main import create_app
from config.settings import get_settings
from domain.access import Principal
from domain.model import Role
from store.migrate import upgrade


@pytest.fixture(scope="session")
def client():
    settings = get_settings()
    upgrade(settings.db_url)
    with TestClient(create_app()) as c:
        yield c


def token(role: str, sub: str | None = None, **scope: str) -> dict[str, str]:
    p = Principal(sub=sub or f"{role}:{'-'.join(scope.values()) or 'x'}", role=Role(role), **scope)
    return {"Authorization": f"Bearer {issue_token(get_settings(), p)}"}


ADMIN = token("admin")
