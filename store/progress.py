"""What people wait on, read in a fixed number of queries: an application's progress in two, the queue in one.

Joins over the rows the workflows already write, rather than a projection kept per application. The
repair_case rows are that projection already (project_case writes them from the workflow's snapshots);
a second document per application would have to be rewritten by every project_case and every one of the
sixteen acknowledgements a repair gets (each a save_ack from its own activity, at the same moment as the
others), so sixteen writers contending for one row, and two copies of the truth that can disagree after a
crash between them. The reads need no such copy: the application, its cases and their records are one
join on primary keys, and the timelines and acknowledgements of all the cases are one UNION ALL over the
case_id indexes. Two statements whatever the number of cases, so a page that refreshes every five seconds
costs the same for one record as for ten.
"""

from __future__ import annotations

# The `type: ignore`s below are where SQLModel's stubs type a column as its Python value (a str, a datetime)
# rather than a column expression, so mypy cannot follow `.in_`, `.startswith`, joins and order_by on them.
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from store.models import Application, CaseEventRow, CreditRecord, DecisionNumber, RepairCase, SyncDelivery


@dataclass(frozen=True)
class CaseLine:
    """A case with its record's number and kind: empty when the record row is missing (the join is outer,
    as the one-case read answered "" when session.get found nothing), never a case left out."""

    case: RepairCase
    record_no: str
    record_kind: str


@dataclass(frozen=True)
class EventLine:
    at: datetime
    actor_role: str
    action: str
    message: str
    reason: str


@dataclass(frozen=True)
class AckLine:
    target: str
    target_name: str
    acknowledged_at: datetime


@dataclass
class Details:
    """Each case's timeline (by time, then seq, as events_of orders it) and its sites' acknowledgements
    (by time, then site: acks_of left them in no order, the table's on SQLite and any on PostgreSQL)."""

    timeline: dict[str, list[EventLine]] = field(default_factory=lambda: defaultdict(list))
    acks: dict[str, list[AckLine]] = field(default_factory=lambda: defaultdict(list))
    decision_no: dict[str, str] = field(default_factory=dict)  # the repair decision's number, once taken


# Built once: composing a statement costs more than running it (SQLAlchemy coerces every clause anew), and
# these run on every refresh of every open progress page.
_APPLICATION_CASES = (
    select(Application, RepairCase, CreditRecord.record_no, CreditRecord.kind)
    .outerjoin(RepairCase, RepairCase.application_id == Application.id)  # type: ignore[arg-type]
    .outerjoin(CreditRecord, CreditRecord.id == RepairCase.record_id)  # type: ignore[arg-type]
    .where(Application.id == sa.bindparam("application_id"))
    .order_by(RepairCase.id)
)


def _details() -> sa.Select:
    """Every case's events and its sites' acknowledgements of one action, in one statement.

    The two tables share a shape for this read: (case, part, time, seq, four texts). An event's texts are
    its actor role, action, message and reason; an acknowledgement's its target and the target's name.
    The constants are written into the SQL, not bound: PostgreSQL cannot type a bare parameter in a
    UNION's select list.
    """
    events, acks = CaseEventRow.__table__.c, SyncDelivery.__table__.c  # type: ignore[attr-defined]
    numbers = DecisionNumber.__table__.c  # type: ignore[attr-defined]
    case_ids = sa.bindparam("case_ids", expanding=True)
    empty = sa.literal_column("''", sa.String)
    both = sa.union_all(
        sa.select(events.case_id, sa.literal_column("0", sa.Integer).label("part"), events.at, events.seq,
                  events.actor_role.label("a"), events.action.label("b"), events.message.label("c"),
                  events.reason.label("d")).where(events.case_id.in_(case_ids)),
        sa.select(acks.case_id, sa.literal_column("1", sa.Integer), acks.acknowledged_at,
                  sa.literal_column("0", sa.Integer), acks.target, acks.target_name, empty, empty)
        .where(acks.case_id.in_(case_ids), acks.action == sa.bindparam("action")),
        sa.select(numbers.case_id, sa.literal_column("2", sa.Integer), numbers.allocated_at,
                  sa.literal_column("0", sa.Integer), numbers.doc_no, empty, empty, empty)
        .where(numbers.case_id.in_(case_ids)),
    )
    cols = both.selected_columns
    return both.order_by(cols.part, cols.at, cols.seq, cols.a)  # type: ignore[return-value]


_DETAILS = _details()


def application_cases(session: Session, application_id: str) -> tuple[Application, list[CaseLine]] | None:
    """The application, its cases (by id, as cases_of orders them) and their records' number and kind,
    in one statement; None when there is no such application."""
    rows = session.execute(_APPLICATION_CASES, {"application_id": application_id}).all()
    if not rows:
        return None
    lines = [CaseLine(case, record_no or "", kind or "") for _, case, record_no, kind in rows if case is not None]
    return rows[0][0], lines


def record_labels(session: Session, record_ids: Sequence[str]) -> dict[str, tuple[str, str]]:
    """(record_no, kind) of each record, for cases read without their records."""
    if not record_ids:
        return {}
    found = session.exec(select(CreditRecord.id, CreditRecord.record_no, CreditRecord.kind)
                         .where(CreditRecord.id.in_(set(record_ids))))  # type: ignore[attr-defined]
    return {rid: (no, kind) for rid, no, kind in found}


def details_of(session: Session, case_ids: Sequence[str], action: str = "repair") -> Details:
    """Each case's timeline and its sites' acknowledgements of `action`, all the cases in one statement
    (run on the session's connection: plain rows, none of the ORM's work for entities)."""
    details = Details()
    if not case_ids:
        return details
    rows = session.connection().execute(_DETAILS, {"case_ids": list(dict.fromkeys(case_ids)), "action": action})
    for case_id, part, at, _, a, b, c, d in rows:
        if part == 0:
            details.timeline[case_id].append(EventLine(at=at, actor_role=a, action=b, message=c, reason=d))
        elif part == 2:
            details.decision_no[case_id] = a
        else:
            details.acks[case_id].append(AckLine(target=a, target_name=b, acknowledged_at=at))
    return details


def queue(session: Session, *, handler: str | None = None, region_prefix: str | None = None,
          state: str | None = None, limit: int = 200) -> list[CaseLine]:
    """Cases soonest deadline first, each with its record's number and kind, in one statement."""
    q = select(RepairCase, CreditRecord.record_no, CreditRecord.kind).outerjoin(
        CreditRecord, CreditRecord.id == RepairCase.record_id)  # type: ignore[arg-type]
    if handler is not None:
        q = q.where(RepairCase.handler == handler)
    if region_prefix is not None:
        q = q.where(RepairCase.handler_region.startswith(region_prefix))  # type: ignore[attr-defined]
    if state:
        q = q.where(RepairCase.state == state)
    rows = session.exec(q.order_by(RepairCase.deadline, RepairCase.id).limit(limit))  # type: ignore[arg-type]
    return [CaseLine(case, record_no or "", kind or "") for case, record_no, kind in rows]
