from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from config.rules import rules_for
from config.settings import get_settings
from contracts.application import ApplicationInput
from domain.access import Principal
from domain.clock import beijing_date
from domain.model import Role
from domain.periods import add_months
from services.commands import RecordCreate
from services.filing import record_filing
from services.registering import register
from store.db import engine_for, session_scope
from tests import factories


def file_application(n_records: int = 1, issuers: tuple[str, ...] = ("320100-transport",),
                     filed_at: datetime | None = None, **record: Any) -> ApplicationInput:
    """Registers records and files an application for them through the filing service's own transaction
    (services/filing.record_filing), as the API does, without starting the workflow: the tests start it on
    a task queue of their own."""
    settings = get_settings()
    rules = rules_for(settings.config_dir)
    subject = factories.uscc()
    admin = Principal("admin", Role.ADMIN)
    now = filed_at or datetime.now(UTC)
    with session_scope(engine_for(settings.db_url)) as session:
        record_ids = []
        for i in range(n_records):
            # decided four months before the filing: eligible (a general penalty, 3 months minimum) and still
            # published, whatever day the test server's clock has reached
            decided = add_months(beijing_date(now), -4)
            body = factories.record_body(**{"issuer": issuers[i % len(issuers)], "decided_on": str(decided),
                                            "subject": {"uscc": subject, "name": "测试有限公司"}, **record})
            row, _ = register(session, rules, admin, RecordCreate(**body), now.date(), now)
            record_ids.append(row.id)
    applicant = Principal("applicant:t", Role.APPLICANT, subject=subject)
    return record_filing(settings, rules, applicant, subject, record_ids, "13812345678", [], now, beijing_date(now))


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



def file_objection(ground: str = "content", refused_case_id: str | None = None, record_id: str | None = None,
                   subject: str | None = None, statement: str = "罚款金额登记有误，处罚决定书载明为500元",
                   **record: Any) -> ApplicationInput:
    """Registers a record (or takes `record_id` of `subject`) and files an objection to it through the
    objection service's own transaction (services/objecting.record_objection), without starting it."""
    from domain.objection import ObjectionGround
    from services.objecting import ObjectionAsked, record_objection

    settings = get_settings()
    rules = rules_for(settings.config_dir)
    now = datetime.now(UTC)
    if record_id is None:
        subject = factories.uscc()
        decided = str(add_months(beijing_date(now), -1))  # published, not yet repairable: an objection still is
        body = factories.record_body(**{"issuer": "320100-transport", "decided_on": decided,
                                        "subject": {"uscc": subject, "name": "测试有限公司"}, **record})
        with session_scope(engine_for(settings.db_url)) as session:
            row, _ = register(session, rules, Principal("admin", Role.ADMIN), RecordCreate(**body), now.date(), now)
            record_id = row.id
    assert subject is not None
    applicant = Principal("applicant:t", Role.APPLICANT, subject=subject)
    asked = ObjectionAsked(subject=subject, record_id=record_id, ground=ObjectionGround(ground), statement=statement,
                           contact_phone="13812345678", refused_case_id=refused_case_id)
    return record_objection(settings, rules, applicant, subject, asked, now, beijing_date(now))


def file_restructuring(n_records: int = 2, issuers: tuple[str, ...] = ("320100-transport", "320100-tax"),
                       **record: Any) -> ApplicationInput:
    """Registers records of one enterprise (published, not yet repairable by their minimum period) and files
    its restructuring application for them (services/restructuring.record_restructuring), not started."""
    from domain.restructuring import RestructuringKind
    from services.restructuring import RestructuringAsked, record_restructuring

    settings = get_settings()
    rules = rules_for(settings.config_dir)
    subject = factories.uscc()
    now = datetime.now(UTC)
    with session_scope(engine_for(settings.db_url)) as session:
        ids = []
        for i in range(n_records):
            body = factories.record_body(**{"issuer": issuers[i % len(issuers)],
                                            "decided_on": str(add_months(beijing_date(now), -1)),
                                            "obligations_fulfilled": False,
                                            "subject": {"uscc": subject, "name": "测试重整有限公司"}, **record})
            row, _ = register(session, rules, Principal("admin", Role.ADMIN), RecordCreate(**body), now.date(), now)
            ids.append(row.id)
    asked = RestructuringAsked(subject=subject, kind=RestructuringKind.REORGANISATION, court="320100-court",
                               ruling_no="（2026）苏01破12号之二", ruled_on=beijing_date(now), record_ids=tuple(ids),
                               contact_phone="13812345678")
    return record_restructuring(settings, rules, Principal("applicant:t", Role.APPLICANT, subject=subject), subject,
                                asked, now, beijing_date(now))
