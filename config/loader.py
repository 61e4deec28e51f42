"""Reads the YAML files of config/ into the plain values domain/ works with.

Kept apart from domain/ so that the rules stay pure functions and a province edits data, not code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from domain.authorities import Authority, Directory
from domain.handling import HandlingSystem
from domain.materials import UploadRules
from domain.model import RecordKind, Severity
from domain.policy import PenaltyHandler, PeriodOverride, PeriodRule, Policy, TimeLimits
from domain.tracks import KNOWN_CHECKS, OBJECTION_KEY, RESTRUCTURING_KEY, DecisionFrom, Track, TrackLimits
from domain.workdays import WorkCalendar, YearCalendar


def _read(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as f:
        return yaml.safe_load(f) or {}


def _rule(raw: dict[str, Any]) -> PeriodRule:
    return PeriodRule(min_months=int(raw["min_months"]), max_months=int(raw["max_months"]))


def parse_policy(raw: dict[str, Any]) -> Policy:
    overrides = tuple(
        PeriodOverride(
            name=o["name"],
            kinds=frozenset(RecordKind(k) for k in o.get("kinds", [])),
            sectors=frozenset(o.get("sectors", [])),
            severities=frozenset(Severity(s) for s in o.get("severities", [])),
            penalty_types=frozenset(o.get("penalty_types", [])),
            min_months=o.get("min_months"),
            max_months=o.get("max_months"),
            repairable=bool(o.get("repairable", True)),
            source=o.get("source", ""),
        )
        for o in raw.get("overrides", [])
    )
    routing = raw.get("routing", {})
    return Policy(
        periods={Severity(k): _rule(v) for k, v in raw["periods"].items()},
        kind_periods={
            RecordKind(kind): {Severity(s): _rule(v) for s, v in table.items()}
            for kind, table in raw.get("kind_periods", {}).items()
        },
        overrides=overrides,
        time_limits=TimeLimits(**raw.get("time_limits", {})),
        penalty_handler=PenaltyHandler(routing.get("penalty_handler", "issuer")),
        abnormal_list_sectors=frozenset(routing.get("abnormal_list_sectors", ["market_regulation"])),
        penalty_types=frozenset(raw.get("penalty_types", [])),
        uploads=_uploads(raw.get("materials", {})),
        tracks=_tracks(raw.get("tracks", [])),
        **{key: _request_track(raw[key], key) for key in (OBJECTION_KEY, RESTRUCTURING_KEY) if key in raw},
    )


def _track(t: dict[str, Any], kind: RecordKind | None) -> Track:
    return Track(
        key=t["key"], name=t["name"], kind=kind, sectors=frozenset(t.get("sectors", [])),
        limits=TrackLimits(**{**t.get("limits", {}),
                              "decision_from": DecisionFrom(t.get("limits", {}).get("decision_from", "acceptance"))}),
        decision_name=t.get("decision_name", "信用修复决定书"), conditions=tuple(t.get("conditions", [])),
        materials=tuple(t.get("materials", [])), proof=t.get("proof", "已履行法定责任和义务的凭证"),
        basis=t.get("basis", ""), source=t.get("source", ""),
        confidence=t.get("confidence", "to verify"), handled_in=t.get("handled_in", ""),
        checks=frozenset(t.get("checks", [])))


def _request_track(raw: dict[str, Any], key: str) -> Track:
    """The track of a request other than a repair (objection: 异议申诉; restructuring: 破产重整、和解): limits,
    materials and wording, for records of every kind; decided on xiufu's workbench, checking nothing beyond
    the request's own rules (domain/objection.py, domain/restructuring.py)."""
    track = _track({"key": key, **raw}, None)
    if track.key != key or track.handled_in or track.checks or track.sectors:
        raise ValueError(f"config/policy.yaml {key}: its key is {key}; no handled_in, checks or sectors")
    return track


def _tracks(raw: list[dict[str, Any]]) -> tuple[Track, ...]:
    """Each track as written, refused at start-up when a key repeats or two tracks claim one kind and sector
    (which would make the choice depend on the order of the file)."""
    tracks = tuple(_track(t, RecordKind(t["kind"])) for t in raw)
    for own in (OBJECTION_KEY, RESTRUCTURING_KEY):
        if own in {t.key for t in tracks}:
            raise ValueError(f"config/policy.yaml tracks: the key {own} is a request's own (its own section)")
    unknown = sorted({c for t in tracks for c in t.checks} - KNOWN_CHECKS)
    if unknown:
        raise ValueError(f"config/policy.yaml tracks: unknown checks {unknown} (known: {sorted(KNOWN_CHECKS)})")
    keys = [t.key for t in tracks]
    claims = [(t.kind, sector) for t in tracks for sector in (t.sectors or {"*"})]
    if len(set(keys)) != len(keys):
        raise ValueError("config/policy.yaml tracks: a key repeats")
    if len(set(claims)) != len(claims):
        raise ValueError("config/policy.yaml tracks: two tracks claim the same kind and sector")
    return tracks


