"""One exception for every refusal the rules make, carrying a stable code for systems and a Chinese
message for people; api/ maps it to HTTP in one place."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    def __init__(self, code: str, message: str, **details: Any) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.details = details
