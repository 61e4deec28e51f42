"""The audit trail as an auditor reads it: the steps people took, each with who took it by name, and the
deliveries to the credit websites one row per site with its result, the attempts folded under it.

The history lists a delivery per schedule of the `deliver` activity; sixteen sites and a resync would be
thirty rows of "下发同步" between two decisions. People are named where the platform knows a name: the
name their sign-in gave (a token's or the identity service's `name`, recorded with each Update as
`actor_name`, and with the filing as `filed_by_name`), else the applicant by the subject's name and a
caseworker by the authority they act for (a decision is taken by the handling authority's caseworkers only,
domain/access.can_decide). The account id is shown beside it for the record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from api.schemas import CaseHistory, DeliveryPublic, HistoryEntry
from config.loader import load_targets
from config.settings import Settings
from domain.model import ROLE_LABELS, Role
from store.models import Application

DELIVERY = "delivery_scheduled"
SYNC_ACTIONS = {"repair": "撤下", "shield": "屏蔽", "unshield": "恢复公示"}


@dataclass(frozen=True)
class Person:
    """Who took a step: what people call them, and the account the platform knows them by."""

    name: str
    account: str = ""


@dataclass(frozen=True)
class Step:
    entry: HistoryEntry
    who: Person | None


@dataclass
class Site:
    """One credit website: its latest result and every delivery made to it, oldest first."""

    name: str
    attempts: list[HistoryEntry] = field(default_factory=list)

    @property
    def last(self) -> HistoryEntry:
        return self.attempts[-1]

    @property
    def at(self) -> datetime:
        return self.last.at


@dataclass(frozen=True)
class Trail:
    steps: list[Step]
    sites: list[Site]


def person(entry: HistoryEntry, app: Application | None, handler_name: str) -> Person | None:
    """The name a step's actor goes by: the name their sign-in gave (recorded with the Update, or with the
    filing for the start), else what the platform knows of them (the subject, the authority)."""
    if not entry.actor_role:
        return None
    role = Role(entry.actor_role) if entry.actor_role in Role._value2member_map_ else None
    label = ROLE_LABELS.get(role, entry.actor_role) if role else entry.actor_role
    account = entry.actor or ""
    name = entry.actor_name
    if name is None and app is not None and entry.event_type == "workflow_started" and app.filed_by == account:
        name = app.filed_by_name
    if role is Role.APPLICANT and app is not None:
        return Person(f"{label}：{name or app.subject_name}", account)
    if role is Role.WINDOW:
        return Person(f"{label}：{name}（代办）" if name else f"{label}（代办）", account)
    if role is Role.CASEWORKER:
        return Person(f"{handler_name}{label}：{name}" if name else f"{handler_name}{label}", account)
    return Person(f"{label}：{name}" if name else str(label), account)


def site_order(settings: Settings) -> dict[str, int]:
    """Each site's place in config/targets.yaml: the province's sites, then the cities' in GB/T 2260 order."""
    return {t.code: i for i, t in enumerate(load_targets(settings.config_dir, settings.simulator_url))}


def sites_once(deliveries: list[DeliveryPublic], order: dict[str, int]) -> list[DeliveryPublic]:
    """A case's acknowledgements, one per site (its latest), in the sites' order."""
    latest: dict[str, DeliveryPublic] = {}
    for d in deliveries:
        if d.target not in latest or d.acknowledged_at >= latest[d.target].acknowledged_at:
            latest[d.target] = d
    return sorted(latest.values(), key=lambda d: (order.get(d.target, len(order)), d.target_name))


def readable(trail: CaseHistory, order: dict[str, int], app: Application | None, handler_name: str) -> Trail:
    """The steps (deliveries taken out) and the sites, in the order the province lists its sites."""
    steps: list[Step] = []
    sites: dict[str, Site] = {}
    for entry in trail.events:
        if entry.event_type == DELIVERY and entry.target:
            sites.setdefault(entry.target, Site(entry.target_name or entry.target)).attempts.append(entry)
        else:
            steps.append(Step(entry, person(entry, app, handler_name)))
    shown = sorted(sites.items(), key=lambda item: (order.get(item[0], len(order)), item[1].name))
    return Trail(steps, [site for _, site in shown])
