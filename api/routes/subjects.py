from __future__ import annotations

from fastapi import APIRouter

from api import clock
from api.deps import PrincipalDep, RulesDep, SessionDep
from api.errors import not_found, refusals
from api.present import record_public
from api.schemas import RecordPublic
from domain.access import can_see_record
from domain.errors import Code
from domain.identifiers import checked_subject
from store import records

router = APIRouter(prefix="/api/v1", tags=["subjects"])


@router.get("/subjects/{key}/records", response_model=list[RecordPublic],
            responses=refusals(Code.NOT_FOUND, Code.FORBIDDEN, Code.INVALID_SUBJECT))
def subject_records(key: str, principal: PrincipalDep, rules: RulesDep, session: SessionDep) -> list[RecordPublic]:
    """Every record of a subject (by USCC, or ID number for a person) with its eligibility today.

    The subject's applicant, a counter, the admin see all; a caseworker sees those routed to their
    authority, a supervisor those in their region; anyone else gets 404."""
    key = checked_subject(key)
    today = clock.today()
    visible = []
    for row in records.of_subject(session, key):
        handler = rules.directory.get(row.handler)
        region = handler.region if handler else ""
        if can_see_record(principal, subject_key=row.subject_key, handler=row.handler, handler_region=region):
            visible.append(record_public(row, rules, today))
    if not visible and principal.subject != key and principal.role.value not in ("admin", "window"):
        raise not_found("该主体的失信信息")
    return visible
