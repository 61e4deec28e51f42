"""Seconds per repair reminder letter (两书同达): one letter warm, and per letter in a batch of 200 (wall
time over letters, as the render activity does it: chunks over the render processes, started beforehand
as a worker has them; their start is printed apart), beside the naive render (a fresh
`HTML(...).write_pdf()` per letter with the full Noto Serif CJK SC faces) measured in the same run, and
whether the fonts are embedded.

    .venv/bin/python bench/letters.py [--batch 200] [--repeat 5]

Needs Debian's fonts-noto-cjk and libharfbuzz-subset0 (make bench installs them). Last line: one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from devstack import sample_uscc
from documents.render import LetterRenderer, render_batch

ISSUERS = ("320100-market_regulation", "320200-transport", "320500-tax", "320100-ecology_environment",
           "321000-housing_construction")
NAMES = ("江苏省示例建设工程第{n}有限公司", "南京{n}号餐饮店", "无锡市示例物流运输集团股份有限公司第{n}分公司",
         "苏州示例科技{n}有限公司", "扬州市示例环保工程有限责任公司{n}")


def sample_letter(n: int) -> dict:
    """A letter as the render activity makes it for a registered record (the real wording from config). The
    records differ as a real stock does: five issuers (so two channels and five handlers), names of several
    lengths, decision dates over a year, so no two letters of a batch share their dates or numbers."""
    from datetime import UTC, date, datetime, timedelta

    from activities.letters import letter_content
    from config.settings import get_settings
    from store.models import CreditRecord

    issuer = ISSUERS[n % len(ISSUERS)]
    decided = date(2025, 12, 1) + timedelta(days=(n * 37) % 365)
    record = CreditRecord(
        id=f"rec_bench{n}", issuer=issuer, record_no=f"示罚〔2026〕{n * 13 % 9973}号", kind="penalty",
        severity="general", decided_on=decided, subject_key=sample_uscc(n), subject_kind="enterprise",
        subject_name=NAMES[n % len(NAMES)].format(n=n), min_publicity_end=decided + timedelta(days=92),
        max_publicity_end=decided + timedelta(days=365), eligible_from=decided + timedelta(days=93),
        repair_channel="gsxt_js" if issuer.endswith("market_regulation") else "creditchina_js",
        handler=issuer, body_hash="", registered_at=datetime.now(UTC), registered_by="bench")
    return letter_content(record, get_settings())


def naive(renderer: LetterRenderer, letter: dict) -> bytes:
    """What a first version would do: parse everything again, use the whole system faces, WeasyPrint as
    it comes (without documents/layout_reuse)."""
    from weasyprint import HTML

    from documents.layout_reuse import suspended

    css = (Path(__file__).resolve().parent.parent / "templates/letters/letter.css").read_text("utf-8")
    css = css.replace('"XiufuSerifBold", ', "").replace('"XiufuSerif", ', "")
    html = renderer.html([letter], letter["title"]).replace("<head>", f"<head><style>{css}</style>")
    with suspended():
        return HTML(string=html).write_pdf()  # type: ignore[no-any-return]


def fonts_embedded(pdf: bytes) -> bool:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        rows = subprocess.run(["pdffonts", f.name], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    return bool(rows) and all(r.split()[-5] == "yes" and r.split()[-4] == "yes" for r in rows)


def timed(fn, *args) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - start, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as fonts:
        cold, renderer = timed(LetterRenderer, Path(fonts))  # makes the letter faces: once per machine
        first, _ = timed(renderer.render_one, sample_letter(0))
        single = statistics.median(timed(renderer.render_one, sample_letter(n))[0] for n in range(1, args.repeat + 1))
        naive_s = statistics.median(timed(naive, renderer, sample_letter(n))[0] for n in range(1, args.repeat + 1))
        pool_start, _ = timed(render_batch, Path(fonts), [sample_letter(n) for n in range(16)])
        batch_s, pdfs = timed(render_batch, Path(fonts), [sample_letter(n) for n in range(args.batch)])
        embedded = fonts_embedded(renderer.render_one(sample_letter(1))) and fonts_embedded(pdfs[-1])  # type: ignore[index]
    per_letter = batch_s / args.batch
    print(f"letter faces made and stylesheet loaded: {cold:.2f} s; first letter {first:.3f} s; "
          f"render processes started (and 16 letters): {pool_start:.2f} s")
    print(f"one letter, warm (median of {args.repeat}): {single:.3f} s; naive render: {naive_s:.3f} s "
          f"({naive_s / single:.1f}x)")
    print(f"batch of {args.batch} over {len(os.sched_getaffinity(0))} cores: {batch_s:.2f} s, "
          f"{per_letter:.4f} s a letter ({naive_s / per_letter:.1f}x naive); "
          f"{sum(map(len, pdfs)) / len(pdfs) / 1024:.0f} KiB a letter")  # type: ignore[arg-type]
    print(json.dumps({"single_s": round(single, 3), "batch_s_per_letter": round(per_letter, 4),
                      "naive_single_s": round(naive_s, 3), "fonts_embedded": embedded}))


if __name__ == "__main__":
    main()
