"""Which letters are rendered, and where their files are."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, select

from store.models import CreditRecord, DecisionLetter, Letter


def get(session: Session, record_id: str) -> Letter | None:
    return session.get(Letter, record_id)


def missing(session: Session, record_ids: Sequence[str]) -> list[CreditRecord]:
    """The records among `record_ids` that have no letter yet, in the order given."""
    if not record_ids:
        return []
    have = set(session.exec(select(Letter.record_id).where(Letter.record_id.in_(record_ids))))  # type: ignore[attr-defined]
    rows = {r.id: r for r in session.exec(select(CreditRecord).where(CreditRecord.id.in_(record_ids)))}  # type: ignore[attr-defined]
    return [rows[rid] for rid in dict.fromkeys(record_ids) if rid in rows and rid not in have]


def save_once(session: Session, letter: Letter) -> None:
    if session.get(Letter, letter.record_id) is None:
        session.add(letter)


def get_decision(session: Session, case_id: str) -> DecisionLetter | None:
    return session.get(DecisionLetter, case_id)


def save_decision_once(session: Session, letter: DecisionLetter) -> None:
    if session.get(DecisionLetter, letter.case_id) is None:
        session.add(letter)
