"""What supervision reads: cases per authority and state, the overdue ones, how long each stage took,
all counted and averaged by the database over a region (GB/T 2260 prefix) or the whole province."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, func, select

from store.models import CaseEventRow, RepairCase


@dataclass(frozen=True)
class StageTime:
    """Cases that went through a stage and the mean time it took them, in seconds (None if none did)."""

    cases: int
    mean_seconds: float | None


def _in_region(q, region_prefix: str | None):  # type: ignore[no-untyped-def]
    return q if region_prefix is None else q.where(col(RepairCase.handler_region).startswith(region_prefix))


def cases_by_handler_and_state(session: Session, region_prefix: str | None = None) -> list[tuple[str, str, int]]:
    q = _in_region(select(RepairCase.handler, RepairCase.state, func.count()), region_prefix)
    rows = session.exec(q.group_by(RepairCase.handler, RepairCase.state).order_by(RepairCase.handler))
    return [(h, s, int(n)) for h, s, n in rows]


def overdue(session: Session, open_states: Collection[str], region_prefix: str | None = None,
            limit: int = 200) -> list[RepairCase]:
    """Cases past their deadline that still wait for a decision, the longest overdue first."""
    q = _in_region(select(RepairCase).where(RepairCase.overdue == sa.true(),
                                            col(RepairCase.state).in_(list(open_states))), region_prefix)
    return list(session.exec(q.order_by(col(RepairCase.deadline), RepairCase.id).limit(limit)))


def _seconds(session: Session, start, end):  # type: ignore[no-untyped-def]
    if session.get_bind().dialect.name == "sqlite":
        return (func.julianday(end) - func.julianday(start)) * 86400.0
    return func.extract("epoch", end - start)


def stage_time(session: Session, start_action: str, end_actions: Sequence[str],
               region_prefix: str | None = None) -> StageTime:
    """Mean time from a case's `start_action` event to its first of `end_actions` (e.g. file → accept),
    over the cases that reached both. Each event happens once per case, so the join pairs them 1:1."""
    start, end = aliased(CaseEventRow), aliased(CaseEventRow)
    q = (select(func.count(), func.avg(_seconds(session, start.at, end.at)))
         .select_from(start)
         .join(end, sa.and_(end.case_id == start.case_id, col(end.action).in_(list(end_actions))))
         .join(RepairCase, RepairCase.id == start.case_id)
         .where(start.action == start_action))
    n, mean = session.exec(_in_region(q, region_prefix)).one()
    return StageTime(cases=int(n), mean_seconds=float(mean) if mean is not None else None)
