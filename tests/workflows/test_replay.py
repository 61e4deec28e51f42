"""Replays saved workflow histories against the current workflow code: a change that would break workflows
already running (a non-deterministic change) fails here. The histories are recorded by
`.venv/bin/python -m tests.histories.record`; re-record them only together with a deliberate, versioned
change (workflow.patched or a new workflow type), never just to make this test pass."""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from config.temporal import DATA_CONVERTER
from workflows.application import ApplicationWorkflow
from workflows.letter_batch import LetterBatchWorkflow
from workflows.penalty_notice import PenaltyNoticeWorkflow
from workflows.reconciliation import ReconciliationWorkflow
from workflows.record_correction import RecordCorrectionWorkflow
from workflows.record_withdrawal import RecordWithdrawalWorkflow
from workflows.reminder_sweep import ReminderSweepWorkflow
from workflows.repair_case import RepairCaseWorkflow
from workflows.repair_decision import RepairDecisionWorkflow

HISTORIES = Path(__file__).resolve().parent.parent / "histories"
FILES = sorted(HISTORIES.rglob("*.json"))  # v1/: recorded before the patches the code now carries


def test_histories_are_present():
    assert len(FILES) >= 3, f"expected at least 3 saved histories in {HISTORIES}, found {len(FILES)}"


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(HISTORIES).with_suffix("")) for p in FILES])
async def test_replay_saved_history(path: Path):
    history = WorkflowHistory.from_json(path.stem, path.read_text(encoding="utf-8"))
    replayer = Replayer(workflows=[ApplicationWorkflow, RepairCaseWorkflow, PenaltyNoticeWorkflow, LetterBatchWorkflow,
                                   ReminderSweepWorkflow, RepairDecisionWorkflow, RecordWithdrawalWorkflow,
                                   RecordCorrectionWorkflow, ReconciliationWorkflow],
                        data_converter=DATA_CONVERTER)
    await replayer.replay_workflow(history)  # raises on nondeterminism or a workflow task failure
