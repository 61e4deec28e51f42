"""What the pages share to file an application: the form's fields read back, the records shown with their
eligibility, and a refusal turned into messages next to the fields it concerns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from api.errors import ApiError, status_of
from domain.errors import CATALOGUE, DomainError


@dataclass
class FormState:
    """What was typed (kept when the form comes back with errors) and the errors by field."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    general: str = ""

    def refuse(self, failure: ApiError | DomainError) -> None:
        where = CATALOGUE[failure.code].field  # which field a refusal belongs to: the catalogue says
        if where:
            self.errors[where] = failure.message
        else:
            self.general = failure.message


refusal_status = status_of  # the HTTP status a refusal is answered with (one mapping: api/errors.py)
