"""对账 (issue 12): what a credit site shows set against what the hub says it should show, and what is done
about each difference. The plan exists to end results that differ from site to site (修复结果不同步): a
removal acknowledged once is not trusted for ever, it is read back.

A record in the hub is shown (published) or not (repaired, ended, shielded, lifted, withdrawn). A site is fed
its records by the departments, not by the hub, so a published record missing from a site is the feed's gap,
reported; what the hub told the site (a removal, showing a record again, a corrected content) the hub owns,
and sends again with the key of the first delivery, so a site that has it already applies nothing twice."""

from __future__ import annotations

from enum import StrEnum

from domain.authorities import Authority
from domain.model import RecordState

SHOWN_STATES = frozenset({RecordState.PUBLISHED})


class Difference(StrEnum):
    SHOWN = "shown"  # the site shows a record the hub took off (repaired, ended, shielded, lifted, withdrawn)
    MISSING = "missing"  # the hub's record is published and the site does not show it
    UNKNOWN = "unknown"  # the site shows a record the hub has never heard of
    CONTENT = "content"  # the site shows another version of the record's content than the hub's


class Outcome(StrEnum):
    REDELIVER = "redeliver"  # the hub owns it: its delivery sent again, same key (then: redelivered | refused)
    REDELIVERED = "redelivered"
    REFUSED = "refused"  # the site refused the delivery sent again: for people to look at
    PENDING = "pending"  # the hub's own delivery is not acknowledged yet: still retrying, nothing to add
    REPORTED = "reported"  # not the hub's to send (a department's feed, a record unknown to the hub)


DIFFERENCE_LABELS = {
    Difference.SHOWN: "网站仍在展示已修复或已停止公示的信息",
    Difference.MISSING: "仍在公示的信息网站未展示",
    Difference.UNKNOWN: "网站展示的信息归集库中不存在",
    Difference.CONTENT: "网站展示的内容与更正后的不一致",
}
OUTCOME_LABELS = {
    Outcome.REDELIVER: "待补发",
    Outcome.REDELIVERED: "已补发，网站已确认",
    Outcome.REFUSED: "补发被网站拒收，需人工处理",
    Outcome.PENDING: "原推送尚未确认，仍在重试",
    Outcome.REPORTED: "已报告，由信息提供单位核实",
}
# the same, short, for a table's column heads (the long ones are its legend)
DIFFERENCE_SHORT = {Difference.SHOWN: "仍在展示", Difference.MISSING: "未展示", Difference.UNKNOWN: "库中无此信息",
                    Difference.CONTENT: "内容不一致"}
OUTCOME_SHORT = {Outcome.REDELIVER: "待补发", Outcome.REDELIVERED: "已补发", Outcome.REFUSED: "补发被拒",
                 Outcome.PENDING: "等待原推送", Outcome.REPORTED: "已报告"}
# what the hub last told a site about a record, by the delivery's action: whether the site should show it
SHOWS_AFTER = {"repair": False, "unpublish": False, "shield": False, "withdraw": False, "unshield": True,
               "correct": True}


def shows(scope: str, issuer: Authority | None) -> bool:
    """Whether a site of `scope` (config/targets.yaml `shows`) publishes the records of `issuer`: all; one
    sector's; one region's (a city's takes its counties: 320500 takes 320582)."""
    if scope == "all":
        return True
    if issuer is None:
        return False
    what, _, value = scope.partition(":")
    if what == "sector":
        return issuer.sector == value
    if what == "region":
        if value.endswith("0000"):
            return issuer.region.startswith(value[:2])
        return issuer.region.startswith(value[:4]) if value.endswith("00") else issuer.region == value
    raise ValueError(f"unknown site scope {scope!r}")


# what the hub is doing about a site that still showed a repaired record, as the applicant reads it
DOING = {
    Outcome.REDELIVER: "该网站核查时仍在展示，正在重新推送修复结果",
    Outcome.REDELIVERED: "该网站核查时仍在展示，已重新推送修复结果并经网站确认，下次对账复核",
    Outcome.REFUSED: "该网站核查时仍在展示，重新推送被网站拒收，已列入对账报告",
    Outcome.PENDING: "该网站核查时仍在展示，修复结果正在推送（网站尚未确认）",
    Outcome.REPORTED: "该网站核查时仍在展示，已列入对账报告",
}
