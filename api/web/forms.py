"""What the pages share to file an application: the form's fields read back, the records shown with their
eligibility, and a refusal turned into messages next to the fields it concerns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from api.errors import ApiError, status_of
from domain.errors import DomainError

# Which field a refusal belongs to, so the message appears next to it.
FIELD_OF = {"COMMITMENT_REQUIRED": "commitment", "INVALID_PHONE": "contact_phone", "INVALID_RECORD_IDS": "record_ids",
            "NOT_ELIGIBLE": "record_ids", "UNKNOWN_RECORD": "record_ids", "CASE_OPEN": "record_ids",
            "INVALID_SUBJECT": "subject", "MISSING_FIELD": "contact_phone", "PROOF_REQUIRED": "record_ids",
            "UNKNOWN_MATERIAL": "record_ids", "REASON_REQUIRED": "reason",
            "COMMENT_REQUIRED": "comment", "COMMENT_TOO_LONG": "comment", "INVALID_RATING": "rating"}


@dataclass
class FormState:
    """What was typed (kept when the form comes back with errors) and the errors by field."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    general: str = ""

    def refuse(self, failure: ApiError | DomainError) -> None:
        where = FIELD_OF.get(failure.code)
        if where:
            self.errors[where] = failure.message
        else:
            self.general = failure.message


refusal_status = status_of  # the HTTP status a refusal is answered with (one mapping: api/errors.py)
