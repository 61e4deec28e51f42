"""Filing one application from a page, for the applicant (/my) and for a counter on a subject's behalf
(/window): the form is read, then handed to the API's own route function, so the same checks refuse the
same things with the same codes."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from sqlmodel import Session

from api.deps import Rules
from api.errors import ApiError, field_error
from api.present import record_public
from api.routes.applications import create_application
from api.schemas import ApplicationCreate, ApplicationCreated, RecordPublic
from api.web.forms import FormState
from config.loader import load_letter_texts
from config.settings import Settings
from domain.access import Principal
from domain.errors import DomainError
from store import records as store_records


def records_of(session: Session, rules: Rules, subject: str, today: Any) -> list[RecordPublic]:
    return [record_public(row, rules, today) for row in store_records.of_subject(session, subject)]


def published_on(settings: Settings) -> dict[str, str]:
    return dict(load_letter_texts(settings.config_dir)["published_on"])


def read_filing(form: Any) -> FormState:
    return FormState(values={"record_ids": [str(v) for v in form.getlist("record_ids")],
                             "contact_phone": str(form.get("contact_phone", "")).strip(),
                             "commitment": form.get("commitment") == "yes"})


async def file(state: FormState, subject: str, principal: Principal, rules: Rules,
               settings: Settings) -> ApplicationCreated | None:
    """The application, or None with the refusals written into `state`."""
    values = state.values
    if not values["record_ids"]:
        state.errors["record_ids"] = "请至少选择一条失信信息"
    if not values["commitment"]:
        state.errors["commitment"] = "请阅读信用承诺书并勾选“我承诺”"
    try:
        payload = ApplicationCreate(subject=subject, record_ids=values["record_ids"] or ["-"],
                                    contact_phone=values["contact_phone"], commitment_signed=values["commitment"])
    except ValidationError as invalid:
        for err in invalid.errors():
            found = field_error(dict(err))
            key = "contact_phone" if found["field"].startswith("contact_phone") else found["field"] or "general"
            state.errors.setdefault(key, found["message"])
        return None
    if state.errors:
        return None
    try:
        return await create_application(payload, principal, rules, settings)
    except (ApiError, DomainError) as refused:
        state.refuse(refused)
        return None
