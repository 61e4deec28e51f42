"""Correcting a registered record (更正): a wrong amount, a wrong subject name, a wrong summary of the facts,
told by the issuer after registration (issue 11, a record's whole life). Versioned: the record keeps its
number of versions and each correction is kept with the values it replaced, so what a site showed on a day
can be told; every site is sent the new content. The fields that decide the publicity period (the kind, the
severity, the penalty types, the decision's date) are not corrected here: a record wrong in those is
withdrawn and registered again, so its period and eligibility are computed afresh."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from domain.errors import Code, DomainError

CORRECTABLE = {"subject_name": "主体名称", "fine_amount": "罚款金额", "summary": "事由"}


def changes(current: dict[str, str | None], asked: dict[str, str | None]) -> dict[str, tuple[str | None, str | None]]:
    """The fields `asked` changes, each with its (old, new) value; refused when it changes none (the same
    values again are no correction) or names a field that cannot be corrected."""
    unknown = sorted(set(asked) - set(CORRECTABLE))
    if unknown:
        raise DomainError(Code.NOT_CORRECTABLE, f"这些字段不能更正：{'、'.join(unknown)}", fields=unknown)
    found: dict[str, tuple[str | None, str | None]] = {}
    for field, new in asked.items():
        old = current.get(field)
        if field == "fine_amount":
            new = _amount(new)
            old = _amount(old)
        if (new or None) != (old or None):
            found[field] = (old, new)
    if not found:
        raise DomainError(Code.NOTHING_TO_CORRECT)
    return found


def checked_claim(claimed: dict[str, str]) -> dict[str, str]:
    """What an objection says the content should be: correctable fields only, an amount as a correction's
    (two decimals, above zero), empty values dropped."""
    unknown = sorted(set(claimed) - set(CORRECTABLE))
    if unknown:
        raise DomainError(Code.NOT_CORRECTABLE, f"这些内容不能申请更正：{'、'.join(unknown)}", fields=unknown)
    found = {f: v.strip() for f, v in claimed.items() if v and v.strip()}
    if "fine_amount" in found:
        found["fine_amount"] = _amount(found["fine_amount"]) or ""
    return found


def _amount(value: str | None) -> str | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise DomainError(Code.INVALID_FINE_AMOUNT) from None
    if amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise DomainError(Code.INVALID_FINE_AMOUNT)
    return f"{amount:.2f}"
