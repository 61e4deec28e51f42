"""两书同达: the repair reminder letter served with a penalty (or serious-list) decision.

A letter is rendered once per record: the file is written (atomically) before its row, and a record that
has a row is never rendered again, so a retried activity or a second registration makes no second letter.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from temporalio import activity

from activities.shared import transaction
from config.loader import load_directory, load_letter_texts
from config.rules import rules_for
from config.settings import Settings, get_settings
from contracts.letters import LetterBatch
from domain.clock import chinese_date
from domain.eligibility import eligible_from_the_start
from domain.identifiers import mask_id_number
from domain.tracks import DecisionFrom, Track
from store import letters as store_letters
from store.files import write_whole
from store.models import CreditRecord, Letter

SUBJECT_LABELS = {"enterprise": "统一社会信用代码", "person": "公民身份号码"}


def letter_content(record: CreditRecord, settings: Settings) -> dict[str, Any]:
    """What the template says for one record, every number from the record as domain/ computed it."""
    texts = load_letter_texts(settings.config_dir)
    directory = load_directory(settings.config_dir)
    person = record.subject_kind == "person"
    track = rules_for(settings.config_dir).track_of(record.kind, record.issuer)  # its own wording and limits

    return {
        "title": texts["title"][record.kind],
        "subject_name": record.subject_name,
        "subject_label": SUBJECT_LABELS[record.subject_kind],
        "subject_id": mask_id_number(record.subject_key) if person else record.subject_key,
        "you": "" if person else "单位",
        "decided_on": chinese_date(record.decided_on),
        "decision_name": texts["decision_name"][record.kind],
        "record_no": record.record_no,
        "published_on": texts["published_on"][record.repair_channel],
        "min_publicity_end": chinese_date(record.min_publicity_end),
        "max_publicity_end": chinese_date(record.max_publicity_end),
        "repairable": record.repairable,
        "eligible_now": eligible_from_the_start(record.decided_on, record.eligible_from),
        "eligible_from": chinese_date(record.eligible_from),
        "basis": track.basis or "《信用修复管理办法》",
        "conditions": "；".join(track.conditions),
        "decision_limit": decision_limit(track),
        "materials": list(track.materials) or texts["materials"],
        "ways": texts["ways_to_apply"],
        "handler_name": directory.name_of(record.handler),
        "free_of_charge": " ".join(texts["free_of_charge"].split()),
        "not_repairable": " ".join(texts["not_repairable"].split()),
        "issuer_name": directory.name_of(record.issuer),
        "dated": chinese_date(record.decided_on),
    }


def decision_limit(track: Track) -> str:
    """The track's decision limit as the letter tells it, with 以处理单位公布为准 where it is to verify."""
    counted = "收到申请后" if track.limits.decision_from == DecisionFrom.APPLICATION else "受理后"
    told = "（以处理单位公布为准）" if track.to_verify else ""
    return f"办理机关{counted}{track.limits.decision}个工作日内作出决定{told}"


def letter_file(letters_dir: Path, record: CreditRecord) -> Path:
    """`<issuer>/<yyyy-mm>/<record id>.pdf`: a directory per authority and month keeps directories small."""
    return Path(record.issuer) / f"{record.decided_on:%Y-%m}" / f"{record.id}.pdf"


def render_and_keep(settings: Settings, record_ids: list[str]) -> int:
    """Renders the letters of those records that have none (as one batch) and keeps them; answers how
    many were rendered. Safe to run twice, and side by side with itself."""
    from documents.render import render_batch

    with transaction() as session:
        todo = store_letters.missing(session, record_ids)
    if not todo:
        return 0
    pdfs = render_batch(settings.fonts_dir, [letter_content(r, settings) for r in todo])
    now = datetime.now(UTC)
    with transaction() as session:
        for record, pdf in zip(todo, pdfs, strict=True):
            relative = letter_file(settings.letters_dir, record)
            write_whole(settings.letters_dir / relative, pdf)
            store_letters.save_once(session, Letter(record_id=record.id, path=str(relative), size=len(pdf),
                                                    sha256=hashlib.sha256(pdf).hexdigest(), rendered_at=now))
    return len(todo)


@activity.defn
def render_letters(batch: LetterBatch) -> int:
    return render_and_keep(get_settings(), batch.record_ids)
