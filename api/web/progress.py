"""How a case's progress reads on a page: the stages as a stepper, the current one marked, and the
messages a redirect left behind (filed, withdrawn)."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from api.schemas import ApplicationPublic, CasePublic
from config.rules import Rules
from domain.access import Principal, can_withdraw
from domain.expected import expected_decision as domain_expected
from domain.model import RequestKind
from domain.tracks import TrackLimits
from domain.transitions import DECIDED, TERMINAL, WITH_DECISION, CaseState
from domain.workdays import Deadline

STAGES = ("提交申请", "受理", "审核", "作出决定", "各网站下线", "办结")
# an objection (异议申诉) is checked rather than reviewed, and a correction updates the sites rather than taking
# the record off them
OBJECTION_STAGES = ("提交异议", "受理", "核查", "作出决定", "各网站更新", "办结")
_STAGE_OF = {
    CaseState.PENDING_ACCEPTANCE: 1, CaseState.SUPPLEMENT_REQUESTED: 1, CaseState.UNDER_REVIEW: 2,
    CaseState.APPROVED: 4, CaseState.SYNCING: 4, CaseState.REPAIRED: 6, CaseState.NOT_ACCEPTED: 6,
    CaseState.DENIED: 6, CaseState.WITHDRAWN: 6, CaseState.CLOSED: 6,
    CaseState.CORRECTING: 4, CaseState.CORRECTED: 6, CaseState.KEPT: 6, CaseState.LIFTED: 4, CaseState.RESTORED: 6,
}
FLASH = {"filed": "申请已提交，各事项已分送办理机关。", "objected": "异议申诉已提交，已送作出决定的单位核查处理。",
         "withdrawn": "申请已撤回。",
         "decided": "办理决定已提交。", "supplemented": "补正材料已提交，办理时限恢复计算。", "rated": "感谢您的评价。"}


def stepper(case: CasePublic) -> list[tuple[str, str]]:
    """(stage, "done" | "current" | "todo") for each stage."""
    reached = _STAGE_OF[CaseState(case.state)]
    stages = OBJECTION_STAGES if case.request == RequestKind.OBJECTION else STAGES
    return [(name, "done" if i < reached or reached == len(stages) else "current" if i == reached else "todo")
            for i, name in enumerate(stages)]


def flash(request: Request) -> str:
    return " ".join(text for key, text in FLASH.items() if request.query_params.get(key))


def actions_key(view: ApplicationPublic, can_withdraw: bool) -> str:
    """The actions the page offers outside its live part (撤回申请, a supplement's upload form, the rating):
    when a live refresh answers another key, the page's script loads the page again, so they appear and go
    with the state that allows them. A change that leaves them as they were (a case accepted) is swapped in
    without a reload, which would lose what is being typed and where a screen reader was."""
    asked = sorted(c.id for c in view.cases if c.state == CaseState.SUPPLEMENT_REQUESTED)
    ended = all(CaseState(c.state) in TERMINAL for c in view.cases)
    return f"withdraw={int(can_withdraw)} supplement={','.join(asked)} rate={int(ended)}"


def case_limits(case: CasePublic, rules: Rules) -> TrackLimits:
    return rules.policy.case_limits(case.track)


def expected_decision(case: CasePublic, rules: Rules) -> Deadline | None:
    """The case's expected decision day (domain/expected.py), with the limits of its track."""
    return domain_expected(CaseState(case.state), case.deadline, case.provisional, case_limits(case, rules),
                           rules.calendar)


def progress_context(view: ApplicationPublic, me: Principal, request: Request, rules: Rules) -> dict[str, Any]:
    open_cases = [c for c in view.cases if CaseState(c.state) not in DECIDED]
    withdrawable = bool(open_cases) and can_withdraw(me)
    return {
        "app": view,
        "steppers": {c.id: stepper(c) for c in view.cases},
        "expected": {c.id: due for c in view.cases if (due := expected_decision(c, rules))},
        "can_withdraw": withdrawable,
        "flash": flash(request),
        "repaired": [c for c in view.cases if c.state == CaseState.REPAIRED],
        # a repair's decision once approved, an objection's (异议处理决定书) once decided (domain.transitions)
        "with_decision": {c.id for c in view.cases if CaseState(c.state) in WITH_DECISION},
        "live": any(CaseState(c.state) not in TERMINAL for c in view.cases),
        "actions_key": actions_key(view, withdrawable),
    }
