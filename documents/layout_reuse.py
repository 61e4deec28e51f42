"""What WeasyPrint computes again and again for a batch of letters, made once and reused.

- **Page styles.** WeasyPrint computes the style of every page and of its sixteen margin boxes afresh,
  because a page's type includes its number (for `:nth()` selectors), so no two pages share one. Pages
  that match the same `@page` rules get the same declarations and so the same computed styles: the
  first page of each kind computes them and the others share them. A batch of letters has two kinds of
  page (a letter's first, which resets the page number, and the rest); computing their styles page by
  page was about a fifth of the layout.
- **Line breaks.** Each line of a paragraph is found by shaping the rest of the paragraph with Pango.
  The letters of a batch share most of their wording (the conditions, the materials, the ways to apply,
  the free-of-charge notice), so the same line was broken the same way letter after letter. What
  `split_first_line` answers depends only on the text, the width, and the text properties of the style
  (checked against its source): answers are kept, a bounded number of them, and reused.
- **Smaller repeats:** a line's strut, kept on its style instead of under a string key built on every
  call; the used values of the empty margin boxes, fifteen on every page, taken from the first of them.

These replace functions of WeasyPrint's modules, so they are tied to the version they were checked
against: with any other version `install` leaves WeasyPrint alone and letters are slower, never
different. tests/documents/test_layout_reuse.py renders letters with and without and compares every
page pixel for pixel; its first test fails on a new WeasyPrint, which is the moment to check again.
"""

from __future__ import annotations

import copy
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

log = logging.getLogger(__name__)

CHECKED_VERSIONS = ("70.",)  # WeasyPrint versions whose source these replacements were checked against
LINES_KEPT = 8_000  # line-break answers kept per font configuration: about 1.2 KB each, so 10 MB; starts over when full

# Every style property split_first_line reads, directly or through Layout (setup, set_text, set_tabs),
# first_line_metrics and line_size: two styles equal on these break a text the same way.
TEXT_PROPERTIES = (
    "font_family", "font_style", "font_stretch", "font_weight", "font_size", "font_variant_caps",
    "font_variation_settings", "font_kerning", "font_variant_ligatures", "font_variant_position",
    "font_variant_numeric", "font_variant_alternates", "font_variant_east_asian", "font_feature_settings",
    "font_language_override", "lang", "direction", "text_decoration_line", "white_space", "word_spacing",
    "letter_spacing", "overflow_wrap", "word_break", "tab_size", "hyphens", "hyphenate_character",
    "hyphenate_limit_chars", "hyphenate_limit_zone",
)

_lock = threading.Lock()
_originals: dict[tuple[str, str], Any] = {}


def install() -> bool:
    """Puts the reusing functions in place, once per process; False (and nothing changed) when this
    WeasyPrint is not a version they were checked against."""
    import weasyprint

    with _lock:
        if _originals:
            return True
        if not weasyprint.__version__.startswith(CHECKED_VERSIONS):
            log.warning("WeasyPrint %s is not one the layout reuse was checked against (%s): letters are "
                        "laid out without it", weasyprint.__version__, ", ".join(CHECKED_VERSIONS))
            return False
        for module, name, _ in _places():
            _originals[module.__name__, name] = getattr(module, name)
        _swap(reused=True)
        return True


def installed() -> bool:
    return bool(_originals)


@contextmanager
def suspended() -> Iterator[None]:
    """WeasyPrint as it comes, for the length of the block (the tests' reference, the naive baseline of
    bench/letters.py). Not for use while other threads lay out."""
    with _lock:
        active = bool(_originals)
        if active:
            _swap(reused=False)
    try:
        yield
    finally:
        with _lock:
            if active:
                _swap(reused=True)


def _places() -> list[tuple[Any, str, Any]]:
    """(module, name, replacement): a module that imported a function by name has its own name replaced."""
    from weasyprint.layout import inline, page, preferred
    from weasyprint.text import line_break

    return [(line_break, "split_first_line", _split_first_line), (inline, "split_first_line", _split_first_line),
            (preferred, "split_first_line", _split_first_line), (inline, "strut", _strut),
            (page, "set_page_type_computed_styles", _set_page_type_computed_styles),
            (page, "resolve_percentages", _resolve_percentages)]


