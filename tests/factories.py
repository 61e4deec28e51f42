"""Small builders of valid test data (identifiers with correct check characters, record bodies)."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from devstack import sample_uscc
from domain.identifiers import id_number_check_char

_counter = itertools.count(1)


def uscc(seed: int | None = None) -> str:
    """A valid 18-character USCC for a company registered in Nanjing (9 1 320100 + organisation code)."""
    return sample_uscc(seed if seed is not None else next(_counter) * 7919)


def id_number(born: date = date(1990, 1, 1), seq: int = 123) -> str:
    first17 = f"320102{born:%Y%m%d}{seq:03d}"
    return first17 + id_number_check_char(first17)


def record_body(**over: Any) -> dict[str, Any]:
    n = next(_counter)
    body: dict[str, Any] = {
        "kind": "penalty",
        "record_no": f"宁市监罚〔2026〕{n}号",
        "issuer": "320100-market_regulation",
        "severity": "general",
        "decided_on": "2026-03-10",
        "subject": {"uscc": uscc(n), "name": f"南京测试{n}有限公司", "contact_phone": "13812345678"},
        "penalty_types": ["罚款"],
        "fine_amount": "5000.00",
        "summary": "未按规定公示年度报告",
        # the issuer confirmed the fine paid (shared data): the application asks for no proof upload
        "obligations_fulfilled": True,
    }
    body.update(over)
    return body