def _uploads(raw: dict[str, Any]) -> UploadRules:
    default = UploadRules()
    return UploadRules(max_bytes=int(raw.get("max_mb", default.max_bytes // (1024 * 1024))) * 1024 * 1024,
                       types=tuple(raw.get("types", default.types)),
                       unattached_kept_days=int(raw.get("unattached_kept_days", default.unattached_kept_days)))


def parse_calendar(raw: dict[str, Any]) -> WorkCalendar:
    years = {
        int(year): YearCalendar(
            year=int(year),
            holidays=frozenset(_as_date(d) for d in spec.get("holidays", [])),
            makeup_workdays=frozenset(_as_date(d) for d in spec.get("makeup_workdays", [])),
        )
        for year, spec in (raw.get("years") or {}).items()
    }
    return WorkCalendar(years)


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


@dataclass(frozen=True)
class SyncTarget:
    code: str
    name: str
    base_url: str
    # whose records the site shows (domain/reconciliation.shows): all | sector:<sector> | region:<code>
    shows: str = "all"


@lru_cache
def load_policy(config_dir: Path) -> Policy:
    return parse_policy(_read(config_dir / "policy.yaml"))


# The 文号代字 of a repair decision, when authorities.yaml gives an authority no `doc_prefix`: the short name
# of its city (the province's for its own authorities), its sector's abbreviation, then 信修决 (信用修复决定).
# 苏 is the province's: Suzhou's authorities take 苏州, so that no two authorities print the same number.
REGION_SHORT_NAMES = {
    "320000": "苏", "320100": "宁", "320200": "锡", "320300": "徐", "320400": "常", "320500": "苏州", "320600": "通",
    "320700": "连", "320800": "淮", "320900": "盐", "321000": "扬", "321100": "镇", "321200": "泰", "321300": "宿",
}
SECTOR_ABBREVIATIONS = {
    "market_regulation": "市监", "tax": "税", "development_reform": "发改", "natural_resources": "自然资源",
    "court": "法", "transport": "交通", "emergency_management": "应急", "data": "数据",
    "ecology_environment": "环", "housing_construction": "住建",
}
DOC_PREFIX_SUFFIX = "信修决"


def derived_doc_prefix(sector: str, region: str) -> str:
    """宁市监信修决 for Nanjing's market regulation, 苏税信修决 for the province's tax bureau. A county
    authority derives its city's prefix, which its city's authority of the sector has already: it names its
    own `doc_prefix` (parse_directory refuses two authorities with one prefix)."""
    city = region if region.endswith("0000") else region[:4] + "00"
    if city not in REGION_SHORT_NAMES or sector not in SECTOR_ABBREVIATIONS:
        raise ValueError(f"no doc_prefix can be derived for sector {sector} in region {region}: "
                         "give the authority a doc_prefix in authorities.yaml")
    return REGION_SHORT_NAMES[city] + SECTOR_ABBREVIATIONS[sector] + DOC_PREFIX_SUFFIX


def _authority(raw: dict[str, Any]) -> Authority:
    region = str(raw["region"])
    return Authority(code=raw["code"], name=raw["name"], sector=raw["sector"], region=region, level=raw["level"],
                     doc_prefix=raw.get("doc_prefix") or derived_doc_prefix(raw["sector"], region))


def parse_directory(raw: dict[str, Any]) -> Directory:
    """The authorities, each with its decisions' prefix. Two authorities with one prefix would print the same
    number on two different decisions (each counts its own from 1): refused here, at start."""
    authorities = [_authority(a) for a in raw["authorities"]]
    holders: dict[str, list[str]] = {}
    for a in authorities:
        holders.setdefault(a.doc_prefix, []).append(a.code)
    shared = {prefix: codes for prefix, codes in holders.items() if len(codes) > 1}
    if shared:
        raise ValueError(f"authorities share a doc_prefix, give each its own in authorities.yaml: {shared}")
    return Directory(authorities, region_names={str(code): name for code, name in raw.get("regions", {}).items()})


@lru_cache
def load_directory(config_dir: Path) -> Directory:
    return parse_directory(_read(config_dir / "authorities.yaml"))


def load_calendar(config_dir: Path) -> WorkCalendar:
    """Read again whenever holidays.yaml changes: an operator adds a year's official calendar (国务院办公厅
    publishes it each November) and the running processes take it at their next look (a case's provisional
    deadline is rechecked daily and recomputed), with no restart."""
    path = config_dir / "holidays.yaml"
    return _calendar(path, path.stat().st_mtime_ns)


@lru_cache(maxsize=4)
def _calendar(path: Path, _changed: int) -> WorkCalendar:
    return parse_calendar(_read(path))


def load_targets(config_dir: Path, simulator_url: str) -> tuple[SyncTarget, ...]:
    raw = _read(config_dir / "targets.yaml")
    return tuple(
        SyncTarget(t["code"], t["name"], t["base_url"].replace("{simulator}", simulator_url.rstrip("/")),
                   str(t.get("shows", "all")))
        for t in raw["targets"]
    )


@lru_cache
def load_handling_systems(config_dir: Path, simulator_url: str) -> tuple[HandlingSystem, ...]:
    """The vertical systems of config/handling.yaml (none when the file is absent)."""
    path = config_dir / "handling.yaml"
    raw = _read(path) if path.exists() else {}
    return tuple(HandlingSystem(s["code"], s["name"], s["base_url"].replace("{simulator}", simulator_url.rstrip("/")))
                 for s in raw.get("systems") or [])


@lru_cache
def load_letter_texts(config_dir: Path) -> dict[str, Any]:
    """The wording of the repair reminder letter (config/letters.yaml), as the template reads it."""
    return _read(config_dir / "letters.yaml")


@lru_cache
def load_monitoring(config_dir: Path) -> dict[str, Any]:
    """The daily sweep's settings (config/monitoring.yaml)."""
    return _read(config_dir / "monitoring.yaml")