def _swap(reused: bool) -> None:
    for module, name, replacement in _places():
        setattr(module, name, replacement if reused else _originals[module.__name__, name])


def _original(module: str, name: str) -> Any:
    return _originals[f"weasyprint.{module}", name]


def _split_first_line(text: str, style: Any, context: Any, max_width: Any, justification_spacing: Any,
                      is_line_start: bool = True, minimum: bool = False) -> tuple[Any, ...]:
    """WeasyPrint's split_first_line, answered from the store when the same line was broken before. The
    layout it returns has already let go of its Pango objects (they are made again to draw), so a copy
    of the kept one is as good as a fresh one, and the kept one is never handed out. The answers live on
    the font configuration they were found with (a renderer's, one per thread), and go with it."""
    original = _original("text.line_break", "split_first_line")
    lines = style.font_config.__dict__.setdefault("_xiufu_lines", {})
    try:
        key = (text, max_width, justification_spacing, is_line_start, minimum,
               *(style[name] for name in TEXT_PROPERTIES))
        kept = lines.get(key)
    except TypeError:  # a value that cannot be a key (a list): break the line as WeasyPrint does
        return original(text, style, context, max_width, justification_spacing, is_line_start, minimum)  # type: ignore[no-any-return]
    if kept is None:
        kept = original(text, style, context, max_width, justification_spacing, is_line_start, minimum)
        if len(lines) >= LINES_KEPT:
            lines.clear()
        lines[key] = kept
    layout, *metrics = kept
    return (copy.copy(layout), *metrics)


def _set_page_type_computed_styles(page_type: Any, html: Any, style_for: Any) -> None:
    """WeasyPrint's set_page_type_computed_styles, computed once for each set of matching `@page` rules
    in a document and shared by every page that matches the same set."""
    matching = tuple(style_for._page_type_match(selector_type, page_type)
                     for sheet, _origin, _specificity in style_for._sheets
                     for _rule, selectors, _declarations in sheet.page_rules
                     for _selector_specificity, _pseudo_type, selector_type in selectors)
    shared = style_for.__dict__.setdefault("_xiufu_page_styles", {})
    first = shared.get(matching)
    computed = style_for._computed_styles
    if first is None:
        _original("layout.page", "set_page_type_computed_styles")(page_type, html, style_for)
        shared[matching] = (page_type, [pseudo for element, pseudo in computed if element == page_type])
        return
    first_type, pseudo_types = first
    for pseudo in pseudo_types:
        computed[page_type, pseudo] = computed[first_type, pseudo]


def _strut(style: Any) -> tuple[float, float]:
    """WeasyPrint's strut (a line's height and baseline from the font and line-height), kept on the style
    it was asked for: WeasyPrint keeps it too, but under a key it builds as a string on every call, twice
    for each piece of text laid out. A computed style's font and line-height do not change."""
    kept = style.__dict__.get("_xiufu_strut")
    if kept is None:
        kept = style.__dict__["_xiufu_strut"] = _original("layout.inline", "strut")(style)
    return kept  # type: ignore[no-any-return]


def _resolve_percentages(box: Any, containing_block: Any) -> None:
    """WeasyPrint's resolve_percentages, as the page layout calls it; for a margin box with no content
    (fifteen of the sixteen on a letter's page: only the foot's centre holds the page number), the
    values it sets are those it set for the first such box of the same style and containing block. What
    it sets depends on nothing else, and a margin box is always a fresh box."""
    from weasyprint.formatting_structure.boxes import MarginBox

    resolve = _original("layout.page", "resolve_percentages")
    if type(box) is not MarginBox or box.is_generated or not isinstance(containing_block, tuple):
        resolve(box, containing_block)
        return
    kept = box.style.__dict__.setdefault("_xiufu_empty_margin_box", {})
    values = kept.get(containing_block)
    if values is None:
        before = dict(box.__dict__)
        resolve(box, containing_block)
        kept[containing_block] = {k: v for k, v in box.__dict__.items() if k not in before or before[k] is not v}
        return
    box.__dict__.update(values)
