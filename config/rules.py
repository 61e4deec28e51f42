"""The province's configuration as domain/ values (policy, authorities, working-day calendar), loaded once
per process: what every service, route and activity decides with."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from config.loader import load_calendar, load_directory, load_policy
from domain.authorities import Directory
from domain.policy import Policy
from domain.workdays import WorkCalendar


@dataclass(frozen=True)
class Rules:
    policy: Policy
    directory: Directory
    config_dir: Path

    @property
    def calendar(self) -> WorkCalendar:
        """The holiday calendar as holidays.yaml says now (a year may be added while the process runs)."""
        return load_calendar(self.config_dir)


@lru_cache
def rules_for(config_dir: Path) -> Rules:
    return Rules(load_policy(config_dir), load_directory(config_dir), config_dir)
