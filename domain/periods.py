"""Publicity windows: when a record may be repaired and when it stops being published by itself."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from domain.model import RecordKind, Severity
from domain.policy import Policy


def add_months(start: date, months: int) -> date:
    """The last day of a period of `months` months that starts after `start`.

    民法典 第二百零一条: the starting day is not counted; 第二百零二条: the period ends on the
    corresponding day of the final month, or on that month's last day when it has no such day.
    """
    month_index = start.month - 1 + months
    year = start.year + month_index // 12
    month = month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


@dataclass(frozen=True)
class PublicityWindow:
    min_publicity_end: date
    max_publicity_end: date
    eligible_from: date
    repairable: bool
    rules: tuple[str, ...]


def publicity_window(
    policy: Policy,
    *,
    kind: RecordKind,
    severity: Severity,
    sector: str,
    decided_on: date,
    penalty_types: frozenset[str] = frozenset(),
) -> PublicityWindow:
    """国办发〔2025〕22号 二: minor 0–3 months, general 3–12 months, serious 1–3 years from the decision
    date; a kind may have its own table (abnormal lists are removed once corrected) and sector or
    penalty-type rules lengthen it (the longest applies) or forbid an early end (市场监管总局令第45号 第十四条).
    """
    base = policy.kind_periods.get(kind, {}).get(severity) or policy.periods[severity]
    min_months, max_months, repairable = base.min_months, base.max_months, True
    applied: list[str] = []
    for rule in policy.overrides:
        if not rule.matches(kind, sector, severity, penalty_types):
            continue
        applied.append(rule.name)
        if rule.min_months is not None:
            min_months = max(min_months, rule.min_months)
        if rule.max_months is not None:
            max_months = max(max_months, rule.max_months)
        repairable = repairable and rule.repairable
    max_months = max(max_months, min_months)
    min_end = add_months(decided_on, min_months)
    # A zero minimum (minor records, abnormal lists) means repairable as soon as the obligations are met.
    eligible_from = decided_on if min_months == 0 else min_end + timedelta(days=1)
    return PublicityWindow(
        min_publicity_end=min_end,
        max_publicity_end=add_months(decided_on, max_months),
        eligible_from=eligible_from,
        repairable=repairable,
        rules=tuple(applied),
    )
