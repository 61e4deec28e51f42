"""A batch of letters laid out by the render processes: one PDF per letter, in order, each with its own
addressee, page numbers and embedded faces."""

from __future__ import annotations

from sqlmodel import Session

from store.db import engine_for
from tests import factories
from tests.activities.test_letters import registered, settings  # noqa: F401 - the module's fixture
from tests.pdf import pdf_fonts, pdf_text


def test_a_big_batch_is_laid_out_by_the_render_processes_and_comes_back_in_order(settings):  # noqa: F811
    from activities.letters import letter_content
    from documents.render import render_batch
    from store.models import CreditRecord

    names = [f"无锡示例{i}号有限公司" for i in range(8)]
    ids = [registered(settings, issuer="320200-transport", subject={"uscc": factories.uscc(710_200 + i), "name": n})
           for i, n in enumerate(names)]
    with Session(engine_for(settings.db_url)) as s:
        letters = [letter_content(s.get(CreditRecord, record_id), settings) for record_id in ids]
    pdfs = render_batch(settings.fonts_dir, letters, processes=2)
    for pdf, name in zip(pdfs, names, strict=True):
        text = pdf_text(pdf)
        assert name in text and not any(other in text for other in names if other != name)
        assert "—1—" in text and all(f["emb"] == "yes" and f["sub"] == "yes" for f in pdf_fonts(pdf))
