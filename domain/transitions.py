"""The states of a repair case and the actions that move it: the one table workflows and validators use."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.errors import Code, DomainError


class CaseState(StrEnum):
    PENDING_ACCEPTANCE = "pending_acceptance"
    SUPPLEMENT_REQUESTED = "supplement_requested"
    UNDER_REVIEW = "under_review"
    APPROVED = "approved"
    SYNCING = "syncing"
    REPAIRED = "repaired"
    NOT_ACCEPTED = "not_accepted"
    DENIED = "denied"
    WITHDRAWN = "withdrawn"
    # ended because the record itself was withdrawn (the penalty revoked or annulled): nothing left to repair
    CLOSED = "closed"
    # an objection (异议申诉, domain/objection.py) decided: the record corrected and the correction on its way
    # to every site; then corrected; or the record (or the refusal objected to) kept as it was
    CORRECTING = "correcting"
    CORRECTED = "corrected"
    KEPT = "kept"
    # bankruptcy restructuring (domain/restructuring.py): lifted provisionally until the court says how the plan
    # ended; then repaired (carried out) or restored, shown again (failed)
    LIFTED = "lifted"
    RESTORED = "restored"


class Action(StrEnum):
    """A caseworker's decisions (GLOSSARY: accept, reject = 不予受理, ...) and the applicant's answers."""

    ACCEPT = "accept"
    REJECT = "reject"
    REQUEST_SUPPLEMENT = "request_supplement"
    APPROVE = "approve"
    DENY = "deny"
    EXTEND = "extend"
    SHIELD = "shield"
    SUPPLEMENT = "supplement"  # the applicant hands in what was asked for
    WITHDRAW = "withdraw"
    # an objection's outcomes besides a repair (APPROVE): the record's content corrected, or kept as it is
    CORRECT = "correct"
    KEEP = "keep"


CASEWORKER_ACTIONS = frozenset(
    {Action.ACCEPT, Action.REJECT, Action.REQUEST_SUPPLEMENT, Action.APPROVE, Action.DENY, Action.EXTEND,
     Action.SHIELD, Action.CORRECT, Action.KEEP}
)
TERMINAL = frozenset({CaseState.REPAIRED, CaseState.NOT_ACCEPTED, CaseState.DENIED, CaseState.WITHDRAWN,
                      CaseState.CLOSED, CaseState.CORRECTED, CaseState.KEPT, CaseState.RESTORED})
OPEN = frozenset(set(CaseState) - TERMINAL)
DECIDED = frozenset({CaseState.APPROVED, CaseState.SYNCING, CaseState.CORRECTING, CaseState.LIFTED}) | TERMINAL
# the states in which a repair decision (信用修复决定书) exists: approved, and everything after approval
REPAIR_DECIDED = frozenset({CaseState.APPROVED, CaseState.SYNCING, CaseState.REPAIRED})
# ... and in which a case has a decision document at all: an objection's (异议处理决定书) whatever its outcome,
# a correction's once it is made
WITH_DECISION = REPAIR_DECIDED | {CaseState.CORRECTED, CaseState.KEPT}
# the decisions that end the handler's part and are numbered and written as a document
DECIDING_ACTIONS = frozenset({Action.APPROVE, Action.CORRECT, Action.KEEP})

STATE_LABELS = {
    CaseState.PENDING_ACCEPTANCE: "待受理",
    CaseState.SUPPLEMENT_REQUESTED: "待补正材料",
    CaseState.UNDER_REVIEW: "审核中",
    CaseState.APPROVED: "已同意修复",
    CaseState.SYNCING: "结果同步中",
    CaseState.REPAIRED: "已修复",
    CaseState.NOT_ACCEPTED: "不予受理",
    CaseState.DENIED: "不予修复",
    CaseState.WITHDRAWN: "已撤回",
    CaseState.CLOSED: "已终止",
    CaseState.CORRECTING: "已更正，正在同步至各信用网站",
    CaseState.CORRECTED: "已更正",
    CaseState.KEPT: "维持原信息",
    CaseState.LIFTED: "重整（和解）期间暂予修复",
    CaseState.RESTORED: "重整计划（和解协议）未执行，已恢复公示",
}

ACTION_LABELS = {
    Action.ACCEPT: "受理",
    Action.REJECT: "不予受理",
    Action.REQUEST_SUPPLEMENT: "要求补正材料",
    Action.APPROVE: "同意修复",
    Action.DENY: "不予修复",
    Action.EXTEND: "延长办理时限",
    Action.SHIELD: "暂时屏蔽",
    Action.SUPPLEMENT: "提交补正材料",
    Action.WITHDRAW: "撤回申请",
    Action.CORRECT: "更正信息",
    Action.KEEP: "维持原信息",
}
# What people do to a case besides deciding it (other Updates of the case workflow), as the audit shows them.
OTHER_ACTION_LABELS = {"resync": "重新同步", "record_withdrawn": "信息撤销，终止办理", "close": "信息撤销，终止办理",
                       "handed_over": "转交办理系统", "hand_over_failed": "转交未成功",
                       "corrected": "更正已同步", "correction_superseded": "更正未生效",
                       "plan_carried_out": "重整计划执行完毕", "plan_failed": "重整计划未执行"}

_MOVES: dict[CaseState, dict[Action, CaseState | None]] = {
    # None: the state stays (or returns to where a supplement request interrupted it).
    CaseState.PENDING_ACCEPTANCE: {
        Action.ACCEPT: CaseState.UNDER_REVIEW,
        Action.REJECT: CaseState.NOT_ACCEPTED,
        Action.REQUEST_SUPPLEMENT: CaseState.SUPPLEMENT_REQUESTED,
        Action.SHIELD: None,
        Action.WITHDRAW: CaseState.WITHDRAWN,
    },
    CaseState.SUPPLEMENT_REQUESTED: {
        Action.SUPPLEMENT: None,
        Action.WITHDRAW: CaseState.WITHDRAWN,
    },
    CaseState.UNDER_REVIEW: {
        Action.APPROVE: CaseState.APPROVED,
        Action.DENY: CaseState.DENIED,
        Action.REQUEST_SUPPLEMENT: CaseState.SUPPLEMENT_REQUESTED,
        Action.EXTEND: None,
        Action.SHIELD: None,
        Action.WITHDRAW: CaseState.WITHDRAWN,
    },
}

# An objection (异议申诉) is reviewed as a repair is, and ends in one of three outcomes instead of a repair's
# two: the record corrected, kept (the objection not upheld), or repaired (taken off every site).
_OBJECTION_REVIEW: dict[Action, CaseState | None] = {
    **{a: t for a, t in _MOVES[CaseState.UNDER_REVIEW].items() if a is not Action.DENY},
    Action.CORRECT: CaseState.CORRECTING,
    Action.KEEP: CaseState.KEPT,
}
# A restructuring's approval lifts the record provisionally (暂予修复); the court's word ends it (lifted).
_RESTRUCTURING_REVIEW: dict[Action, CaseState | None] = {**_MOVES[CaseState.UNDER_REVIEW],
                                                         Action.APPROVE: CaseState.LIFTED}

REASON_REQUIRED = frozenset({Action.REJECT, Action.DENY, Action.REQUEST_SUPPLEMENT, Action.EXTEND, Action.SHIELD,
                             Action.CORRECT, Action.KEEP})


@dataclass(frozen=True)
class CaseFacts:
    """What the rules need to know about a case besides its state."""

    state: CaseState
    resume_state: CaseState | None = None  # where a supplement round returns to
    overdue: bool = False
    extensions_used: int = 0
    max_extensions: int = 1
    shielded: bool = False
    objection: bool = False  # an objection (异议申诉): decided by correct, keep or approve (repair)
    restructuring: bool = False  # 破产重整、和解: approved means lifted provisionally


def _moves(facts: CaseFacts) -> dict[Action, CaseState | None]:
    if facts.objection and facts.state is CaseState.UNDER_REVIEW:
        return _OBJECTION_REVIEW
    if facts.restructuring and facts.state is CaseState.UNDER_REVIEW:
        return _RESTRUCTURING_REVIEW
    return _MOVES.get(facts.state, {})


def allowed_actions(facts: CaseFacts) -> frozenset[Action]:
    actions = set(_moves(facts))
    if Action.SHIELD in actions and (not facts.overdue or facts.shielded):
        actions.discard(Action.SHIELD)
    if Action.EXTEND in actions and facts.extensions_used >= facts.max_extensions:
        actions.discard(Action.EXTEND)
    return frozenset(actions)


def next_state(facts: CaseFacts, action: Action, reason: str = "") -> CaseState:
    """Refuses with a stable code what the state does not allow; the workflow's update validators call it
    before anything is written to history."""
    if facts.state in DECIDED:
        raise DomainError(Code.CASE_DECIDED, f"该事项已{STATE_LABELS[facts.state]}，不能再{ACTION_LABELS[action]}"
        )
    if action not in allowed_actions(facts):
        if action is Action.SHIELD and not facts.overdue:
            raise DomainError(Code.NOT_OVERDUE)
        if action is Action.EXTEND and facts.extensions_used >= facts.max_extensions:
            raise DomainError(Code.EXTENSION_USED)
        raise DomainError(Code.ACTION_NOT_ALLOWED,
            f"当前状态为{STATE_LABELS[facts.state]}，不能{ACTION_LABELS[action]}",
        )
    if action in REASON_REQUIRED and not reason.strip():
        raise DomainError(Code.REASON_REQUIRED, f"{ACTION_LABELS[action]}须填写理由")
    target = _moves(facts)[action]
    if target is not None:
        return target
    if action is Action.SUPPLEMENT:
        return facts.resume_state or CaseState.PENDING_ACCEPTANCE
    return facts.state
