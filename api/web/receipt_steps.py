"""What the counter's receipt (提交回执) tells the person about each case: what happens next and by when.

Every sentence is one the system keeps: the acceptance deadline is the case's own (the one its workflow
counts, written with the filing), the decision limit and its extensions are config/policy.yaml
`time_limits` as the workflow is given them at filing, and the expected decision day is the progress
page's (domain/expected.py). The receipt's fixed sentences (templates/pages/receipt.html)
promise only what the process does: a supplement stops the clock (workflows/deadline.py) and the SMS
named are the ones domain/timeline.py lists (SMS_OF_DECISION, REPAIRED_SMS). A receipt printed later
says where the case stands instead of a step that is past.
"""

from __future__ import annotations

from dataclasses import dataclass

from api.schemas import CasePublic
from api.web.progress import case_limits, expected_decision
from config.rules import Rules
from domain.clock import chinese_date
from domain.model import RequestKind
from domain.tracks import DecisionFrom, TrackLimits
from domain.transitions import CaseState


@dataclass(frozen=True)
class Step:
    what: str  # 受理, 审核决定, ...
    text: str


def next_steps(case: CasePublic, rules: Rules) -> list[Step]:
    limits = case_limits(case, rules)
    extend = ("" if limits.max_extensions < 1 else
              f"（因情况复杂需核查的，可延长{limits.extension}个工作日）" if limits.max_extensions == 1 else
              f"（因情况复杂需核查的，每次可延长{limits.extension}个工作日，至多{limits.max_extensions}次）")
    provisional = "（暂定，节假日安排公布后可能调整）" if case.provisional else ""
    state = CaseState(case.state)
    outcome = "异议处理决定" if case.request == RequestKind.OBJECTION else "是否同意修复的决定"
    if state is CaseState.PENDING_ACCEPTANCE and case.deadline:
        expected = expected_decision(case, rules)
        by = f"，预计{chinese_date(expected.due)}前" if expected else ""
        return [Step("受理", f"{case.handler_name}于{chinese_date(case.deadline)}前作出是否受理的决定{provisional}。"),
                Step("审核决定", f"{_counted(limits)}{limits.decision}个工作日内作出{outcome}{by}{extend}。")]
    if state is CaseState.SUPPLEMENT_REQUESTED:
        return [Step("补正材料", "办理机关要求补正材料，请按短信或进度页面的要求提交；补正期间办理时限暂停计算。")]
    if state is CaseState.UNDER_REVIEW and case.deadline:
        # an extension may already be in this deadline: the receipt does not promise another
        return [Step("审核决定", f"已受理，{case.handler_name}于{chinese_date(case.deadline)}前作出{outcome}"
                                f"{provisional}。")]
    return [Step("办理结果", f"{case.state_label}，详见办理进度页面。")]


def _counted(limits: TrackLimits) -> str:
    return "自申请之日起" if limits.decision_from == DecisionFrom.APPLICATION else "受理后"
