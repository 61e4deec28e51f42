from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter
from fastapi.responses import FileResponse
from temporalio.client import WorkflowHandle
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy

from api.deps import PrincipalDep, SettingsDep, TemporalDep
from api.errors import PDF, ApiError, refusals
from config.settings import Settings
from contracts.letters import REPAIR_DECISION_WORKFLOW, DecisionLetterInput, decision_workflow_id
from domain.access import Principal
from domain.errors import Code
from domain.transitions import REPAIR_DECIDED, CaseState
from services.db import in_session
from services.temporal import Temporal, made_on_request
from services.visibility import visible_case
from store import letters as store_letters

router = APIRouter(prefix="/api/v1", tags=["cases"])
WAIT_S = 30


@router.get("/cases/{case_id}/decision.pdf", response_class=FileResponse,
            responses={200: PDF, **refusals(Code.NOT_FOUND, Code.NOT_APPROVED, Code.DECISION_NOT_READY,
                                            Code.TEMPORAL_UNAVAILABLE)})
async def decision_pdf(case_id: str, principal: PrincipalDep, settings: SettingsDep,
                       temporal: TemporalDep) -> FileResponse:
    """The repair decision (信用修复决定书) of an approved case, for whoever may see the case (the subject, the
    counter that filed it, the handler, supervisors, auditors). Rendered by the worker on the first request
    and kept; 409 NOT_APPROVED before approval, 503 DECISION_NOT_READY if the worker cannot be reached."""
    return await decision_file(settings, temporal, principal, case_id)


async def start_decision(temporal: Temporal, case_id: str) -> WorkflowHandle[Any, Any]:
    client = await temporal.client()
    return await asyncio.wait_for(client.start_workflow(
        REPAIR_DECISION_WORKFLOW, DecisionLetterInput(case_id=case_id), id=decision_workflow_id(case_id),
        task_queue=temporal.settings.task_queue, id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING), timeout=5)


async def decision_file(settings: Settings, temporal: Temporal, principal: Principal, case_id: str) -> FileResponse:
    _, case = await in_session(settings, lambda s: visible_case(s, principal, case_id))
    if CaseState(case.state) not in REPAIR_DECIDED:
        raise ApiError(Code.NOT_APPROVED)
    letter = await in_session(settings, lambda s: store_letters.get_decision(s, case_id))
    if letter is None:  # the worker renders it (the API renders nothing itself), once per case
        await made_on_request(start_decision(temporal, case_id), WAIT_S, f"decision of {case_id}",
                              Code.DECISION_NOT_READY)
        letter = await in_session(settings, lambda s: store_letters.get_decision(s, case_id))
        if letter is None:
            raise ApiError(Code.DECISION_NOT_READY)
    filename = f"信用修复决定书-{case_id}.pdf"
    return FileResponse(settings.letters_dir / letter.path, media_type="application/pdf", headers={
        "Content-Disposition": f"inline; filename=\"decision-{case_id}.pdf\"; filename*=UTF-8''{quote(filename)}",
        "Cache-Control": "private, no-store"})
