"""Withdrawing an application, all or nothing: one Update to the ApplicationWorkflow, which passes it on to
every undecided case (workflows/application.py says why it is not one Update per case)."""

from __future__ import annotations

import time

from sqlmodel import Session

from config.settings import Settings
from contracts.application import WITHDRAW_UPDATE, WithdrawInput, application_workflow_id
from domain.access import Principal, can_withdraw
from domain.errors import Code, DomainError, Refusal
from domain.transitions import DECIDED, CaseState
from services.db import in_session
from services.temporal import Temporal, update_workflow
from services.visibility import visible_application
from store import cases as store_cases
from store.models import Application, RepairCase

WITHDRAWN_WAIT_S = 10


async def withdraw(settings: Settings, temporal: Temporal, principal: Principal,
                   application_id: str, reason: str = "") -> tuple[Application, list[RepairCase]]:
    """Every case not yet decided is withdrawn, or none is: if Temporal does not take the Update the
    refusal says that nothing was withdrawn. Answers the application and its cases once each case told has
    taken the withdrawal into the store. The applicant's reason (optional) goes to each case's timeline as
    they gave it; without one the timeline says only that they withdrew."""
    app, cases = await in_session(settings, lambda s: visible_application(s, principal, application_id))
    if not can_withdraw(principal):
        raise DomainError(Code.FORBIDDEN, "只有申请人可以撤回申请")
    if all(CaseState(c.state) in DECIDED for c in cases):
        raise DomainError(Code.CASE_DECIDED, "该申请的事项均已作出决定，不能撤回")
    try:
        told = await update_workflow(temporal, application_workflow_id(app.id), WITHDRAW_UPDATE, WithdrawInput(
            actor=principal.sub, actor_role=principal.role, actor_subject=principal.subject, reason=reason.strip()),
            list[str])
    except DomainError as refused:
        if refused.refusal is Refusal.UNAVAILABLE:
            raise DomainError(refused.code, "流程服务暂不可用，本次撤回未生效（各事项均未撤回），请稍后重试") from None
        raise
    return await in_session(settings, lambda s: _withdrawn(s, app, set(told)))


def _withdrawn(session: Session, app: Application, told: set[str]) -> tuple[Application, list[RepairCase]]:
    """Each case applies the withdrawal in its own next workflow task, moments after the Update: waited for
    here (at most WITHDRAWN_WAIT_S), so the answer shows what the applicant did."""
    deadline = time.monotonic() + WITHDRAWN_WAIT_S
    while True:
        cases = store_cases.cases_of(session, app.id)
        if all(CaseState(c.state) in DECIDED for c in cases if c.id in told) or time.monotonic() > deadline:
            return app, cases
        session.commit()  # a new transaction, so the next read sees what the cases wrote since,
        session.expire_all()  # and fresh rows, not the ones already loaded
        time.sleep(0.1)
