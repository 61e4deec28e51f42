"""The province's configuration as domain/ values (policy, authorities, working-day calendar), loaded once
per process: what every service, route and activity decides with."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from config.loader import load_calendar, load_directory, load_handling_systems, load_policy
from domain.authorities import Directory
from domain.handling import HandlingSystem
from domain.policy import Policy
from domain.tracks import Track
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

    def track_of(self, kind: str, issuer: str) -> Track:
        """谁认定、谁修复: the track of a record of this kind decided or listed by this authority (its sector)."""
        authority = self.directory.get(issuer)
        return self.policy.track(kind, authority.sector if authority else "")

    def track_of_case(self, track: str | None, kind: str, issuer: str) -> Track:
        """The track a case was filed on (kept with it), or for a case filed before tracks its record's."""
        return (self.policy.track_named(track) if track else None) or self.track_of(kind, issuer)


    def handling_system(self, code: str | None) -> HandlingSystem | None:
        """The vertical system a case is handled in (its name for the pages; the activities resolve its
        address with the simulator's URL: activities/handling.py), or None for the hub's workbench."""
        return next((s for s in load_handling_systems(self.config_dir, "") if s.code == code), None) if code else None

    def handled_in(self, code: str | None) -> dict[str, str]:
        """`handled_in` and `handled_in_name` of a case decided in that system (the workflow's spec, the API's
        case), nothing for the workbench's."""
        system = self.handling_system(code)
        return {"handled_in": system.code, "handled_in_name": system.name} if system else {}


@lru_cache
def rules_for(config_dir: Path) -> Rules:
    rules = Rules(load_policy(config_dir), load_directory(config_dir), config_dir)
    unknown = sorted({t.handled_in for t in rules.policy.all_tracks
                      if t.handled_in and rules.handling_system(t.handled_in) is None})
    if unknown:  # refused at start-up: a case of that track would be handed to nowhere
        raise ValueError(f"config/policy.yaml tracks: handled_in names no system of config/handling.yaml: {unknown}")
    return rules
