"""Turns letters into PDFs with WeasyPrint: the Jinja2 template of templates/letters/, the GB/T 9704 page
of letter.css, and the letter faces of activities/fonts.py with their subsets embedded.

Speed: the stylesheet, the font configuration and the faces are made once per thread and reused (a fresh
`HTML(...).write_pdf()` parses and loads all of that for every letter). A batch is one document, one
letter per page group, laid out in one pass and cut into one PDF per letter.
"""

from __future__ import annotations

import atexit
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jinja2
import markupsafe

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
_local = threading.local()


class LetterRenderer:
    """Not shared between threads (WeasyPrint's font configuration is not thread-safe): see `renderer()`."""

    def __init__(self, fonts_dir: Path, templates: Path = TEMPLATES) -> None:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        from activities.fonts import font_face_css, letter_faces

        env = jinja2.Environment(loader=jinja2.FileSystemLoader(templates), autoescape=True,
                                 undefined=jinja2.StrictUndefined)
        self.template = env.get_template("letters/reminder_letter.html")
        self.font_config = FontConfiguration()
        css = font_face_css(letter_faces(fonts_dir)) + (templates / "letters" / "letter.css").read_text("utf-8")
        self.css = CSS(string=css, font_config=self.font_config)

    def html(self, letters: Sequence[dict[str, Any]], title: str) -> str:
        body = "".join(self.template.render(l=letter) for letter in letters)
        return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{markupsafe.escape(title)}'
                f"</title></head><body>{body}</body></html>")

    def render_one(self, letter: dict[str, Any]) -> bytes:
        from weasyprint import HTML

        return HTML(string=self.html([letter], letter["title"])).write_pdf(  # type: ignore[no-any-return]
            stylesheets=[self.css], font_config=self.font_config)

    def render_many(self, letters: Sequence[dict[str, Any]]) -> list[bytes]:
        """One PDF per letter, laid out as one document."""
        from weasyprint import HTML

        if len(letters) == 1:
            return [self.render_one(letters[0])]
        document = HTML(string=self.html(letters, "告知书")).render(stylesheets=[self.css],
                                                                  font_config=self.font_config)
        starts = [page for page, box in enumerate(document.pages) if _starts_letter(box)]
        if len(starts) != len(letters):
            raise RuntimeError(f"{len(letters)} letters laid out with {len(starts)} first pages")
        ends = [*starts[1:], len(document.pages)]
        return split_pdf(document.write_pdf(), list(zip(starts, ends, strict=True)))


def split_pdf(pdf: bytes, ranges: list[tuple[int, int]]) -> list[bytes]:
    """Cuts a batch PDF into one PDF per page range. The faces embedded once for the batch (a subset of
    what the whole batch uses) are shared by reference, so a cut is a copy, not a render."""
    import io

    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(io.BytesIO(pdf))
    out = []
    for start, end in ranges:
        writer = PdfWriter()
        for page in reader.pages[start:end]:
            writer.add_page(page)
        buffer = io.BytesIO()
        writer.write(buffer)
        out.append(buffer.getvalue())
    return out


def _starts_letter(page: Any) -> bool:
    """A letter starts on the page whose first bookmark is its title (the one h1 of each letter)."""
    return any(level == 1 for level, *_ in page.bookmarks)


def renderer(fonts_dir: Path) -> LetterRenderer:
    made = getattr(_local, "renderer", None)
    if made is None:
        made = _local.renderer = LetterRenderer(fonts_dir)
        _made.append(made)
    return made


_made: list[LetterRenderer] = []


@atexit.register
def _drop_renderers() -> None:
    """WeasyPrint's font configuration cleans up through cffi in __del__, which fails noisily when it runs
    during interpreter shutdown: let it go while the interpreter is still whole."""
    for made in _made:
        made.__dict__.clear()
    _made.clear()
    _local.__dict__.clear()
