"""The repair decision (信用修复决定书) of an approved case, made by the same letter machinery as the 两书同达
letter (templates/letters/, the GB/T 9704 page, the embedded letter faces).

国办发〔2025〕22号 (one source): the subject can download the repair decision once repaired, a document and
not only a status. Rendered once per case: the file is written before its row, and a case with a row is
never rendered again. Its number is taken and committed before the rendering (store/decision_numbers.py),
so the PDF carries it and a retried activity prints the same one."""

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
from config.rules import rules_for
from config.settings import Settings, get_settings
from contracts.letters import DecisionLetterInput
from domain.clock import beijing_date, chinese_date
from domain.correction import CORRECTABLE
from domain.identifiers import mask_id_number
from domain.model import KIND_LABELS, RecordKind, RequestKind
from domain.restructuring import PLAN_LABELS, RestructuringKind
from domain.text import as_clause
from domain.transitions import DECIDING_ACTIONS, STATE_LABELS, WITH_DECISION, CaseState
from store import cases as store_cases
from store import decision_numbers
from store import letters as store_letters
from store import records as store_records
from store.db import engine_for
from store.files import write_whole
from store.models import (
    Application,
    CaseEventRow,
    CreditRecord,
    DecisionLetter,
    Objection,
    RecordVersion,
    RepairCase,
    Restructuring,
)

TEMPLATE = "letters/repair_decision.html"
OBJECTION_TEMPLATE = "letters/objection_decision.html"


def decision_content(case: RepairCase, app: Application, record: CreditRecord, approval: CaseEventRow,
                     settings: Settings, doc_no: str, restructuring: Restructuring | None = None) -> dict[str, Any]:
    """The decision's text. It names no machine id (case, application): people find it by its number, its
    record's number and the filed date."""
    texts = load_letter_texts(settings.config_dir)
    directory = load_directory(settings.config_dir)
    track = rules_for(settings.config_dir).track_of_case(case.track, record.kind, record.issuer)
    person = record.subject_kind == "person"
    return {
        "title": track.decision_name,  # the track's name for it: 移出经营异常名录决定书, 信用修复决定书
        "basis": track.basis or "《信用修复管理办法》",
        "doc_no": doc_no,
        "subject_name": record.subject_name,
        "subject_label": SUBJECT_LABELS[record.subject_kind],
        "subject_id": mask_id_number(record.subject_key) if person else record.subject_key,
        "you": "你" if person else "你单位",
        "filed_on": chinese_date(beijing_date(app.filed_at)),
        "kind": KIND_LABELS[RecordKind(record.kind)],
        "decision_name": texts["decision_name"][record.kind],
        "record_no": record.record_no,
        "decided_on": chinese_date(record.decided_on),
        "issuer_name": directory.name_of(record.issuer),
        "reason": as_clause(approval.reason),
        "free_of_charge": " ".join(texts["free_of_charge"].split()),
        "handler_name": directory.name_of(case.handler),
        "dated": chinese_date(beijing_date(approval.at)),
        # 破产重整、和解: repaired on the court's word that the plan was carried out, not on obligations met
        "restructuring": None if restructuring is None else {
            "plan": PLAN_LABELS[RestructuringKind(restructuring.kind)], "court": directory.name_of(restructuring.court),
            "ruling_no": restructuring.ruling_no, "outcome_ruling_no": restructuring.outcome_ruling_no or ""},
    }


def objection_content(case: RepairCase, app: Application, record: CreditRecord, decision: CaseEventRow,
                      settings: Settings, doc_no: str, objection: Objection, corrected: RecordVersion | None,
                      refused: RepairCase | None) -> dict[str, Any]:
    """The objection's decision (异议处理决定书): what was objected to, what the handler found, what follows."""
    content = decision_content(case, app, record, decision, settings, doc_no)
    refused_on = refused.updated_at if refused is not None else None
    content.update({
        "ground": objection.ground,
        "outcome": decision.action,
        "refusal": STATE_LABELS[CaseState(refused.state)] if refused is not None else "",
        "refused_on": chinese_date(beijing_date(refused_on)) if refused_on is not None else "",
        "corrected": [(CORRECTABLE.get(f, f), old or "（空）", new or "（空）")
                      for f, (old, new) in (corrected.changes.items() if corrected else ())],
        "record_decision_name": content["decision_name"],
    })
    return content


def decision_file(case: RepairCase) -> Path:
    return Path("decisions") / case.handler / f"{case.id}.pdf"


def number_of(settings: Settings, case: RepairCase, approved_at: datetime) -> str:
    """The case's decision number, counted within its handler and the approval's year in Beijing, taken
    (and committed) once: by the approval's own projection (activities/cases.project_case), so numbers
    follow the order of approvals; the rendering finds it taken."""
    authority = load_directory(settings.config_dir).get(case.handler)
    if authority is None:
        raise ApplicationError(f"case {case.id}: handler {case.handler} is not in authorities.yaml",
                               type="AuthorityUnknown", non_retryable=True)
    return decision_numbers.allocate(engine_for(settings.db_url), case_id=case.id, handler=case.handler,
                                     year=beijing_date(approved_at).year, prefix=authority.doc_prefix).doc_no


def render_decision_once(settings: Settings, case_id: str) -> bool:
    from documents.render import renderer

    with transaction() as session:
        if store_letters.get_decision(session, case_id) is not None:
            return False
        case = store_cases.get_case(session, case_id)
        if case is None or CaseState(case.state) not in WITH_DECISION:
            raise ApplicationError(f"case {case_id} has no decision document", type="CaseNotDecided",
                                   non_retryable=True)
        app = session.get(Application, case.application_id)
        record = session.get(CreditRecord, case.record_id)
        approvals = [e for e in store_cases.events_of(session, [case_id]) if e.action in DECIDING_ACTIONS]
        objection = store_cases.objection_of(session, case_id) if case.request == RequestKind.OBJECTION else None
        restructuring = store_cases.restructuring_of(session, case.application_id) \
            if case.request == RequestKind.RESTRUCTURING else None
        corrected = store_records.versions_made_by(session, [case_id]).get(case_id) if objection else None
        refused = store_cases.get_case(session, objection.refused_case_id) if objection and \
            objection.refused_case_id else None
    if app is None or record is None or not approvals:
        raise ApplicationError(f"case {case_id} lacks its application, record or approval", type="CaseNotDecided",
                               non_retryable=True)
    doc_no = number_of(settings, case, approvals[-1].at)
    if objection is not None:
        content = objection_content(case, app, record, approvals[-1], settings, doc_no, objection, corrected, refused)
        template = OBJECTION_TEMPLATE
    else:
        content = decision_content(case, app, record, approvals[-1], settings, doc_no, restructuring)
        template = TEMPLATE
    pdf = renderer(settings.fonts_dir).render_one(content, template=template)
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
