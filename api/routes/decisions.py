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
from domain.model import RequestKind
from domain.transitions import WITH_DECISION, CaseState
from services.db import in_session
from services.temporal import Temporal, made_on_request
from services.visibility import visible_case
from store import letters as store_letters
from store import records as store_records

router = APIRouter(prefix="/api/v1", tags=["cases"])
WAIT_S = 30


@router.get("/cases/{case_id}/decision.pdf", response_class=FileResponse,
            responses={200: PDF, **refusals(Code.NOT_FOUND, Code.NOT_APPROVED, Code.DECISION_NOT_READY,
                                            Code.TEMPORAL_UNAVAILABLE)})
async def decision_pdf(case_id: str, principal: PrincipalDep, settings: SettingsDep,
                       temporal: TemporalDep) -> FileResponse:
    """The repair decision (信用修复决定书) of an approved case, or an objection's decision (异议处理决定书) once it
    is decided (kept, corrected, or approved), for whoever may see the case (the subject, the counter that
    filed it, the handler, supervisors, auditors). Rendered by the worker on the first request and kept; 409
    NOT_APPROVED before then, 503 DECISION_NOT_READY if the worker cannot be reached."""
    return await decision_file(settings, temporal, principal, case_id)


async def start_decision(temporal: Temporal, case_id: str) -> WorkflowHandle[Any, Any]:
    client = await temporal.client()
    return await asyncio.wait_for(client.start_workflow(
        REPAIR_DECISION_WORKFLOW, DecisionLetterInput(case_id=case_id), id=decision_workflow_id(case_id),
        task_queue=temporal.settings.task_queue, id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING), timeout=5)


async def decision_file(settings: Settings, temporal: Temporal, principal: Principal, case_id: str) -> FileResponse:
    _, case = await in_session(settings, lambda s: visible_case(s, principal, case_id))
    if CaseState(case.state) not in WITH_DECISION:
        raise ApiError(Code.NOT_APPROVED)
    letter, record = await in_session(settings, lambda s: (store_letters.get_decision(s, case_id),
                                                           store_records.get(s, case.record_id)))
    if letter is None:  # the worker renders it (the API renders nothing itself), once per case
        await made_on_request(start_decision(temporal, case_id), WAIT_S, f"decision of {case_id}",
                              Code.DECISION_NOT_READY)
        letter = await in_session(settings, lambda s: store_letters.get_decision(s, case_id))
        if letter is None:
            raise ApiError(Code.DECISION_NOT_READY)
    title = "异议处理决定书" if case.request == RequestKind.OBJECTION else "信用修复决定书"
    return FileResponse(settings.letters_dir / letter.path, media_type="application/pdf", headers={
        "Content-Disposition": attachment(case_id, record.record_no if record else "", title),
        "Cache-Control": "private, no-store"})


UNSAFE_IN_NAMES = str.maketrans({c: "-" for c in '/\\\r\n"'})


def attachment(case_id: str, record_no: str, title: str = "信用修复决定书") -> str:
    """Saved, not opened in the tab (the page's link says 下载), under the record's number people know:
    信用修复决定书-宁税罚〔2026〕701号.pdf, percent-encoded in `filename*` (RFC 6266, RFC 8187), with an ASCII
    `filename` for the clients that read only that one. A slash or backslash in a record number is no folder."""
    name = title + (f"-{record_no.translate(UNSAFE_IN_NAMES)}" if record_no else "") + ".pdf"
    return f"attachment; filename=\"decision-{case_id}.pdf\"; filename*=UTF-8''{quote(name, safe='')}"
