"""The repair decision (信用修复决定书) of an approved case, made by the same letter machinery as the 两书同达
letter (templates/letters/, the GB/T 9704 page, the embedded letter faces).

国办发〔2025〕22号 (one source): the subject can download the repair decision once repaired, a document and
not only a status. Rendered once per case: the file is written before its row, and a case with a row is
never rendered again."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.letters import SUBJECT_LABELS
from activities.shared import transaction
from config.loader import load_directory, load_letter_texts
from config.settings import Settings, get_settings
from contracts.letters import DecisionLetterInput
from domain.clock import beijing_date, chinese_date
from domain.identifiers import mask_id_number
from domain.model import KIND_LABELS, RecordKind
from domain.transitions import REPAIR_DECIDED, Action, CaseState
from store import cases as store_cases
from store import letters as store_letters
from store.files import write_whole
from store.models import Application, CaseEventRow, CreditRecord, DecisionLetter, RepairCase

TEMPLATE = "letters/repair_decision.html"


def decision_content(case: RepairCase, app: Application, record: CreditRecord, approval: CaseEventRow,
                     settings: Settings) -> dict[str, Any]:
    texts = load_letter_texts(settings.config_dir)
    directory = load_directory(settings.config_dir)
    person = record.subject_kind == "person"
    approved_on = beijing_date(approval.at)
    return {
        "title": "信用修复决定书",
        "doc_no": f"修复决字〔{approved_on.year}〕{case.id.removeprefix('case_')[:10].upper()}号",
        "subject_name": record.subject_name,
        "subject_label": SUBJECT_LABELS[record.subject_kind],
        "subject_id": mask_id_number(record.subject_key) if person else record.subject_key,
        "you": "你" if person else "你单位",
        "filed_on": chinese_date(beijing_date(app.filed_at)),
        "application_id": app.id,
        "kind": KIND_LABELS[RecordKind(record.kind)],
        "decision_name": texts["decision_name"][record.kind],
        "record_no": record.record_no,
        "decided_on": chinese_date(record.decided_on),
        "issuer_name": directory.name_of(record.issuer),
        "reason": approval.reason,
        "free_of_charge": " ".join(texts["free_of_charge"].split()),
        "handler_name": directory.name_of(case.handler),
        "dated": chinese_date(approved_on),
    }


def decision_file(case: RepairCase) -> Path:
    return Path("decisions") / case.handler / f"{case.id}.pdf"


def render_decision_once(settings: Settings, case_id: str) -> bool:
    from documents.render import renderer

    with transaction() as session:
        if store_letters.get_decision(session, case_id) is not None:
            return False
        case = store_cases.get_case(session, case_id)
        if case is None or CaseState(case.state) not in REPAIR_DECIDED:
            raise ApplicationError(f"case {case_id} has no repair decision", type="CaseNotDecided",
                                   non_retryable=True)
        app = session.get(Application, case.application_id)
        record = session.get(CreditRecord, case.record_id)
        approvals = [e for e in store_cases.events_of(session, [case_id]) if e.action == Action.APPROVE]
    if app is None or record is None or not approvals:
        raise ApplicationError(f"case {case_id} lacks its application, record or approval", type="CaseNotDecided",
                               non_retryable=True)
    pdf = renderer(settings.fonts_dir).render_one(decision_content(case, app, record, approvals[-1], settings),
                                                  template=TEMPLATE)
    relative = decision_file(case)
    write_whole(settings.letters_dir / relative, pdf)
    with transaction() as session:
        store_letters.save_decision_once(session, DecisionLetter(
            case_id=case_id, path=str(relative), sha256=hashlib.sha256(pdf).hexdigest(), size=len(pdf),
            rendered_at=datetime.now(UTC)))
    return True


@activity.defn
def render_decision(inp: DecisionLetterInput) -> bool:
    return render_decision_once(get_settings(), inp.case_id)
