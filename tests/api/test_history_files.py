"""The audit trail of every saved case history: each one decodes, every accepted Update shows who sent it,
why and what came of it, and the audit page renders it. A new Update whose payload the trail cannot read
fails here, not as a 500 in front of an auditor."""

from __future__ import annotations

import json
from datetime import UTC
from pathlib import Path

import pytest
from starlette.requests import Request
from temporalio.client import WorkflowHistory

from api.audit_view import SYNC_ACTIONS, readable, site_order
from api.history import history_entries
from api.schemas import CaseHistory
from api.web.oversight import EVENT_LABELS
from api.web.render import page
from config.settings import get_settings
from contracts.case import CASE_SIGNAL_INPUTS, CASE_UPDATE_INPUTS, CLOSE_SIGNAL, PLAN_SIGNAL
from domain.access import Principal
from domain.model import Role

HISTORIES = Path(__file__).resolve().parent.parent / "histories"


def _workflow_type(path: Path) -> str:
    first = json.loads(path.read_text(encoding="utf-8"))["events"][0]
    return str(first["workflowExecutionStartedEventAttributes"]["workflowType"]["name"])


CASE_FILES = [p for p in sorted(HISTORIES.rglob("*.json")) if _workflow_type(p) == "RepairCaseWorkflow"]


def _updates(path: Path) -> list[str]:
    events = json.loads(path.read_text(encoding="utf-8"))["events"]
    return [e["workflowExecutionUpdateAcceptedEventAttributes"]["acceptedRequest"]["input"]["name"]
            for e in events if "workflowExecutionUpdateAcceptedEventAttributes" in e]


def _signals(path: Path) -> list[str]:
    events = json.loads(path.read_text(encoding="utf-8"))["events"]
    return [e["workflowExecutionSignaledEventAttributes"]["signalName"]
            for e in events if "workflowExecutionSignaledEventAttributes" in e]


def test_the_saved_histories_hold_every_kind_of_update():
    seen = {name for path in CASE_FILES for name in _updates(path)}
    assert seen == set(CASE_UPDATE_INPUTS), "record a history for each Update the case workflow takes"
    signals = {name for path in CASE_FILES for name in _signals(path)}
    assert signals == set(CASE_SIGNAL_INPUTS), "record a history for each signal the case workflow takes"


@pytest.mark.parametrize("path", CASE_FILES, ids=[str(p.relative_to(HISTORIES).with_suffix("")) for p in CASE_FILES])
def test_every_update_in_the_trail_has_actor_reason_and_outcome(path: Path):
    history = WorkflowHistory.from_json(path.stem, path.read_text(encoding="utf-8"))
    entries, run_id = history_entries(history)
    decisions = [e for e in entries if e.event_type == "decision"]
    assert run_id
    assert [e.action for e in decisions if e.action == "resync"] == [n for n in _updates(path) if n == "resync"]
    assert len(decisions) == len(_updates(path))
    passed_on = [e for e in entries if e.event_type == "passed_on"]
    assert len(passed_on) == len(_signals(path))
    assert all(e.actor and e.actor_role and e.action in ("withdraw", CLOSE_SIGNAL, PLAN_SIGNAL) and e.reason
               for e in passed_on)
    for entry in decisions:
        assert entry.actor and entry.actor_role, entry
        assert entry.reason is not None, entry
        assert entry.outcome, entry  # every accepted Update in a saved history completed

    trail = CaseHistory(case_id="c", workflow_id=history.workflow_id, run_id=run_id, temporal_ui_url="http://ui",
                        events=entries)
    for event in trail.events:
        event.at = event.at.replace(tzinfo=UTC)
    request = Request({"type": "http", "method": "GET", "path": "/audit/cases/c", "headers": [], "query_string": b""})
    case = {"record_no": "宁市监罚〔2026〕1号", "id": "c", "handler_name": "南京市市场监督管理局",
            "state_label": "已修复", "overdue": False, "application_id": "a"}
    shown = readable(trail, site_order(get_settings()), None, case["handler_name"])
    html = page(request, get_settings(), "audit_case.html", Principal(sub="auditor:x", role=Role.AUDITOR), case=case,
                trail=trail, readable=shown, event_labels=EVENT_LABELS, sync_actions=SYNC_ACTIONS,
                show_ui=False).body.decode()
    # one row a step, and one a site (its deliveries folded under it), each table with its header row
    assert html.count("<tr>") == len(shown.steps) + 1 + (len(shown.sites) + 1 if shown.sites else 0)
    deliveries = [e for e in entries if e.event_type == "delivery_scheduled"]
    assert sum(len(site.attempts) for site in shown.sites) == len(deliveries)
    assert all(e.target and e.target_name and e.outcome for e in deliveries), deliveries
    started = [e for e in entries if e.event_type == "workflow_started"]
    assert started and all(e.actor and e.actor_role for e in started)  # the filer is the start's actor
    assert "Temporal 界面" not in html
    if "resync" in _updates(path):
        assert "重新同步" in html
