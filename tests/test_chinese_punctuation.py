"""Chinese text uses Chinese punctuation (GB/T 15834-2011 《标点符号用法》): in what people read (the pages,
the letters, the SMS, every refusal and timeline message) a comma, colon, semicolon, exclamation or
question mark next to a Chinese character is full-width, and parentheses around Chinese text are too.
Checked over the templates, the letters' and SMS wording (config/letters.yaml), the demo identities, and
every string literal holding Chinese in the code people's messages come from (docstrings aside)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import yaml

from domain.errors import CATALOGUE

ROOT = Path(__file__).resolve().parent.parent
CJK = r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef\u2018-\u201d]"  # with the Chinese quotation marks
ASCII_NEXT_TO_CJK = re.compile(rf"(?<={CJK})[,;:!?()]|[,;:!?()](?={CJK})")
PARENS = re.compile(r"\(([^()]*)\)")
# what is not prose: format fields and Jinja, URLs, tags and their attributes, HTML entities
NOT_PROSE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}|\{[^{}]*\}|https?://\S+|<[^>]*>|&#?\w+;", re.S)


def ascii_punctuation(text: str) -> list[str]:
    prose = NOT_PROSE.sub(lambda m: "\0" * len(m.group()), text)
    found = [text[max(0, m.start() - 8):m.end() + 8] for m in ASCII_NEXT_TO_CJK.finditer(prose)]
    found += [m.group() for m in PARENS.finditer(prose) if re.search(CJK, m.group(1))]
    return found


def test_the_check_itself():
    assert ascii_punctuation("请先登录(缺少令牌)") and ascii_punctuation("状态:待受理")
    assert ascii_punctuation("已受理,进入审核") and ascii_punctuation("评价为“差”,请")
    assert ascii_punctuation("{case})已超过办理时限({due})")  # an f-string's parts, around its fields
    assert not ascii_punctuation("请先登录（缺少 Authorization: Bearer 令牌）")
    assert not ascii_punctuation("罚款 20,000.00 元")
    assert not ascii_punctuation("截止日期为{due:%Y-%m-%d}，请") and not ascii_punctuation('<a href="/x">查看</a>')


TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))


@pytest.mark.parametrize("path", TEMPLATES, ids=[str(p.relative_to(ROOT)) for p in TEMPLATES])
def test_the_pages_and_letters(path: Path):
    assert ascii_punctuation(path.read_text(encoding="utf-8")) == []


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


@pytest.mark.parametrize("name", ["letters.yaml", "demo.yaml"])
def test_the_letters_sms_and_demo_wording(name: str):
    data = yaml.safe_load((ROOT / "config" / name).read_text(encoding="utf-8"))
    assert [s for s in _strings(data) if ascii_punctuation(s)] == []


def test_the_error_catalogue():
    assert {code: e.message for code, e in CATALOGUE.items() if ascii_punctuation(e.message)} == {}


def _literals(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
            and re.search(r"[\u4e00-\u9fff]", node.value)]


SOURCES = sorted(p for d in ("domain", "services", "api", "activities", "workflows") for p in (ROOT / d).rglob("*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=[str(p.relative_to(ROOT)) for p in SOURCES])
def test_the_messages_in_the_code(path: Path):
    assert [(line, text) for line, text in _literals(path) if ascii_punctuation(text)] == []
