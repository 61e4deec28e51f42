"""Finding an application by its query code (查询码) for a person at a counter, whichever channel they filed
through: the code names the application, the last four digits of its contact phone check that the person
is the one who gave it. Both are asked for together and a mismatch reads as "not found", so trying codes
tells nothing about which exist; every lookup is logged (who asked, which application), never the phone."""

from __future__ import annotations

import logging

from sqlmodel import Session

from domain.access import Principal, can_look_up_by_query_code
from domain.errors import Code, DomainError
from domain.query_code import normalised
from store import cases as store_cases
from store.models import Application

PHONE_TAIL = 4
log = logging.getLogger("xiufu.lookup")


def look_up(session: Session, principal: Principal, query_code: str, phone_tail: str) -> Application:
    if not can_look_up_by_query_code(principal):
        raise DomainError(Code.FORBIDDEN, "只有政务服务中心窗口可以凭查询码查询申请")
    code = normalised(query_code)
    if code is None:
        raise DomainError(Code.INVALID_QUERY_CODE)
    tail = phone_tail.strip()
    if len(tail) != PHONE_TAIL or not tail.isascii() or not tail.isdigit():
        raise DomainError(Code.INVALID_PHONE_TAIL)
    app = store_cases.by_query_code(session, code)
    if app is None or not app.contact_phone.endswith(tail):
        log.info("query code lookup by %s: no match", principal.sub)
        raise DomainError(Code.QUERY_NOT_MATCHED)
    log.info("query code lookup by %s: application %s", principal.sub, app.id)
    return app
