"""谁认定、谁修复: every record goes to the authority that decided it, through the right channel."""

from __future__ import annotations

from dataclasses import dataclass

from domain.authorities import Authority, Directory
from domain.errors import Code, DomainError
from domain.model import RecordKind, RepairChannel, Sector
from domain.policy import PenaltyHandler, Policy


@dataclass(frozen=True)
class Routing:
    channel: RepairChannel
    handler: str  # authority code


def route(policy: Policy, directory: Directory, *, kind: RecordKind, issuer: Authority) -> Routing:
    """Seed plan 二(四) and 三(三)–(五):
    - market-regulation records (penalties, abnormal lists) go through the publicity system, decided by the
      market-regulation authority that made them;
    - other departments' penalties enter through Credit China (Jiangsu); the deciding authority handles them
      (国办发〔2025〕22号), or development and reform of the same level where the province keeps the 2024 rule;
    - abnormal lists: market regulation or natural resources, whoever listed; serious lists: the listing unit.
    """
    if issuer.sector == Sector.MARKET_REGULATION:
        return Routing(RepairChannel.GSXT_JS, issuer.code)
    if kind is RecordKind.ABNORMAL_LIST and not _lists_abnormal(policy, issuer.sector):
        raise DomainError(Code.ABNORMAL_LIST_ISSUER,
            f"{issuer.name}不是经营异常名录的认定单位（仅市场监管、自然资源部门可列入）",
        )
    handler = issuer.code
    if kind is RecordKind.PENALTY and policy.penalty_handler is PenaltyHandler.CREDIT_CENTRE:
        centre = directory.find(sector=Sector.DEVELOPMENT_REFORM, region=issuer.region)
        if centre is not None:
            handler = centre.code
    return Routing(RepairChannel.CREDITCHINA_JS, handler)


def _lists_abnormal(policy: Policy, sector: str) -> bool:
    """Whether the sector lists businesses as abnormal: it has an abnormal-list track (config/policy.yaml)."""
    return any(t.kind is RecordKind.ABNORMAL_LIST and (sector in t.sectors or not t.sectors)
               for t in policy.all_tracks)
