"""PenaltyNoticeWorkflow on the time-skipping server with the real render activity."""

from __future__ import annotations

from datetime import UTC, date, datetime

import httpx
from sqlmodel import Session

from config.rules import rules_for
from config.settings import get_settings
from contracts.letters import NoticeInput, notice_workflow_id
from domain.access import Principal
from domain.model import Role
from services.commands import RecordCreate
from services.registering import register
from store import messages as store_messages
from store.db import engine_for, session_scope
from store.models import Letter
from tests import factories
from workflows.penalty_notice import PenaltyNoticeWorkflow


async def test_notice_renders_the_letter_once_and_tells_the_subject_once(env, worker, simulator_url):
    settings = get_settings()
    with session_scope(engine_for(settings.db_url)) as session:
        row, _ = register(session, rules_for(settings.config_dir), Principal("admin", Role.ADMIN),
                          RecordCreate(**factories.record_body()), date(2026, 11, 26), datetime.now(UTC))
    inp = NoticeInput(record_id=row.id)
    assert await env.client.execute_workflow(PenaltyNoticeWorkflow.run, inp, id=notice_workflow_id(row.id),
                                             task_queue=worker) == 1
    with Session(engine_for(settings.db_url)) as s:
        letter = s.get(Letter, row.id)
    assert letter is not None and (settings.letters_dir / letter.path).read_bytes()[:5] == b"%PDF-"
    # run again (as the letter endpoint does for a missing letter): nothing new is rendered, nothing resent
    assert await env.client.execute_workflow(PenaltyNoticeWorkflow.run, inp, id=notice_workflow_id(row.id) + "-2",
                                             task_queue=worker) == 0
    centre = httpx.get(f"{simulator_url}/message-centre/messages").json()
    key = f"letter_ready:{row.id}"
    assert centre["delivered"][key] == 1
    assert centre["sent"][key]["phone"] == "13812345678" and "信用修复告知书已生成" in centre["sent"][key]["text"]
    with Session(engine_for(settings.db_url)) as s:
        (message,) = store_messages.of_record(s, row.id)
    assert (message.status, message.purpose) == ("sent", "letter_ready")
