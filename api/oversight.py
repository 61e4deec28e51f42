"""Who oversees what: the region a supervision or evaluation query covers, and the ratings of a region
per authority (shared by the evaluation and supervision routes)."""

from __future__ import annotations

from sqlmodel import Session

from api.errors import forbidden
from api.present import authority_name
from api.schemas import AuthorityRatings, EvaluationPublic
from config.rules import Rules
from domain.access import Principal, oversight_region, sees_province
from domain.authorities import region_contains, region_prefix
from domain.errors import Code, DomainError
from domain.evaluation import RATING_LABELS, Rating, is_bad
from store import evaluations as store_evaluations
from store.models import Evaluation


def oversight_scope(principal: Principal, region: str | None) -> tuple[str | None, str | None]:
    """(the region asked for, its GB/T 2260 prefix; None: the whole province). A supervisor sees their
    region and below; auditors and the admin everything; anyone else is refused."""
    if region is not None and not (len(region) == 6 and region.isdigit()):
        raise DomainError(Code.INVALID_REGION)
    own = oversight_region(principal)
    if own is not None:
        if region is not None and not region_contains(own, region):
            raise forbidden("只能查看本辖区的督办信息")
        asked = region or own
        return asked, region_prefix(asked)
    if sees_province(principal):
        return region, region_prefix(region) if region else None
    raise forbidden("只有督办、审计和管理人员可以查看")


def evaluation_public(rules: Rules, row: Evaluation) -> EvaluationPublic:
    level = Rating(row.rating)
    return EvaluationPublic(id=row.id, application_id=row.application_id, handler=row.handler,
                            handler_name=authority_name(rules, row.handler), rating=row.rating,
                            rating_label=RATING_LABELS[level], bad=is_bad(level), comment=row.comment,
                            rated_at=row.rated_at, follow_up_due=row.follow_up_due)


def ratings_by_authority(session: Session, rules: Rules, prefix: str | None,
                         authority: str | None = None) -> list[AuthorityRatings]:
    out = []
    for code, counts in sorted(store_evaluations.counts(session, region_prefix=prefix, authority=authority).items()):
        out.append(AuthorityRatings(
            authority=code, authority_name=authority_name(rules, code),
            counts={int(level): counts.get(int(level), 0) for level in Rating}, total=sum(counts.values()),
            bad=sum(n for level, n in counts.items() if is_bad(Rating(level)))))
    return out
