"""An application (申请, ApplicationWorkflow): one per filing, one RepairCaseWorkflow child per record named."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from contracts.case import CaseSpec, Limits
from domain.model import Role

APPLICATION_WORKFLOW = "ApplicationWorkflow"
WITHDRAW_UPDATE = "withdraw"  # to ApplicationWorkflow: the whole application at once
PLAN_UPDATE = "plan_outcome"  # to ApplicationWorkflow: how a restructuring plan ended, passed to every case


def application_workflow_id(application_id: str) -> str:
    return f"application-{application_id}"


class ApplicationInput(BaseModel):
    application_id: str
    subject_key: str
    channel: str
    filed_by: str
    filed_by_role: Role
    filed_at: datetime
    limits: Limits
    cases: list[CaseSpec]
    query_code: str = ""  # 查询码 (domain/query_code.py); empty in histories recorded before it


class WithdrawInput(BaseModel):
    """The applicant (or the counter that filed) withdraws the application: every case not yet decided."""

    actor: str
    actor_role: Role
    actor_subject: str | None = None
    reason: str = ""
