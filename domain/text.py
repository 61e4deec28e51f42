"""Text that may reach the store, a page or a log line.

Two rules, each in one place: what text we accept from outside (no control characters, no lone
surrogates: PostgreSQL refuses a NUL in any string and SQLite cannot encode a lone surrogate, so either
would be a 500 after the request had been trusted), and how personal data is masked in text we write
(log lines and tracebacks, where an ID number or a phone may appear inside an error's parameters)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from domain.identifiers import is_valid_id_number, is_valid_mobile, mask_id_number, mask_phone

# C0 controls but tab, line feed and carriage return (a reason or summary may run over lines), DEL, and the
# surrogate code points, which are not characters on their own.
_REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def invalid_text(value: object) -> bool:
    """Whether a value parsed from a request holds text we refuse, anywhere inside lists and mappings."""
    if isinstance(value, str):
        return _REFUSED.search(value) is not None
    if isinstance(value, Mapping):
        return any(invalid_text(k) or invalid_text(v) for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return any(invalid_text(v) for v in value)
    return False


_ID_LIKE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_PHONE_LIKE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def mask_personal_data(text: str) -> str:
    """Every valid ID number and mobile number in `text` masked as the pages mask them. Only numbers that
    pass their own check are touched (an 18-digit USCC is public and almost never a valid ID number)."""
    text = _ID_LIKE.sub(lambda m: mask_id_number(m.group()) if is_valid_id_number(m.group()) else m.group(), text)
    return _PHONE_LIKE.sub(lambda m: mask_phone(m.group()) if is_valid_mobile(m.group()) else m.group(), text)


# What may end a caseworker's reason already, full-width or typed on a Western keyboard: our own sentence
# closes it (审核意见：…。 in the decision, 理由：…。 in an SMS), and GB/T 15834 wants one mark, not 。。
_CLOSING_MARKS = "。．！？；，" + ".!?;,"


def as_clause(reason: str, limit: int | None = None) -> str:
    """A person's words as a clause of our sentence: blanks folded, their closing mark taken off, and at most
    `limit` characters (an SMS), cut with "…"."""
    text = " ".join(reason.split()).rstrip(_CLOSING_MARKS).rstrip()
    return text if limit is None or len(text) <= limit else text[:limit - 1] + "…"
