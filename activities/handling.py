"""依托国垂、省垂系统: a case handed to the vertical system its track names (config/handling.yaml), and the
applicant's supplements and withdrawals passed on to it. The system reports its decisions back through the
API (api/routes/handling.py), which turns each into the case workflow's `decide` Update.

Both calls carry an Idempotency-Key (the case, and the case with the event a notice reports), so a call
retried after a worker crash is taken once by the system. A system that refuses (4xx) will refuse again:
not retried; an outage is, for a day (workflows/repair_case.HANDLING)."""

from __future__ import annotations

from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.shared import post_keyed, transaction
from config.loader import load_handling_systems
from config.settings import Settings, get_settings
from contracts.case import HandlingNotice, HandOverAck, HandOverInput
from domain.handling import HandlingSystem
from store import cases as store_cases
from store import materials as store_materials
from store import records as store_records


def _system(settings: Settings, code: str) -> HandlingSystem:
    """The system as config/handling.yaml says now (its address may have moved since the case was filed)."""
    found = next((s for s in load_handling_systems(settings.config_dir, settings.simulator_url) if s.code == code),
                 None)
    if found is None:
        raise ApplicationError(f"handling system {code} is not configured", type="HandOverRefused",
                               non_retryable=True)
    return found


def callback_url(settings: Settings, case_id: str) -> str:
    """Where the system reports its decisions on the case: the API as other systems reach it."""
    return f"{settings.public_api_url.rstrip('/')}/api/v1/handling/cases/{case_id}/decisions"


@activity.defn
def hand_over(inp: HandOverInput) -> HandOverAck:
    settings = get_settings()
    system = _system(settings, inp.system)
    with transaction() as session:
        case = store_cases.get_case(session, inp.case_id)
        record = store_records.get(session, case.record_id) if case else None
        app = store_cases.get_application(session, case.application_id) if case else None
    if case is None or record is None or app is None:
        raise ApplicationError(f"case {inp.case_id} is not in the store", type="HandOverRefused", non_retryable=True)
    body = post_keyed(f"{system.base_url}/cases", system.name, f"handover:{case.id}", {
        "case_id": case.id, "application_id": app.id, "record_id": record.id, "record_no": record.record_no,
        "record_kind": record.kind, "track": case.track or "", "handler": case.handler,
        "subject_key": record.subject_key, "subject_name": record.subject_name,
        "filed_at": app.filed_at.isoformat(), "callback_url": callback_url(settings, case.id)},
        refused="HandOverRefused")
    return HandOverAck(reference=str(body.get("reference", "")))


@activity.defn
def tell_system(notice: HandlingNotice) -> None:
    settings = get_settings()
    system = _system(settings, notice.system)
    material_ids: list[str] = []
    if notice.kind == "supplement":
        with transaction() as session:
            material_ids = [m.id for m in store_materials.of_cases(session, [notice.case_id])
                            if m.purpose == "supplement"]
    post_keyed(f"{system.base_url}/cases/{notice.case_id}/notices", system.name,
               f"notice:{notice.case_id}:{notice.seq}",
               {"kind": notice.kind, "seq": notice.seq, "at": notice.at.isoformat(), "reason": notice.reason,
                "material_ids": material_ids}, refused="NoticeRefused")
