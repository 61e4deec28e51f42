"""Post-processing of the PDF WeasyPrint is about to write (its `finisher` hook hands over the pydyf
document before the trailer): cheaper stream compression, and the cut of a batch into one file per letter.

Why not pypdf for the cut: it parses the batch back and clones every object of every letter, the faces'
width arrays number by number, which cost about as much as writing the batch. Here the objects are still
the pydyf ones: each is serialised once, and a letter's file is its pages and what they reach (resources,
faces, colour spaces) copied as bytes, renumbered, with a catalogue and a page tree of its own.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Sequence
from typing import Any

# zlib level for streams. pydyf compresses with 9, which for the embedded faces (most of a letter's bytes)
# takes three to four times as long as 3 and saves about 2 % of the file.
LEVEL = 3
_REFERENCE = re.compile(rb"(\d+) 0 R")
_STREAM = b"\nstream\n"


def compress_streams(pdf: Any, level: int = LEVEL) -> None:
    """Compresses every stream pydyf would compress, once, at `level`: pydyf compresses each time a
    stream is serialised, and a cut serialises the shared faces once per letter otherwise."""
    import pydyf

    for item in pdf.objects:
        if isinstance(item, pydyf.Stream) and item.compress:
            item.compress = False
            plain = item.data
            raw = plain[plain.index(_STREAM) + len(_STREAM):-len(b"\nendstream")]
            item.stream = [zlib.compress(raw, level)]
            item.extra["Filter"] = "/FlateDecode"


def compressing(pdf_document: Any, pdf: Any) -> None:
    """A WeasyPrint finisher: only `compress_streams`."""
    compress_streams(pdf)


class Cutter:
    """A WeasyPrint finisher that keeps, besides the batch it lets WeasyPrint write, one PDF per page
    range in `pdfs`, each titled with its own title."""

    def __init__(self, ranges: Sequence[tuple[int, int]], titles: Sequence[str]) -> None:
        self.ranges = list(ranges)
        self.titles = list(titles)
        self.pdfs: list[bytes] = []

    def __call__(self, pdf_document: Any, pdf: Any) -> None:
        compress_streams(pdf)
        self.pdfs = cut(pdf, self.ranges, self.titles)


def cut(pdf: Any, ranges: Sequence[tuple[int, int]], titles: Sequence[str]) -> list[bytes]:
    objects = {item.number: item for item in pdf.objects if item.number and item.free != "f"}
    serialised: dict[int, bytes] = {}

    def data(number: int) -> bytes:
        if number not in serialised:
            serialised[number] = objects[number].data
        return serialised[number]

    kids = pdf.pages["Kids"][0::3]  # pydyf keeps the page references flat: number, generation, "R"
    extra = _catalogue_extra(pdf)
    return [_one_file([kids[page] for page in range(start, end)], pdf.pages.number, data, extra,
                      _info(pdf, title))
            for (start, end), title in zip(ranges, titles, strict=True)]


def _info(pdf: Any, title: str) -> bytes:
    import pydyf

    info = pydyf.Dictionary(pdf.info)
    info["Title"] = pydyf.String(title)
    return info.data  # type: ignore[no-any-return]


def _catalogue_extra(pdf: Any) -> bytes:
    """What the letter's catalogue keeps of the batch's: the language (for text extraction and screen
    readers). The outline is left out: its entries point at the other letters' pages."""
    lang = pdf.catalog.get("Lang")
    return b"/Lang " + lang.data if lang is not None else b""


def _one_file(pages: list[int], page_tree: int, data: Callable[[int], bytes], catalogue_extra: bytes,
              info: bytes) -> bytes:
    """Numbers: 1 the catalogue, 2 the page tree, then the pages and what they reach, in reaching order."""
    order = _reached(pages, page_tree, data)
    new = {old: number for number, old in enumerate(order, 3)} | {page_tree: 2}
    kids = b" ".join(b"%d 0 R" % new[page] for page in pages)
    bodies = [b"<</Type /Catalog/Pages 2 0 R" + catalogue_extra + b">>",
              b"<</Type /Pages/Kids [" + kids + b"]/Count %d>>" % len(pages),
              *(_renumbered(data(old), new) for old in order), info]
    return _file(bodies)


def _reached(pages: list[int], page_tree: int, data: Callable[[int], bytes]) -> list[int]:
    order, seen = [], {page_tree}
    todo = list(pages)
    while todo:
        number = todo.pop(0)
        if number in seen:
            continue
        seen.add(number)
        order.append(number)
        todo.extend(int(found) for found in _REFERENCE.findall(_dictionary(data(number))))
    return order


def _dictionary(body: bytes) -> bytes:
    """The part of an object that may hold references: all of it, or a stream's dictionary."""
    end = body.find(_STREAM)
    return body if end < 0 else body[:end]


def _renumbered(body: bytes, new: dict[int, int]) -> bytes:
    head = _dictionary(body)
    return _REFERENCE.sub(lambda found: b"%d 0 R" % new[int(found[1])], head) + body[len(head):]


def _file(bodies: list[bytes]) -> bytes:
    """A classic cross-reference table; the last body is the document information."""
    parts = [b"%PDF-1.7\n%\xf0\x9f\x96\xa4\n"]
    offsets, position = [], len(parts[0])
    for number, body in enumerate(bodies, 1):
        part = b"%d 0 obj\n%s\nendobj\n" % (number, body)
        offsets.append(position)
        parts.append(part)
        position += len(part)
    parts.append(b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1))
    parts.extend(b"%010d 00000 n \n" % offset for offset in offsets)
    parts.append(b"trailer\n<</Size %d/Root 1 0 R/Info %d 0 R>>\nstartxref\n%d\n%%%%EOF\n"
                 % (len(bodies) + 1, len(bodies), position))
    return b"".join(parts)
