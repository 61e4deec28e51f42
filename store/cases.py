"""Applications and cases in the hub: reservation at filing, projection of what the workflows decided."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from domain.model import RequestKind
from domain.objection import REFUSALS
from domain.query_code import new_query_code
from store.models import (
    Application,
    CaseEventRow,
    CreditRecord,
    Notification,
    Objection,
    RepairCase,
    Restructuring,
    SyncDelivery,
)


class RecordTaken(Exception):
    """A record named in an application already has an open case."""

    def __init__(self, record_id: str) -> None:
        super().__init__(record_id)
        self.record_id = record_id


def file_application(session: Session, application: Application, cases: Sequence[RepairCase]) -> None:
    """Reserves every record for its case in the same transaction as the application rows.

    The conditional UPDATE is the guard: of two applications for one record filed at the same moment,
    exactly one reserves it; the other raises RecordTaken and its whole transaction rolls back.
    """
    session.add(application)
    for case in cases:
        taken = session.execute(
            sa.update(CreditRecord)
            .where(CreditRecord.id == case.record_id, CreditRecord.open_case_id.is_(None))  # type: ignore[union-attr]
            .values(open_case_id=case.id)
        )
        if taken.rowcount != 1:  # type: ignore[attr-defined]
            raise RecordTaken(case.record_id)
        session.add(case)
    session.flush()


def project_case(
    session: Session,
    *,
    case_id: str,
    record_id: str,
    state: str,
    deadline_kind: str | None,
    deadline,  # date | None
    provisional: bool,
    overdue: bool,
    shielded: bool,
    extensions_used: int,
    events: Sequence[dict],
    record_effect: str | None,
    now: datetime,
    handled_in: str | None = None,
) -> None:
    """Applies a workflow snapshot; idempotent, so an activity retried after a crash changes nothing twice.

    Every change of a case comes with an event, so the newest event's seq orders the snapshots.

    handled_in: the vertical system deciding the case ("" once handed back to the workbench; None: as filed).

    record_effect: "repaired" marks the record repaired and frees it; "released" frees it for a new
    application (not accepted, denied, withdrawn, restored); "shielded" hides it while an overdue decision
    waits; "lifted" hides it while a restructuring plan is carried out.
    """
    case = session.get(RepairCase, case_id, with_for_update=True)
    if case is None:
        raise LookupError(f"case {case_id} is not in the store")
    newest = max((e["seq"] for e in events), default=0)
    if newest <= case.last_seq:
        return  # a snapshot projected before (a retried activity), or an older one: nothing to do
    for e in events:
        if e["seq"] > case.last_seq:
            session.add(CaseEventRow(id=f"{case_id}:{e['seq']}", case_id=case_id, **e))
    case.state, case.deadline_kind, case.deadline = state, deadline_kind, deadline
    case.provisional, case.overdue, case.shielded = provisional, overdue, shielded
    case.extensions_used, case.last_seq, case.updated_at = extensions_used, newest, now
    if handled_in is not None:
        case.handled_in = handled_in or None
    session.add(case)
    record = session.get(CreditRecord, record_id)
    if record is None or record_effect is None:
        return
    if record_effect == "repaired" and record.state not in ("repaired", "withdrawn"):  # withdrawn stays so
        record.state, record.repaired_at = "repaired", now
        if record.open_case_id == case_id:
            record.open_case_id = None
    elif record_effect == "released" and record.open_case_id == case_id:
        record.open_case_id = None
        if record.state in ("shielded", "lifted"):
            record.state = "published"
    elif record_effect == "shielded" and record.state == "published":
        record.state = "shielded"
    elif record_effect == "lifted" and record.state in ("published", "shielded"):
        record.state = "lifted"  # 破产重整、和解: hidden on every site while the plan is carried out
    session.add(record)


def save_ack(session: Session, *, case_id: str, target: str, target_name: str, ack_id: str,
             acknowledged_at: datetime, action: str = "repair", payload: dict[str, object] | None = None) -> None:
    key = f"{case_id}:{target}:{action}"
    if session.get(SyncDelivery, key) is None:
        session.add(SyncDelivery(id=key, case_id=case_id, target=target, target_name=target_name, ack_id=ack_id,
                                 acknowledged_at=acknowledged_at, action=action, payload=payload))


def notify_once(session: Session, notification: Notification) -> None:
    if session.get(Notification, notification.id) is None:
        session.add(notification)


def close_application(session: Session, application_id: str) -> None:
    app = session.get(Application, application_id)
    if app is not None and app.closed_at is None:
        app.closed_at = datetime.now(UTC)
        session.add(app)


def mark_started(session: Session, application_id: str) -> None:
    app = session.get(Application, application_id)
    if app is not None:
        app.workflow_started = True
        session.add(app)


def unstarted(session: Session) -> list[Application]:
    return list(session.exec(select(Application).where(Application.workflow_started == False)))  # noqa: E712


def get_application(session: Session, application_id: str) -> Application | None:
    return session.get(Application, application_id)


def free_query_code(session: Session) -> str:
    """A query code no application holds yet. With 10⁹ codes a clash is rare, and drawing again is cheaper
    than a failed filing; two filings drawing the same code at the same instant are kept apart by the
    unique index (one of them is refused and can be sent again)."""
    while True:
        code = new_query_code()
        if session.exec(select(Application.id).where(Application.query_code == code)).first() is None:
            return code


def by_query_code(session: Session, code: str) -> Application | None:
    return session.exec(select(Application).where(Application.query_code == code)).first()


def cases_of(session: Session, application_id: str) -> list[RepairCase]:
    return list(session.exec(select(RepairCase).where(RepairCase.application_id == application_id)
                             .order_by(RepairCase.id)))


def get_case(session: Session, case_id: str) -> RepairCase | None:
    return session.get(RepairCase, case_id)


def decided_by_system(session: Session, case_id: str, external_id: str) -> bool:
    """Whether a handling system's decision (by its own id) is on the case's timeline already."""
    return session.exec(select(CaseEventRow.id).where(CaseEventRow.case_id == case_id,
                                                      CaseEventRow.external_id == external_id)).first() is not None


def events_of(session: Session, case_ids: Sequence[str]) -> list[CaseEventRow]:
    if not case_ids:
        return []
    return list(session.exec(select(CaseEventRow).where(CaseEventRow.case_id.in_(case_ids))  # type: ignore[attr-defined]
                             .order_by(CaseEventRow.at, CaseEventRow.seq)))


def acks_of(session: Session, case_ids: Sequence[str], action: str = "repair") -> list[SyncDelivery]:
    if not case_ids:
        return []
    return list(session.exec(select(SyncDelivery).where(
        SyncDelivery.case_id.in_(case_ids), SyncDelivery.action == action)))  # type: ignore[attr-defined]


def applications_of(session: Session, *, subject_key: str | None = None, filed_by: str | None = None,
                    limit: int = 50) -> list[Application]:
    """The newest first: a subject's own applications (/my), or what a counter clerk filed (/window)."""
    q = select(Application)
    if subject_key is not None:
        q = q.where(Application.subject_key == subject_key)
    if filed_by is not None:
        q = q.where(Application.filed_by == filed_by)
    return list(session.exec(q.order_by(Application.filed_at.desc()).limit(limit)))  # type: ignore[attr-defined]


