"""The daily figures as one region sees them: a city supervisor reads the stock and the reminders of the
authorities in their city and below, never the province's totals."""

from __future__ import annotations

from typing import Any

from domain.authorities import region_prefix


class NotScoped(Exception):
    """A snapshot kept before the figures were broken down per authority: it cannot be cut to a region."""


def _add(into: dict[str, int], more: dict[str, int]) -> None:
    for key, n in more.items():
        into[key] = into.get(key, 0) + n


def figures_within(figures: dict[str, Any], region: str) -> dict[str, Any]:
    """The province's snapshot cut to `region` and below, in the same shape (`sweep` keeps only what can
    be attributed: the records past their maximum with unfulfilled obligations in the region)."""
    per = figures.get("per_authority")
    if per is None:
        raise NotScoped(region)
    prefix = region_prefix(region)
    mine = {code: f for code, f in per.items() if code.startswith(prefix)}
    by_kind: dict[str, int] = {}
    by_severity: dict[str, int] = {}
    by_city: dict[str, int] = {}
    for code, f in mine.items():
        _add(by_kind, f["by_kind"])
        _add(by_severity, f["by_severity"])
        _add(by_city, {f"{code[:4]}00": f["stock"]})
    sweep = figures.get("sweep", {})
    issuers = sweep.get("max_reached_unfulfilled_issuers", {})
    unfulfilled = [rid for rid in sweep.get("max_reached_unfulfilled_ids", []) if
                   issuers.get(rid, "").startswith(prefix)]
    return {
        "day": figures.get("day"),
        "region": region,
        "per_authority": mine,
        "stock": {"total": sum(f["stock"] for f in mine.values()), "by_kind": by_kind, "by_severity": by_severity,
                  "by_authority": {code: f["stock"] for code, f in mine.items() if f["stock"]}, "by_city": by_city},
        "increment": sum(f["increment"] for f in mine.values()),
        "becoming_eligible": sum(f["becoming_eligible"] for f in mine.values()),
        "reminded": sum(f["reminded"] for f in mine.values()),
        "applied_after_reminder": sum(f["applied_after_reminder"] for f in mine.values()),
        "sweep": {"max_reached_unfulfilled": len(unfulfilled), "max_reached_unfulfilled_ids": unfulfilled},
    }
