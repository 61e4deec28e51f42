from __future__ import annotations

import logging

from fastapi import APIRouter, Response

from api import clock
from api.deps import PrincipalDep, RulesDep, SessionDep
from api.errors import forbidden
from api.intake import register
from api.present import record_public
from api.schemas import RecordCreate, RecordPublic
from domain.access import can_register_record

router = APIRouter(prefix="/api/v1", tags=["records"])
log = logging.getLogger("xiufu.intake")


@router.post("/records", response_model=RecordPublic, status_code=201,
             responses={200: {"description": "already registered with the same body"}})
def create_record(
    payload: RecordCreate, principal: PrincipalDep, rules: RulesDep, session: SessionDep, response: Response
) -> RecordPublic:
    """Register a dishonesty record (integrator of the issuing authority, or admin).

    Idempotent on (issuer, record_no): the same body again answers the same id with 200; another body
    under the same key answers 409."""
    if rules.directory.get(payload.issuer) is not None and not can_register_record(principal, payload.issuer):
        raise forbidden("只有认定单位的对接系统可以登记其作出的失信信息")
    row, created = register(session, rules, principal, payload, clock.today(), clock.now())
    if not created:
        response.status_code = 200
    else:
        log.info("record registered id=%s issuer=%s kind=%s", row.id, row.issuer, row.kind)
    return record_public(row, rules, clock.today())
