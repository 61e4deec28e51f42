"""Turns letters into PDFs with WeasyPrint: the Jinja2 template of templates/letters/, the GB/T 9704 page
of letter.css, and the letter faces of documents/fonts.py with their subsets embedded.

Speed: the stylesheet, the font configuration and the faces are made once per thread and reused (a fresh
`HTML(...).write_pdf()` parses and loads all of that for every letter), and `layout_reuse` spares
WeasyPrint the page styles and line breaks it would otherwise compute again for every page and letter.
A batch is one document, one letter per page group, laid out in one pass and cut into one PDF per
letter. Layout is pure Python and holds the GIL, so a threaded worker lays out on one core however many
letters it has: `render_batch` hands the chunks of a batch to a pool of processes, one per core.
"""

from __future__ import annotations

import atexit
import gc
import os
import threading
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import jinja2
import markupsafe

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
REMINDER = "letters/reminder_letter.html"
_local = threading.local()


class LetterRenderer:
    """Not shared between threads (WeasyPrint's font configuration is not thread-safe): see `renderer()`."""

    def __init__(self, fonts_dir: Path, templates: Path = TEMPLATES) -> None:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        from documents import layout_reuse
        from documents.fonts import font_face_css, letter_faces

        layout_reuse.install()
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(templates), autoescape=True,
                                 undefined=jinja2.StrictUndefined)
        self.env = env
        self.template = env.get_template(REMINDER)
        self.font_config = FontConfiguration()
        css = font_face_css(letter_faces(fonts_dir)) + (templates / "letters" / "letter.css").read_text("utf-8")
        self.css = CSS(string=css, font_config=self.font_config)

    def html(self, letters: Sequence[dict[str, Any]], title: str, template: str = "") -> str:
        chosen = self.env.get_template(template) if template else self.template
        body = "".join(chosen.render(l=letter) for letter in letters)
        return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{markupsafe.escape(title)}'
                f"</title></head><body>{body}</body></html>")

    def render_one(self, letter: dict[str, Any], template: str = "") -> bytes:
        """One letter; `template` another document of templates/letters/ on the same page and faces (the
        repair decision), the reminder letter by default."""
        from weasyprint import HTML

        from documents.pdfcut import compressing

        return HTML(string=self.html([letter], letter["title"], template)).write_pdf(  # type: ignore[no-any-return]
            stylesheets=[self.css], font_config=self.font_config, finisher=compressing)

    def render_many(self, letters: Sequence[dict[str, Any]]) -> list[bytes]:
        """One PDF per letter, laid out as one document and cut before it is written (`pdfcut`)."""
        from weasyprint import HTML

        from documents.pdfcut import Cutter

        if len(letters) == 1:
            return [self.render_one(letters[0])]
        document = HTML(string=self.html(letters, "告知书")).render(stylesheets=[self.css],
                                                                  font_config=self.font_config)
        starts = [page for page, box in enumerate(document.pages) if _starts_letter(box)]
        if len(starts) != len(letters):
            raise RuntimeError(f"{len(letters)} letters laid out with {len(starts)} first pages")
        cutter = Cutter(list(zip(starts, [*starts[1:], len(document.pages)], strict=True)),
                        [letter["title"] for letter in letters])
        document.write_pdf(finisher=cutter)  # the batch file it writes after the cut is dropped
        return cutter.pdfs


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

CHUNK = 25  # letters a process lays out as one document: fonts shared by 25, and chunks enough to balance
POOLED = 8  # fewer letters than this are laid out here: two processes would save less than the round trip
_pool_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None
_pool_key: tuple[Path, int] | None = None


def render_batch(fonts_dir: Path, letters: Sequence[dict[str, Any]], processes: int | None = None) -> list[bytes]:
    """One PDF per letter, in order. A batch worth splitting is laid out in chunks by the render processes
    (a thread of this process would share one core with everything else); a few letters stay here, where
    a pickled round trip would cost more than it saves."""
    processes = processes or _cores()
    size = min(CHUNK, -(-len(letters) // processes))
    if processes < 2 or len(letters) < POOLED:
        return renderer(fonts_dir).render_many(letters)
    chunks = [letters[start:start + size] for start in range(0, len(letters), size)]
    pool = _render_pool(fonts_dir, processes)
    try:
        return [pdf for pdfs in pool.map(_render_chunk, [fonts_dir] * len(chunks), chunks) for pdf in pdfs]
    except BrokenProcessPool:
        _shut_pool(pool)  # a render process died (killed, out of memory): the next batch gets a new pool
        raise


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _render_pool(fonts_dir: Path, processes: int) -> ProcessPoolExecutor:
    """Made on the first batch and kept: a render process takes a second or two to import WeasyPrint and
    load the faces, paid once. Spawned, not forked: the caller is a thread of a process that runs the
    Temporal SDK's threads, and a fork copies their locks in whatever state they are."""
    import multiprocessing

    global _pool, _pool_key
    with _pool_lock:
        if _pool is None or _pool_key != (fonts_dir, processes):
            if _pool is not None:
                _pool.shutdown(wait=False, cancel_futures=True)
            _pool = ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn"),
                                        initializer=_start_render_process, initargs=(fonts_dir,))
            _pool_key = (fonts_dir, processes)
        return _pool


def _shut_pool(pool: ProcessPoolExecutor) -> None:
    global _pool
    with _pool_lock:
        if _pool is pool:
            _pool = None
    pool.shutdown(wait=False, cancel_futures=True)


def _start_render_process(fonts_dir: Path) -> None:
    """A render process only renders. Layout makes and drops objects by the hundred thousand, and each
    collection walks the modules, stylesheet and font configuration the process keeps: those are made
    first and frozen out of the collector's sight, and the young generation is collected less often."""
    threading.Thread(target=_end_with_parent, name="render-parent-watch", daemon=True).start()
    renderer(fonts_dir)
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)


def _end_with_parent() -> None:
    """A worker killed outright (SIGKILL, out of memory) says nothing to its render processes, and an
    idle one waits on a queue its siblings still hold open: without this it would live on, orphaned."""
    import multiprocessing
    from multiprocessing.connection import wait

    parent = multiprocessing.parent_process()
    if parent is not None:
        wait([parent.sentinel])
        os._exit(0)


def _render_chunk(fonts_dir: Path, letters: Sequence[dict[str, Any]]) -> list[bytes]:
    return renderer(fonts_dir).render_many(letters)


@atexit.register
def _drop_renderers() -> None:
    """WeasyPrint's font configuration cleans up through cffi in __del__, which fails noisily when it runs
    during interpreter shutdown: let it go while the interpreter is still whole. The render processes are
    told to stop too (when this process goes without a word, `_end_with_parent` ends them)."""
    if _pool is not None:
        _shut_pool(_pool)
    for made in _made:
        made.__dict__.clear()
    _made.clear()
    _local.__dict__.clear()
