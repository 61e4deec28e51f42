"""好差评: the applicant rates each authority that handled their application once every case has ended;
supervisors, auditors and the admin read the ratings per authority. A bad review is sent to the
supervisors of the handler's city for follow-up (差评整改)."""

from __future__ import annotations

from fastapi import APIRouter, Query
from sqlmodel import Session

from api import clock
from api.deps import PrincipalDep, RulesDep, SessionDep
from api.errors import refusals
from api.oversight import evaluation_public, oversight_scope, ratings_by_authority
from api.present import authority_name
from api.schemas import EvaluationCreate, EvaluationPublic, EvaluationSummary, RatingSlot
from config.rules import Rules
from domain.access import Principal, can_rate
from domain.errors import Code
from services import rating
from services.rating import finished
from services.visibility import visible_application
from store import evaluations as store_evaluations
from store.models import Application, RepairCase

router = APIRouter(prefix="/api/v1", tags=["evaluations"])


def rating_slots(session: Session, rules: Rules, principal: Principal, app: Application,
                 cases: list[RepairCase]) -> list[RatingSlot]:
    """One slot per authority that handled a case of the application, in the order of the cases (not the
    authorities of cases withdrawn before they acted: services/rating.handlers_that_acted)."""
    done = {e.handler: e for e in store_evaluations.of_application(session, app.id)}
    open_to_rate = can_rate(principal) and finished(cases)
    return [RatingSlot(handler=h, handler_name=authority_name(rules, h), can_rate=open_to_rate and h not in done,
                       evaluation=evaluation_public(rules, done[h]) if h in done else None)
            for h in rating.handlers_that_acted(session, cases)]


@router.get("/applications/{application_id}/evaluations", response_model=list[RatingSlot],
            responses=refusals(Code.NOT_FOUND))
def application_evaluations(application_id: str, principal: PrincipalDep, rules: RulesDep,
                            session: SessionDep) -> list[RatingSlot]:
    """Each handling authority of the application with its rating, or whether the caller may rate it now."""
    app, cases = visible_application(session, principal, application_id)
    return rating_slots(session, rules, principal, app, cases)


@router.post("/applications/{application_id}/evaluations", response_model=EvaluationPublic, status_code=201,
             responses=refusals(Code.NOT_FOUND, Code.FORBIDDEN, Code.UNKNOWN_HANDLER, Code.NOT_FINISHED,
                                Code.ALREADY_RATED, Code.INVALID_RATING, Code.COMMENT_REQUIRED, Code.COMMENT_TOO_LONG,
                                write=True))
def rate(application_id: str, payload: EvaluationCreate, principal: PrincipalDep, rules: RulesDep,
         session: SessionDep) -> EvaluationPublic:
    """The applicant (or the counter that filed for them) rates one handling authority, once, after every
    case of the application has ended. GB/T 39735: 不满意 or worse needs a comment and is followed up
    within `time_limits.bad_review_follow_up` working days by the city's supervisors (services/rating.py)."""
    row = rating.rate(session, rules, principal, application_id, handler=payload.handler, rating=payload.rating,
                      comment=payload.comment, now=clock.now(), today=clock.today())
    return evaluation_public(rules, row)


@router.get("/evaluations", response_model=EvaluationSummary, responses=refusals(Code.FORBIDDEN, Code.INVALID_REGION))
def list_evaluations(principal: PrincipalDep, rules: RulesDep, session: SessionDep,
                     authority: str | None = Query(default=None), region: str | None = Query(default=None),
                     ) -> EvaluationSummary:
    """Ratings counted per level and authority, and the newest ratings (bad ones first): a supervisor's
    region and below; auditors and the admin everywhere, or the `region` they ask for."""
    _, prefix = oversight_scope(principal, region)
    rows = store_evaluations.recent(session, region_prefix=prefix, authority=authority)
    return EvaluationSummary(authorities=ratings_by_authority(session, rules, prefix, authority),
                             evaluations=[evaluation_public(rules, r) for r in rows])
