from __future__ import annotations

import uuid
from datetime import UTC, datetime

from api.deps import rules_for
from api.intake import register
from api.schemas import RecordCreate
from config.settings import get_settings
from contracts.application import ApplicationInput
from contracts.case import CaseSpec, Limits
from domain.access import Principal
from domain.model import Role
from store import cases as store_cases
from store.db import engine_for, session_scope
from store.models import Application, RepairCase
from tests import factories


def file_application(n_records: int = 1, issuers: tuple[str, ...] = ("320100-transport",),
                     filed_at: datetime | None = None) -> ApplicationInput:
    """Registers records and files an application for them in the store, as the API does."""
    rules = rules_for(get_settings().config_dir)
    subject = factories.uscc()
    admin = Principal("admin", Role.ADMIN)
    now = filed_at or datetime.now(UTC)
    app_id = "app_" + uuid.uuid4().hex[:16]
    specs = []
    with session_scope(engine_for(get_settings().db_url)) as session:
        rows = []
        for i in range(n_records):
            body = factories.record_body(issuer=issuers[i % len(issuers)], decided_on="2026-01-05",
                                         subject={"uscc": subject, "name": "测试有限公司"})
            row, _ = register(session, rules, admin, RecordCreate(**body), now.date(), now)
            rows.append(row)
        cases = []
        for row in rows:
            case_id = "case_" + uuid.uuid4().hex[:16]
            handler = rules.directory.get(row.handler)
            cases.append(RepairCase(id=case_id, application_id=app_id, record_id=row.id, handler=row.handler,
                                    handler_region=handler.region, repair_channel=row.repair_channel,
                                    state="pending_acceptance", updated_at=now))
            specs.append(CaseSpec(case_id=case_id, record_id=row.id, record_no=row.record_no, record_kind=row.kind,
                                  handler=row.handler, handler_region=handler.region,
                                  repair_channel=row.repair_channel))
        store_cases.file_application(session, Application(
            id=app_id, subject_key=subject, subject_name="测试有限公司", channel="online", filed_by="applicant:t",
            filed_by_role="applicant", contact_phone="13812345678", filed_at=now), cases)
    return ApplicationInput(application_id=app_id, subject_key=subject, channel="online", filed_by="applicant:t",
                            filed_by_role=Role.APPLICANT, filed_at=now, limits=Limits(), cases=specs)


async def start_application(client, queue: str, inp: ApplicationInput):  # type: ignore[no-untyped-def]
    """Starts the ApplicationWorkflow and waits until each case workflow it starts answers a query (the
    parent starts its children at once, but not before this returns)."""
    import asyncio

    from contracts.application import application_workflow_id
    from contracts.case import case_workflow_id
    from workflows.application import ApplicationWorkflow

    handle = await client.start_workflow(ApplicationWorkflow.run, inp, id=application_workflow_id(inp.application_id),
                                         task_queue=queue)
    cases = [client.get_workflow_handle(case_workflow_id(c.case_id)) for c in inp.cases]
    for case in cases:
        for _ in range(100):
            try:
                await case.query("progress")
                break
            except Exception:  # noqa: BLE001 - not started yet
                await asyncio.sleep(0.05)
        else:
            raise RuntimeError(f"case workflow {case.id} never answered")
    return handle, cases

