"""What a case's timeline says: the wording of each event the case workflow records, and the names of the
events that are not decisions. Beside the labels of domain/transitions.py (`ACTION_LABELS` names an action
on a button; these sentences say on the timeline that it was taken).

Every message is stored with its event (store `case_event.message`, and in the projection's input in each
workflow's history), so a change of wording shows on new events only; the old ones keep what they said.
"""

from __future__ import annotations

from datetime import date

from domain.transitions import Action

# A decision (or the applicant's answer), as the timeline tells it.
DECISION_MESSAGES = {
    Action.ACCEPT: "已受理，进入审核",
    Action.REJECT: "不予受理",
    Action.REQUEST_SUPPLEMENT: "要求补正材料，办理时限暂停计算",
    Action.SUPPLEMENT: "已提交补正材料，办理时限恢复计算",
    Action.APPROVE: "同意修复",
    Action.DENY: "不予修复",
    Action.EXTEND: "延长办理时限",  # the workflow says by how much: extended()
    Action.SHIELD: "超过办理时限未作决定，暂时屏蔽该信息",
    Action.WITHDRAW: "申请人撤回申请",
    Action.CORRECT: "经核查，异议成立，决定更正该信息，正在通知各信用网站",
    Action.KEEP: "经核查，异议不成立，维持原状",
}

# The steps the applicant is texted about (config/letters.yaml `sms` has a text per purpose): the filing,
# each of these decisions, and the end of the sync (REPAIRED_SMS). Accepting or extending is not texted:
# the progress page shows them, and an SMS at every step would bury the ones that ask something.
SMS_OF_DECISION = {Action.REQUEST_SUPPLEMENT: "supplement_requested", Action.APPROVE: "approved",
                   Action.DENY: "denied", Action.REJECT: "not_accepted"}
FILED_SMS, REPAIRED_SMS = "filed", "repaired"
# an objection's own texts where a repair's would say the wrong thing (受理 of a 修复申请, ...)
OBJECTION_SMS = {Action.REJECT: "objection_not_accepted", Action.KEEP: "objection_kept"}
OBJECTION_FILED_SMS, OBJECTION_CORRECTED_SMS = "objection_filed", "objection_corrected"
# a restructuring's: lifted provisionally, restored when its plan failed (a carried-out one is `repaired`)
LIFTED_SMS, RESTORED_SMS = "restructuring_lifted", "restructuring_restored"


def sms_of(action: Action, *, objection: bool) -> str | None:
    """The SMS purpose of a decision, or None for a step that is not texted."""
    if objection and action in OBJECTION_SMS:
        return OBJECTION_SMS[action]
    return SMS_OF_DECISION.get(action)


CLOSED_SMS = "closed"  # the record's decision revoked: the case ended, nothing left to repair

FILED = "申请已提交，已推送至处理单位"
SYNCING = "修复结果已归集，正在同步至各信用网站"
REPAIRED = "各信用网站均已确认，信用修复完成"
OBJECTION_FILED = "异议申请已提交，已推送至作出决定的单位核查"
LIFTED_REASON = "破产重整（和解）期间暂予修复，暂时屏蔽"
PLAN_FAILED_BEFORE = "重整计划（和解协议）未能执行，修复申请终止"
CORRECTION_SUPERSEDED = "该信息已被认定单位另行更正，本次更正未生效，请按更正后的信息重新作出决定"


def corrected(acknowledged: int, refused: int) -> str:
    told = f"已更正，{acknowledged}个信用网站已确认更正后的信息"
    return told + (f"，{refused}个网站拒收，需人工处理" if refused else "")

# What each delivery asks of a site (sent to it as the reason), what it is called when a site refuses it,
# the event its acknowledgement is recorded as, and what that acknowledgement means.
DELIVERY_REASONS = {"repair": "信用修复", "shield": "超过办理时限未作决定，暂时屏蔽",
                    "unshield": "修复申请未获同意，恢复公示"}
DELIVERY_WHAT = {"repair": "修复结果", "shield": "屏蔽请求", "unshield": "恢复公示请求"}
ACK_EVENTS = {"repair": "sync_ack", "shield": "shield_ack", "unshield": "unshield_ack"}
ACK_MESSAGES = {"repair": "{}已确认撤下该信息", "shield": "{}已暂时屏蔽该信息", "unshield": "{}已恢复公示该信息"}


def extended(workdays: int) -> str:
    return f"延长办理时限{workdays}个工作日"


def overdue(due: date) -> str:
    return f"已超过办理时限（{due}），已通知督办"


def recomputed(due: date) -> str:
    return f"已按正式节假日安排重新计算办理时限，截止日期为{due}"


def acknowledged(site: str, delivery: str) -> str:
    return ACK_MESSAGES[delivery].format(site)


def refused(site: str, delivery: str) -> str:
    return f"{site}拒收{DELIVERY_WHAT[delivery]}，需人工处理"


def resent(sites: list[str]) -> str:
    return f"重新同步至{'、'.join(sites)}"


def handed_over(system: str, reference: str) -> str:
    return f"已转交{system}办理（该系统受理编号：{reference}），办理结果将回传本平台"


def hand_over_failed(system: str) -> str:
    return f"{system}未能接收本事项，改由处理单位在本平台办理"
