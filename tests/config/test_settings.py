"""Settings that would be unsafe in production are refused at start, not discovered later."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from config.settings import DEV_SECRET, Settings


def test_production_refuses_the_development_secret_even_with_an_external_token_issuer():
    with pytest.raises(ValidationError, match="XIUFU_SECRET_KEY"):
        Settings(env="production")
    # the secret also signs page sessions and CSRF tokens: an external issuer does not make it unneeded
    with pytest.raises(ValidationError, match="page sessions"):
        Settings(env="production", jwt_public_key="-----BEGIN PUBLIC KEY-----", jwt_algorithm="RS256")
    assert Settings(env="production", secret_key="a-real-secret").secret_key != DEV_SECRET


def test_development_and_test_run_with_the_default_secret():
    assert Settings(env="development").secret_key == DEV_SECRET
    assert Settings(env="test").secret_key == DEV_SECRET
