"""A case's audit trail read from its Temporal workflow history, not from our own tables: the history is
the record of the process, written by the server, so an auditor reads what actually happened."""

from __future__ import annotations

from collections.abc import Sequence

from temporalio.api.common.v1 import Payload
from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import Client, WorkflowHistory
from temporalio.service import RPCError, RPCStatusCode

from api.schemas import CaseHistory, HistoryEntry
from config.settings import Settings
from config.temporal import DATA_CONVERTER
from contracts.case import CASE_SIGNAL_INPUTS, CASE_UPDATE_INPUTS, CaseInput, CaseView, DeliveryInput, case_workflow_id

LABELS = {
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED: "workflow_started",
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED: "workflow_completed",
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED: "workflow_terminated",
    EventType.EVENT_TYPE_TIMER_FIRED: "timer_fired",
}
NOTABLE_ACTIVITIES = {"notify_overdue": "overdue_notified", "deliver": "delivery_scheduled"}


async def case_history(settings: Settings, client: Client, case_id: str) -> CaseHistory:
    workflow_id = case_workflow_id(case_id)
    handle = client.get_workflow_handle(workflow_id)
    try:
        history = await handle.fetch_history()
    except RPCError as err:
        if err.status is RPCStatusCode.NOT_FOUND:
            raise LookupError(workflow_id) from None
        raise
    entries, run_id = history_entries(history)
    ui = f"{settings.temporal_ui_url}/namespaces/{settings.temporal_namespace}/workflows/{workflow_id}/{run_id}/history"
    return CaseHistory(case_id=case_id, workflow_id=workflow_id, run_id=run_id, temporal_ui_url=ui, events=entries)


def history_entries(history: WorkflowHistory) -> tuple[list[HistoryEntry], str]:
    """The entries an auditor reads, and the run id. Each accepted Update is decoded by its name
    (`CASE_UPDATE_INPUTS`): a decision carries its action, an admin's resync is the action `resync`; an
    Update this code does not know is still listed, by its name, rather than failing the whole trail."""
    converter = DATA_CONVERTER.payload_converter
    entries: list[HistoryEntry] = []
    accepted: dict[str, HistoryEntry] = {}
    activities: dict[int, HistoryEntry] = {}  # deliveries by their scheduled event's id
    run_id = ""
    for event in history.events:
        at = event.event_time.ToDatetime().replace(tzinfo=None)
        if event.HasField("workflow_execution_started_event_attributes"):
            run_id = event.workflow_execution_started_event_attributes.original_execution_run_id
        if event.event_type in LABELS:
            entries.append(HistoryEntry(event_id=event.event_id, at=at, event_type=LABELS[event.event_type]))
            if event.HasField("workflow_execution_started_event_attributes"):  # who filed: the start's actor
                _filer(entries[-1], event.workflow_execution_started_event_attributes.input.payloads)
        elif event.HasField("workflow_execution_update_accepted_event_attributes"):
            request = event.workflow_execution_update_accepted_event_attributes.accepted_request
            entry = HistoryEntry(event_id=event.event_id, at=at, event_type="decision", action=request.input.name)
            kind = CASE_UPDATE_INPUTS.get(request.input.name)
            if kind is not None:
                (arg,) = converter.from_payloads(request.input.args.payloads, [kind])
                entry.actor, entry.actor_role = arg.actor, arg.actor_role.value
                entry.actor_name = getattr(arg, "actor_name", None)
                entry.reason = arg.reason
                if hasattr(arg, "action"):
                    entry.action = arg.action.value
            accepted[request.meta.update_id] = entry
            entries.append(entry)
        elif event.HasField("workflow_execution_signaled_event_attributes"):
            signal = event.workflow_execution_signaled_event_attributes
            kind = CASE_SIGNAL_INPUTS.get(signal.signal_name)
            # a decision passed on by the application (its withdrawal): no answer of its own, so no outcome
            entry = HistoryEntry(event_id=event.event_id, at=at, event_type="passed_on", action=signal.signal_name)
            if kind is not None:
                (arg,) = converter.from_payloads(signal.input.payloads, [kind])
                entry.actor, entry.actor_role, entry.reason = arg.actor, arg.actor_role.value, arg.reason
                entry.action = getattr(arg, "action", signal.signal_name)
                entry.action = getattr(entry.action, "value", entry.action)
            entries.append(entry)
        elif event.HasField("workflow_execution_update_completed_event_attributes"):
            attrs = event.workflow_execution_update_completed_event_attributes
            entry = accepted.get(attrs.meta.update_id)
            if entry is None:
                continue
            if attrs.outcome.HasField("success"):
                (view,) = converter.from_payloads(attrs.outcome.success.payloads, [CaseView])
                entry.outcome = view.state.value
            else:
                entry.outcome = "failed: " + attrs.outcome.failure.message
        elif event.HasField("activity_task_scheduled_event_attributes"):
            scheduled = event.activity_task_scheduled_event_attributes
            name = scheduled.activity_type.name
            if name in NOTABLE_ACTIVITIES:
                activity = HistoryEntry(event_id=event.event_id, at=at, event_type=NOTABLE_ACTIVITIES[name])
                if name == "deliver":  # which site, and (below) what it answered: one row per site can be read
                    (delivery,) = converter.from_payloads(scheduled.input.payloads, [DeliveryInput])
                    activity.target, activity.target_name, activity.action = (delivery.target, delivery.target_name,
                                                                     delivery.action)
                    activities[event.event_id] = activity
                entries.append(activity)
        else:
            _activity_outcome(event, activities)
    return entries, run_id


def _filer(entry: HistoryEntry, payloads: Sequence[Payload]) -> None:
    """The case was started for whoever filed the application (the applicant, or a counter on its behalf):
    their id and role, from the workflow's own input. A start this code cannot read keeps no actor."""
    try:
        (started,) = DATA_CONVERTER.payload_converter.from_payloads(list(payloads), [CaseInput])
    except Exception:  # an older or foreign input: the trail is still listed, without its filer
        return
    entry.actor, entry.actor_role = started.filed_by, started.filed_by_role.value


# an activity's events after its scheduling: what each says about a delivery (None: its attempt count)
_ACTIVITY_OUTCOMES = {"activity_task_started_event_attributes": None,
                      "activity_task_completed_event_attributes": "acknowledged",
                      "activity_task_failed_event_attributes": "failed",
                      "activity_task_timed_out_event_attributes": "failed: 超时"}


def _activity_outcome(event: HistoryEvent, activities: dict[int, HistoryEntry]) -> None:
    """A delivery's attempts and result, from the events of the activity it scheduled."""
    field = event.WhichOneof("attributes")
    if field not in _ACTIVITY_OUTCOMES:
        return
    attrs = getattr(event, field)
    entry = activities.get(attrs.scheduled_event_id)
    outcome = _ACTIVITY_OUTCOMES[field]
    if entry is None:
        return
    if outcome is None:
        entry.attempts = attrs.attempt
    else:
        entry.outcome = "failed: " + attrs.failure.message if outcome == "failed" else outcome
