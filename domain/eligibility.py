"""Whether a record can be applied for today, and if not, why: the reasons are shown to applicants."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.clock import chinese_date
from domain.errors import Code
from domain.model import RecordState


@dataclass(frozen=True)
class Reason:
    code: str
    message: str


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    eligible_from: date | None
    reasons: tuple[Reason, ...]


def shown_state(state: RecordState, max_publicity_end: date, today: date) -> RecordState:
    """Where a record stands as the sites show it: one past its maximum period is no longer shown, whether or
    not the daily sweep has ended it yet (what an objection or a restructuring may still cover)."""
    if state is RecordState.PUBLISHED and max_publicity_end < today:
        return RecordState.UNPUBLISHED
    return state


def eligibility(
    *,
    today: date,
    state: RecordState,
    eligible_from: date,
    max_publicity_end: date,
    repairable: bool,
    has_open_case: bool,
    obligations_fulfilled: bool | None,
    penalised_again_on: date | None = None,
) -> Eligibility:
    """国办发〔2025〕22号: a record may be repaired once its minimum publicity period is over and the legal
    obligations are fulfilled; it is published no longer than its maximum period. All reasons are listed,
    not only the first, so an applicant learns everything that stands in the way at once."""
    reasons: list[Reason] = []
    if state is RecordState.REPAIRED:
        reasons.append(Reason(Code.ALREADY_REPAIRED, "该信息已修复"))
    if state is RecordState.WITHDRAWN:
        reasons.append(Reason(Code.RECORD_WITHDRAWN, "该信息所依据的决定已被撤销，已不再公示，无需申请修复"))
    ended = state is RecordState.UNPUBLISHED or today > max_publicity_end
    if ended:
        reasons.append(Reason(Code.PUBLICATION_ENDED, "该信息最长公示期已满，已停止公示，无需申请修复"))
    if has_open_case:
        reasons.append(Reason(Code.APPLICATION_OPEN, "该信息已有正在办理的修复申请"))
    if not repairable:
        reasons.append(
            Reason(Code.NOT_REPAIRABLE, "根据规定该类信息不得提前停止公示，最长公示期满后自动停止公示")
        )
    if repairable and today < eligible_from:
        reasons.append(
            Reason(
                Code.MIN_PERIOD_NOT_OVER,
                f"最短公示期未满，{chinese_date(eligible_from)}起可申请修复",
            )
        )
    if obligations_fulfilled is False:
        reasons.append(Reason(Code.OBLIGATIONS_UNFULFILLED, "行政处罚决定等法定义务尚未履行完毕"))
    if penalised_again_on is not None and not ended:  # marked at registration where the track checks no_repeat
        reasons.append(Reason(Code.PENALISED_AGAIN, f"公示期内于{chinese_date(penalised_again_on)}再次受到同领域的"
                                                    "行政处罚，暂不能申请修复（以处理单位认定为准）"))
    return Eligibility(
        eligible=not reasons,
        eligible_from=eligible_from if repairable else None,
        reasons=tuple(reasons),
    )


def eligible_from_the_start(decided_on: date, eligible_from: date) -> bool:
    """No minimum period to wait (minor records, lists removed once corrected): the reminder letter says the
    subject may apply as soon as the obligations are met, rather than naming a day."""
    return eligible_from <= decided_on


def ends_at_maximum(obligations_fulfilled: bool | None) -> bool:
    """Past its maximum period a record stops being published, unless its obligations are known to be
    unfulfilled: that one is reported for the sector's rules to decide, never silently dropped."""
    return obligations_fulfilled is not False


def penalised_again(current: date | None, *, decided_on: date, max_publicity_end: date, later: date) -> date | None:
    """令第45号 第十四条 (a track checking no_repeat): the day a record counts as penalised again once a penalty
    decided on `later` is known, its earliest such day kept; a penalty outside the record's publicity period
    (before its decision, or after its maximum) changes nothing."""
    if not decided_on < later <= max_publicity_end:
        return current
    return later if current is None else min(current, later)
