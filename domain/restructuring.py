"""Bankruptcy restructuring and settlement (破产重整、和解, issue 11 item 5): 国办发〔2025〕22号 (one source) lets an
enterprise whose restructuring plan (重整计划) or settlement agreement (和解协议) a court has approved apply with
that ruling; the punishments tied to its records are lifted provisionally, and fully once the plan is carried
out. Restored if it is not: a plan the court ends before it is carried out (终止执行, 宣告破产) puts the records
back as they were.

In the hub that is one application for the records the plan covers, a case per record routed to whoever
decided it (谁认定、谁修复), each checked and approved by its handler: approval hides the record on every site
(暂时屏蔽, the record `lifted`), and the case waits for the court's word on the plan, which the court's system
(its integrator) reports once for the whole application: carried out, and every lifted record is repaired;
failed, and every one is shown again. No minimum period and no proof of obligations is asked: the plan is
how the obligations are met."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from domain.errors import Code, DomainError
from domain.model import RecordState


class RestructuringKind(StrEnum):
    REORGANISATION = "reorganisation"  # 破产重整: the court approved the restructuring plan
    SETTLEMENT = "settlement"  # 破产和解: the court approved the settlement agreement


class PlanOutcome(StrEnum):
    CARRIED_OUT = "carried_out"  # 重整计划（和解协议）执行完毕, as the court confirms it
    FAILED = "failed"  # 终止执行, the debtor declared bankrupt


KIND_LABELS = {RestructuringKind.REORGANISATION: "破产重整", RestructuringKind.SETTLEMENT: "破产和解"}
PLAN_LABELS = {RestructuringKind.REORGANISATION: "重整计划", RestructuringKind.SETTLEMENT: "和解协议"}
OUTCOME_LABELS = {PlanOutcome.CARRIED_OUT: "执行完毕", PlanOutcome.FAILED: "未执行（终止执行）"}
# the records a plan lifts: those still shown (published, or shielded for now)
COVERED = frozenset({RecordState.PUBLISHED, RecordState.SHIELDED})


def kind_of(value: str) -> RestructuringKind:
    try:
        return RestructuringKind(value)
    except ValueError:
        raise DomainError(Code.INVALID_RESTRUCTURING_KIND) from None


def outcome_of(value: str) -> PlanOutcome:
    try:
        return PlanOutcome(value)
    except ValueError:
        raise DomainError(Code.INVALID_OUTCOME) from None


def check_ruling(ruling_no: str, ruled_on: date, today: date) -> None:
    """The court's ruling approving the plan, as the applicant gives it."""
    if not ruling_no.strip():
        raise DomainError(Code.RULING_REQUIRED)
    if ruled_on > today:
        raise DomainError(Code.RULED_IN_FUTURE)


def lifted_message(kind: RestructuringKind, ruling_no: str) -> str:
    return (f"人民法院已裁定批准{PLAN_LABELS[kind]}（{ruling_no}），{KIND_LABELS[kind]}期间暂予修复，"
            "该信息在各信用网站暂时屏蔽")


def outcome_message(kind: RestructuringKind, outcome: PlanOutcome, ruling_no: str) -> str:
    if outcome is PlanOutcome.CARRIED_OUT:
        return f"人民法院确认{PLAN_LABELS[kind]}执行完毕（{ruling_no}），予以信用修复，正在通知各信用网站停止公示"
    return f"{PLAN_LABELS[kind]}未能执行（{ruling_no}），暂予修复撤销，该信息恢复公示"
