"""Reading applications and cases from the store for people: names, labels, timelines, who may see.

The progress and the queue are read in a fixed number of statements whatever the number of cases
(store/progress.py says why by joins rather than a projection): a page refreshed every five seconds by
each applicant, and a queue of two hundred cases, must not cost a query per case.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session

from api.present import authority_name
from api.schemas import (
    ApplicationPublic,
    CasePublic,
    DeliveryPublic,
    FieldChange,
    ObjectionPublic,
    RestructuringPublic,
    TimelineEntry,
)
from config.rules import Rules
from domain.access import Principal, QueueScope
from domain.authorities import region_contains, region_prefix
from domain.correction import CORRECTABLE
from domain.identifiers import shown_subject_key
from domain.model import RequestKind
from domain.objection import GROUND_LABELS, ObjectionGround
from domain.restructuring import KIND_LABELS as RESTRUCTURING_LABELS
from domain.restructuring import OUTCOME_LABELS, PlanOutcome, RestructuringKind
from domain.transitions import STATE_LABELS, CaseState
from services import lookup
from services.visibility import visible_lines
from store import cases as store_cases
from store import progress as store_progress
from store import records as store_records
from store import returned as store_returned
from store.models import Application, Objection, RecordVersion, RepairCase, Restructuring
from store.progress import AckLine, CaseLine, Details, EventLine


@dataclass(frozen=True)
class Progress:
    """An application the caller may see, its cases, and what people are shown of them."""

    app: Application
    cases: list[RepairCase]
    view: ApplicationPublic


def visible_progress(session: Session, rules: Rules, principal: Principal, application_id: str) -> Progress:
    """The progress in two statements: the application with its cases and records, then every case's
    timeline and acknowledgements together. Who may not see it is refused after the first."""
    app, lines = visible_lines(session, principal, application_id)
    details = store_progress.details_of(session, [line.case.id for line in lines])
    return Progress(app, [line.case for line in lines], _application_view(session, rules, app, lines, details))


@dataclass(frozen=True)
class ObjectionLine:
    objection: Objection
    corrected: RecordVersion | None


def objections_of(session: Session, cases: Sequence[RepairCase]) -> dict[str, ObjectionLine]:
    """What the objections among `cases` object to, and the corrections they made: no statement at all when
    none is an objection (the progress of repairs costs what it did)."""
    ids = [c.id for c in cases if c.request == RequestKind.OBJECTION]
    if not ids:
        return {}
    made = store_records.versions_made_by(session, ids)
    return {cid: ObjectionLine(o, made.get(cid)) for cid, o in store_cases.objections_of(session, ids).items()}


def _objection_public(line: ObjectionLine) -> ObjectionPublic:
    o = line.objection
    ground = ObjectionGround(o.ground)
    return ObjectionPublic(
        ground=ground.value, ground_label=GROUND_LABELS[ground], statement=o.statement,
        refused_case_id=o.refused_case_id,
        claimed=[FieldChange(field=f, label=CORRECTABLE.get(f, f), old=None, new=v) for f, v in o.claimed.items()],
        corrected=[FieldChange(field=f, label=CORRECTABLE.get(f, f), old=old, new=new)
                   for f, (old, new) in (line.corrected.changes.items() if line.corrected else ())])


def case_view(rules: Rules, line: CaseLine, timeline: Sequence[EventLine] = (),
              deliveries: Sequence[AckLine] = (), decision_no: str | None = None,
              objection: ObjectionLine | None = None) -> CasePublic:
    case = line.case
    return CasePublic(
        id=case.id, application_id=case.application_id, record_id=case.record_id,
        record_no=line.record_no, record_kind=line.record_kind,
        handler=case.handler, handler_name=authority_name(rules, case.handler), repair_channel=case.repair_channel,
        track=case.track, **rules.handled_in(case.handled_in),
        state=case.state, state_label=STATE_LABELS[CaseState(case.state)], deadline_kind=case.deadline_kind,
        deadline=case.deadline, provisional=case.provisional, overdue=case.overdue, shielded=case.shielded,
        timeline=[TimelineEntry(at=e.at, actor_role=e.actor_role, action=e.action, message=e.message,
                                reason=e.reason) for e in timeline],
        deliveries=[DeliveryPublic(target=d.target, target_name=d.target_name, acknowledged_at=d.acknowledged_at)
                    for d in deliveries],
        decision_no=decision_no, request=case.request,
        objection=_objection_public(objection) if objection is not None else None,
    )


def _lines(session: Session, cases: Sequence[RepairCase]) -> list[CaseLine]:
    labels = store_progress.record_labels(session, [c.record_id for c in cases])
    return [CaseLine(c, *labels.get(c.record_id, ("", ""))) for c in cases]


def _shown(session: Session, rules: Rules, lines: Sequence[CaseLine], details: Details) -> list[CasePublic]:
    objections = objections_of(session, [line.case for line in lines])
    return [case_view(rules, line, details.timeline.get(line.case.id, ()), details.acks.get(line.case.id, ()),
                      details.decision_no.get(line.case.id), objections.get(line.case.id)) for line in lines]


def case_public(session: Session, rules: Rules, case: RepairCase, with_details: bool = True) -> CasePublic:
    """One case already read (its own page, an auditor's view): its record, then its timeline."""
    (line,) = _lines(session, [case])
    if not with_details:
        return case_view(rules, line)
    return _shown(session, rules, [line], store_progress.details_of(session, [case.id]))[0]


def queue_public(rules: Rules, lines: Sequence[CaseLine]) -> list[CasePublic]:
    """The queue's cases as read with their records (store/progress.py queue): no timelines, no query."""
    return [case_view(rules, line) for line in lines]


def _application_view(session: Session, rules: Rules, app: Application, lines: Sequence[CaseLine],
                      details: Details) -> ApplicationPublic:
    restructuring = store_cases.restructuring_of(session, app.id) if any(
        line.case.request == RequestKind.RESTRUCTURING for line in lines) else None
    return ApplicationPublic(id=app.id, query_code=app.query_code or "", subject=shown_subject_key(app.subject_key),
                             subject_name=app.subject_name,
                             channel=app.channel, filed_at=app.filed_at, closed=app.closed_at is not None,
                             cases=_shown(session, rules, lines, details),
                             restructuring=restructuring_public(rules, restructuring) if restructuring else None)


def restructuring_public(rules: Rules, row: Restructuring) -> RestructuringPublic:
    kind = RestructuringKind(row.kind)
    outcome = PlanOutcome(row.outcome) if row.outcome else None
    return RestructuringPublic(kind=kind.value, kind_label=RESTRUCTURING_LABELS[kind], court=row.court,
                               court_name=authority_name(rules, row.court), ruling_no=row.ruling_no,
                               ruled_on=row.ruled_on, outcome=outcome.value if outcome else None,
                               outcome_label=OUTCOME_LABELS[outcome] if outcome else None,
                               outcome_ruling_no=row.outcome_ruling_no, outcome_on=row.outcome_on)


def application_public(session: Session, rules: Rules, app: Application, cases: list[RepairCase]) -> ApplicationPublic:
    """For a caller that has read the cases already (after a withdrawal, the counter's receipt): two
    statements, the records and then the timelines of all the cases."""
    lines = _lines(session, cases)
    return _application_view(session, rules, app, lines, store_progress.details_of(session, [c.id for c in cases]))


def looked_up_progress(session: Session, rules: Rules, principal: Principal, query_code: str,
                       phone_tail: str) -> ApplicationPublic:
    """The progress of the application a counter found by its query code (services/lookup.py): the API's
    lookup and the /window page's."""
    app = lookup.look_up(session, principal, query_code, phone_tail)
    return application_public(session, rules, app, store_cases.cases_of(session, app.id))



def queue_within(session: Session, rules: Rules, scope: QueueScope, *, state: str | None = None,
                 handler: str | None = None, region: str | None = None) -> tuple[list[CasePublic], set[str]]:
    """The queue of a scope (domain/access.queue_scope), narrowed to one handling authority or one region
    when a count on /supervision is opened: the scope's own limits still hold, so a handler or a region
    outside them gives nothing. Also the cases back from the applicant with a supplement
    (store/returned.py), in the same statement."""
    if handler and scope.handler and handler != scope.handler:
        return [], set()
    if region and scope.region and not region_contains(scope.region, region):
        return [], set()
    within = region or scope.region
    prefix = region_prefix(within) if within else None
    rows = store_returned.queue(session, handler=handler or scope.handler, region_prefix=prefix, state=state)
    return queue_public(rules, [line for line, _ in rows]), {line.case.id for line, back in rows if back}
