"""Demo identities for development (`make run`): a click signs in as an applicant, a counter clerk, two
caseworkers of different authorities, a supervisor or an auditor, so every page can be tried without an
identity provider. Offered only outside production and test: a demo login in production would be a
back door."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from config.settings import Settings
from domain.access import Principal
from domain.model import Role


@dataclass(frozen=True)
class Demo:
    key: str
    label: str
    note: str
    principal: Principal


@lru_cache
def _load(config_dir: Path) -> tuple[Demo, ...]:
    path = config_dir / "demo.yaml"
    if not path.exists():
        return ()
    raw: dict[str, Any] = yaml.safe_load(path.read_text("utf-8")) or {}
    return tuple(Demo(key=d["key"], label=d["label"], note=d.get("note", ""), principal=Principal(
        sub=f"demo-{d['key']}", role=Role(d["role"]), authority=d.get("authority"), subject=d.get("subject"),
        region=d.get("region"), name=d.get("name"))) for d in raw.get("identities", []))


def demo_identities(settings: Settings) -> tuple[Demo, ...]:
    return _load(settings.config_dir) if settings.env == "development" else ()


def find_demo(settings: Settings, key: str) -> Demo | None:
    return next((d for d in demo_identities(settings) if d.key == key), None)


def demo_records(settings: Settings) -> list[dict[str, Any]]:
    path = settings.config_dir / "demo.yaml"
    if settings.env != "development" or not path.exists():
        return []
    return list((yaml.safe_load(path.read_text("utf-8")) or {}).get("records", []))
