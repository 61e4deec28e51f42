"""Which cases came back from the applicant with a supplement (已补正) and wait for the caseworker again.

The case's state alone does not say it: a supplement answered puts the case back where the request
interrupted it (受理 or 审核, domain/transitions.py), the same state as a case nobody has touched. The
timeline does: its last step that hands the case from one side to the other is the applicant's supplement.

The workbench reads its queue with that mark in the one statement store/progress.queue makes (the same
filters and order, plus a correlated subquery for the last handing step), so a queue of two hundred
cases still costs one statement.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, col, select

from domain.transitions import Action
from store.models import CaseEventRow, CreditRecord, RepairCase
from store.progress import CaseLine

# the steps that hand the case from one side to the other (an extension or a shield changes no hands)
_HANDING = [a.value for a in (Action.ACCEPT, Action.REJECT, Action.REQUEST_SUPPLEMENT, Action.APPROVE, Action.DENY,
                              Action.SUPPLEMENT, Action.WITHDRAW)]
AWAITING = ("pending_acceptance", "under_review")  # where a case answered waits for the caseworker


def _last_handing() -> sa.ScalarSelect:  # type: ignore[type-arg]
    return (select(CaseEventRow.action)
            .where(CaseEventRow.case_id == RepairCase.id, col(CaseEventRow.action).in_(_HANDING))
            .order_by(col(CaseEventRow.seq).desc()).limit(1).correlate(RepairCase).scalar_subquery())


def queue(session: Session, *, handler: str | None = None, region_prefix: str | None = None,
          state: str | None = None, limit: int = 200) -> list[tuple[CaseLine, bool]]:
    """store/progress.queue's cases, each with whether the applicant's supplement is what it waits on."""
    q = select(RepairCase, CreditRecord.record_no, CreditRecord.kind, _last_handing()).outerjoin(
        CreditRecord, CreditRecord.id == RepairCase.record_id)  # type: ignore[arg-type]
    if handler is not None:
        q = q.where(RepairCase.handler == handler)
    if region_prefix is not None:
        q = q.where(col(RepairCase.handler_region).startswith(region_prefix))
    if state:
        q = q.where(RepairCase.state == state)
    rows = session.exec(q.order_by(RepairCase.deadline, RepairCase.id).limit(limit))  # type: ignore[arg-type]
    return [(CaseLine(case, record_no or "", kind or ""), case.state in AWAITING and last == Action.SUPPLEMENT)
            for case, record_no, kind, last in rows]


def answered(session: Session, case_id: str) -> bool:
    """One case (its page): whether the applicant's supplement is what it waits on."""
    case = session.get(RepairCase, case_id)
    if case is None or case.state not in AWAITING:
        return False
    last = session.exec(select(CaseEventRow.action).where(CaseEventRow.case_id == case_id,
                                                          col(CaseEventRow.action).in_(_HANDING))
                        .order_by(col(CaseEventRow.seq).desc()).limit(1)).first()
    return last == Action.SUPPLEMENT
