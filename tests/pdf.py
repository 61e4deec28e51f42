"""Reading PDFs back as a person (or a printer) would: the text poppler extracts, the fonts it finds."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path


def _poppler(tool: str, pdf: bytes, *args: str) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        return subprocess.run([tool, *args, f.name, *(["-"] if tool == "pdftotext" else [])], check=True,
                              capture_output=True, text=True).stdout


def pdf_text(pdf: bytes) -> str:
    """The text with line breaks removed (a sentence may wrap anywhere in Chinese)."""
    return "".join(_poppler("pdftotext", pdf, "-enc", "UTF-8").split())


def pdf_pages(pdf: bytes) -> list[str]:
    """The text of each page, line breaks removed as in pdf_text (pdftotext ends every page with a form feed)."""
    pages = _poppler("pdftotext", pdf, "-enc", "UTF-8").split("\f")
    if not pages[-1].strip():
        pages.pop()  # what follows the last page's form feed
    return ["".join(page.split()) for page in pages]


def pdf_fonts(pdf: bytes) -> list[dict[str, str]]:
    lines = _poppler("pdffonts", pdf).splitlines()[2:]
    fonts = []
    for line in lines:
        cols = line.split()
        # name type... encoding emb sub uni object ID: the flags are the 5th to 3rd columns from the end
        fonts.append({"name": cols[0], "emb": cols[-5], "sub": cols[-4], "uni": cols[-3]})
    return fonts


def pdf_info(pdf: bytes) -> dict[str, str]:
    out = _poppler("pdfinfo", pdf)
    return {k.strip(): v.strip() for k, v in (line.split(":", 1) for line in out.splitlines() if ":" in line)}


__all__ = ["pdf_text", "pdf_pages", "pdf_fonts", "pdf_info", "Path"]
