"""A record withdrawn because the decision behind it no longer stands (issue 11, a record's whole life): a
penalty revoked on reconsideration, annulled or revoked by a court, or revoked by the authority itself. It is
not a repair: nothing is left to repair, so the record leaves every site within the time limit
(`time_limits.record_withdrawal`, 3 working days under 市场监管总局令第45号 第十一条), an application open for it
is closed, and the subject is told."""

from __future__ import annotations

from enum import StrEnum


class WithdrawalCause(StrEnum):
    RECONSIDERATION = "reconsideration"  # 行政复议决定撤销
    LITIGATION = "litigation"  # 人民法院判决撤销或者确认无效
    SELF_CORRECTION = "self_correction"  # 作出决定的机关自行撤销


CAUSE_LABELS = {
    WithdrawalCause.RECONSIDERATION: "行政复议决定撤销",
    WithdrawalCause.LITIGATION: "人民法院判决撤销或确认无效",
    WithdrawalCause.SELF_CORRECTION: "作出决定的机关自行撤销",
}


def closing_message(cause: WithdrawalCause, basis: str) -> str:
    """The timeline's words for a case closed by the withdrawal of its record."""
    return f"该信息所依据的决定已被撤销（{CAUSE_LABELS[cause]}，{basis}），信息已撤下，修复申请终止"