def objection_of(session: Session, case_id: str) -> Objection | None:
    return session.get(Objection, case_id)


def objection_of_refusal(session: Session, refused_case_id: str) -> Objection | None:
    """The objection filed against a refusal (one at most: the unique index)."""
    return session.exec(select(Objection).where(Objection.refused_case_id == refused_case_id)).first()


def objections_of(session: Session, case_ids: Sequence[str]) -> dict[str, Objection]:
    if not case_ids:
        return {}
    rows = session.exec(select(Objection).where(Objection.case_id.in_(case_ids)))  # type: ignore[attr-defined]
    return {o.case_id: o for o in rows}


def restructuring_of(session: Session, application_id: str) -> Restructuring | None:
    return session.get(Restructuring, application_id)


def record_plan_outcome(session: Session, application_id: str, *, outcome: str, ruling_no: str, ruled_on: date,
                        by: str, at: datetime) -> None:
    """The first word on the plan stands: a retried activity, or a second report, changes nothing."""
    row = session.get(Restructuring, application_id, with_for_update=True)
    if row is None or row.outcome is not None:
        return
    row.outcome, row.outcome_ruling_no, row.outcome_on, row.outcome_at, row.outcome_by = (
        outcome, ruling_no, ruled_on, at, by)
    session.add(row)


def requests_of(session: Session, application_ids: Sequence[str]) -> dict[str, set[str]]:
    """What each application asks (domain.model.RequestKind), read from its cases (an application has no
    column of its own for it): one query for all of them."""
    if not application_ids:
        return {}
    found: dict[str, set[str]] = {}
    rows = session.exec(select(RepairCase.application_id, RepairCase.request).where(
        RepairCase.application_id.in_(application_ids)).distinct())  # type: ignore[attr-defined]
    for application_id, request in rows:
        found.setdefault(application_id, set()).add(request)
    return found


def restructurings_of(session: Session, application_ids: Sequence[str]) -> dict[str, Restructuring]:
    """The court's ruling of each restructuring application among `application_ids`, in one query."""
    if not application_ids:
        return {}
    rows = session.exec(select(Restructuring).where(
        Restructuring.application_id.in_(application_ids)))  # type: ignore[attr-defined]
    return {r.application_id: r for r in rows}


def refused_cases_of(session: Session, record_id: str) -> list[RepairCase]:
    """The record's refused cases (不予受理, 不予修复: domain.objection.REFUSALS), newest first: one query, on
    repair_case's index of record_id. A record has one open case at a time, so the newest change is the
    newest refusal. Only a repair's refusal is objected to (as the progress page offers it): an objection
    not accepted, or a restructuring refused, is not objected to again."""
    refusals = [s.value for s in REFUSALS]
    return list(session.exec(select(RepairCase).where(
        RepairCase.record_id == record_id, RepairCase.state.in_(refusals),  # type: ignore[attr-defined]
        RepairCase.request == RequestKind.REPAIR.value)
        .order_by(RepairCase.updated_at.desc(), RepairCase.id.desc())))  # type: ignore[attr-defined]
