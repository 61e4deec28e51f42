"""Settings that would be unsafe in production are refused at start, not discovered later."""

from __future__ import annotations

import os

import pytest
from pydantic import ValidationError

from config.settings import DEV_SECRET, Settings, get_settings


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


def test_a_year_added_to_holidays_yaml_is_taken_without_a_restart(tmp_path):
    """The README promises that provisional deadlines are recomputed once an operator adds the year: the
    running worker and API must see the file change, not a copy cached at start."""
    import shutil

    from config.loader import load_calendar
    from config.rules import rules_for
    from domain.workdays import statutory_holidays

    config = tmp_path / "config"
    shutil.copytree(get_settings().config_dir, config)
    year = next(y for y in range(2027, 2100) if not load_calendar(config).is_official(y))
    rules = rules_for(config)
    assert not rules.calendar.is_official(year)
    holidays = ", ".join(str(d) for d in sorted(statutory_holidays(year)))
    path = config / "holidays.yaml"
    path.write_text(f"years:\n  {year}:\n    holidays: [{holidays}]\n    makeup_workdays: []\n", encoding="utf-8")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
    assert load_calendar(config).is_official(year)
    assert rules.calendar.is_official(year)
