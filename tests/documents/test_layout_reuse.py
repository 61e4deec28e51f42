"""documents/layout_reuse changes how fast letters are laid out, never how they look: every page of a
varied batch is compared, pixel for pixel, with WeasyPrint laying it out as it comes."""

from __future__ import annotations

import subprocess
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlmodel import Session

from activities.letters import letter_content
from config.rules import rules_for
from config.settings import get_settings
from documents import layout_reuse
from documents.render import LetterRenderer
from domain.access import Principal
from domain.model import Role
from services.commands import RecordCreate
from services.registering import register
from store.db import engine_for, session_scope
from store.migrate import upgrade
from store.models import CreditRecord
from tests import factories


@pytest.fixture(scope="module")
def letters() -> list[dict]:
    """Letters that differ the ways real ones do: channel, handler, kind, addressee, long and short names."""
    settings = get_settings()
    upgrade(settings.db_url)
    rules = rules_for(settings.config_dir)
    bodies = [
        factories.record_body(issuer="320100-market_regulation", subject={"uscc": factories.uscc(720_001),
                                                                          "name": "南京示例餐饮店"}),
        factories.record_body(issuer="320200-transport", decided_on="2026-03-31",
                              subject={"uscc": factories.uscc(720_002),
                                       "name": "无锡市示例物流运输集团股份有限公司第七分公司"}),
        factories.record_body(kind="serious_list", issuer="320100-court", severity="serious", penalty_types=[],
                              subject={"id_number": factories.id_number(), "name": "张三"}),
        factories.record_body(issuer="320500-tax", decided_on="2025-12-01",
                              subject={"uscc": factories.uscc(720_004), "name": "苏州示例科技有限公司"}),
        factories.record_body(issuer="320100-market_regulation", subject={"uscc": factories.uscc(720_005),
                                                                          "name": "南京示例第二餐饮店"}),
    ]
    ids = []
    with session_scope(engine_for(settings.db_url)) as session:
        for body in bodies:
            row, _ = register(session, rules, Principal("admin", Role.ADMIN), RecordCreate(**body),
                              date(2026, 11, 26), datetime.now(UTC))
            ids.append(row.id)
    with Session(engine_for(settings.db_url)) as s:
        return [letter_content(s.get(CreditRecord, record_id), settings) for record_id in ids]


def pages(pdf: bytes) -> list[bytes]:
    with tempfile.TemporaryDirectory() as out:
        (Path(out) / "in.pdf").write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", "100", "-png", f"{out}/in.pdf", f"{out}/page"], check=True)
        return [p.read_bytes() for p in sorted(Path(out).glob("page-*.png"))]


def test_the_reuse_is_on_for_this_weasyprint():
    """Fails when WeasyPrint is upgraded past the versions checked: read its source again, then add it."""
    LetterRenderer(get_settings().fonts_dir)
    assert layout_reuse.installed()


def counting(monkeypatch, module: str, name: str) -> list[int]:
    """Counts the calls that reach WeasyPrint's own function behind the reuse."""
    calls = [0]
    original = layout_reuse._originals[module, name]

    def counted(*args, **kwargs):
        calls[0] += 1
        return original(*args, **kwargs)

    monkeypatch.setitem(layout_reuse._originals, (module, name), counted)
    return calls


def test_letters_look_the_same_with_and_without_the_reuse(letters, monkeypatch):
    renderer = LetterRenderer(get_settings().fonts_dir)
    with layout_reuse.suspended():
        plain = renderer.render_many(letters)
    page_styles = counting(monkeypatch, "weasyprint.layout.page", "set_page_type_computed_styles")
    line_breaks = counting(monkeypatch, "weasyprint.text.line_break", "split_first_line")
    reused = renderer.render_many(letters)
    assert page_styles[0] == 2  # two kinds of page (a letter's first, the rest) for all the batch's pages
    broken_first = line_breaks[0]
    reused_again = renderer.render_many(letters)  # now every line comes from what was kept
    assert broken_first > 0 and line_breaks[0] == broken_first
    single = renderer.render_one(letters[1])
    assert len(plain) == len(reused) == len(letters)
    for before, after, again in zip(plain, reused, reused_again, strict=True):
        first = pages(before)
        assert len(first) >= 2
        assert pages(after) == first and pages(again) == first
    assert pages(single) == pages(plain[1])
