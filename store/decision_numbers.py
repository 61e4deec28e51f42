"""The numbers of repair decisions: one per case, in sequence per handling authority and year, none skipped
and none given twice, however many decisions are rendered at the same moment.

The sequence is a counter row per (handler, year), advanced by one upsert (`INSERT … ON CONFLICT DO UPDATE
… RETURNING`, the same statement on SQLite and PostgreSQL). On PostgreSQL the upsert locks the row, so
concurrent allocations queue on it until the holder commits or rolls back, and none of them fails for it;
on SQLite it is the first write of its transaction, which takes the database's write lock. The case's
number is inserted in the same transaction: a transaction that fails gives its increment back, so the
counter moves only with a number that is kept (gapless), and the unique (handler, year, seq) stands behind it.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlmodel import Session

from domain.authorities import decision_no
from store.db import session_scope
from store.models import DecisionCounter, DecisionNumber


def get(session: Session, case_id: str) -> DecisionNumber | None:
    return session.get(DecisionNumber, case_id)


def allocate(engine: Engine, *, case_id: str, handler: str, year: int, prefix: str) -> DecisionNumber:
    """The case's number, taken in a transaction of its own and committed before the caller renders with
    it; the number taken before when there is one (a retried activity, a second render).

    Two renders of one case at the same moment both advance the counter: the second's insert then meets
    the first's row (the primary key), its transaction rolls back with its increment, and it answers the
    first's number."""
    try:
        with session_scope(engine) as session:
            return get(session, case_id) or _take(session, case_id, handler, year, prefix)
    except sa.exc.IntegrityError:
        with session_scope(engine) as session:
            found = get(session, case_id)
        if found is None:  # not the case's own row that stood in the way: the counter and the numbers disagree
            raise
        return found


def _take(session: Session, case_id: str, handler: str, year: int, prefix: str) -> DecisionNumber:
    seq = session.execute(_advance(session), {"handler": handler, "year": year}).scalar_one()
    number = DecisionNumber(case_id=case_id, handler=handler, year=year, seq=seq,
                            doc_no=decision_no(prefix, year, seq), allocated_at=datetime.now(UTC))
    session.add(number)
    session.flush()
    return number


def _advance(session: Session) -> sa.Insert:
    """The counter's next value for (:handler, :year), 1 for a new pair; the dialect's own insert, as the
    upsert clause is not in SQLAlchemy's generic one (the SQL it writes is the same on both)."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    counter = DecisionCounter.__table__.c  # type: ignore[attr-defined]
    insert = dialect.insert(DecisionCounter).values(handler=sa.bindparam("handler"), year=sa.bindparam("year"),
                                                    last_seq=1)
    return insert.on_conflict_do_update(  # type: ignore[no-any-return]
        index_elements=[counter.handler, counter.year], set_={"last_seq": counter.last_seq + 1},
    ).returning(counter.last_seq)
