"""督办: what a supervisor (their region and below), an auditor or the admin (everything) oversees — the
cases per handling authority and state, the overdue ones, how long each stage took, and the ratings."""

from __future__ import annotations

from fastapi import APIRouter, Query

from api.cases_view import case_public
from api.deps import PrincipalDep, RulesDep, SessionDep
from api.errors import refusals
from api.oversight import oversight_scope, ratings_by_authority
from api.present import authority_name
from api.schemas import AuthorityCases, StagePublic, SupervisionSummary
from domain.errors import Code
from domain.transitions import DECIDED, CaseState
from store import supervision as store_supervision

router = APIRouter(prefix="/api/v1", tags=["supervision"])

# (stage, label, the event that starts it, the events that end it), from the case's timeline
STAGES = (
    ("acceptance", "受理（提交至受理）", "file", ("accept",)),
    ("decision", "审核决定（受理至同意或不予修复）", "accept", ("approve", "deny")),
    ("sync", "同步下线（同意至修复完成）", "approve", ("repaired",)),
)
WAITING = [s.value for s in CaseState if s not in DECIDED]  # still waiting for a decision


@router.get("/supervision", response_model=SupervisionSummary, responses=refusals(Code.FORBIDDEN, Code.INVALID_REGION))
def supervision(principal: PrincipalDep, rules: RulesDep, session: SessionDep,
                region: str | None = Query(default=None)) -> SupervisionSummary:
    asked, prefix = oversight_scope(principal, region)
    table: dict[str, dict[str, int]] = {}
    for handler, state, n in store_supervision.cases_by_handler_and_state(session, prefix):
        table.setdefault(handler, {})[state] = n
    authorities = [AuthorityCases(authority=h, authority_name=authority_name(rules, h), by_state=by_state,
                                  total=sum(by_state.values())) for h, by_state in sorted(table.items())]
    stages = []
    for key, label, start, ends in STAGES:
        took = store_supervision.stage_time(session, start, ends, prefix)
        stages.append(StagePublic(stage=key, label=label, cases=took.cases, mean_hours=None if took.mean_seconds
                                  is None else round(took.mean_seconds / 3600, 1)))
    overdue = store_supervision.overdue(session, WAITING, prefix)
    return SupervisionSummary(region=asked, states=[s.value for s in CaseState], authorities=authorities,
                              overdue=[case_public(session, rules, c, with_details=False) for c in overdue],
                              stages=stages, ratings=ratings_by_authority(session, rules, prefix))
