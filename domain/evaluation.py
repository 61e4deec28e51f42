"""Service evaluation (好差评): the five levels of GB/T 39735-2020 and what a bad review sets going.

rules.md "Service evaluation": a bad review (不满意 or worse) is followed up — the department answers and
rectifies within a set time (to verify: commonly 5 working days) and the applicant is told. The number of
days is config/policy.yaml `time_limits.bad_review_follow_up`; this module only applies it.
"""

from __future__ import annotations

from datetime import date
from enum import IntEnum

from domain.errors import Code, DomainError
from domain.workdays import Deadline, WorkCalendar

COMMENT_MAX = 500


class Rating(IntEnum):
    """GB/T 39735-2020 5.2: five levels, 5 the best. The integer is the wire format."""

    VERY_SATISFIED = 5  # 非常满意
    SATISFIED = 4  # 满意
    BASICALLY_SATISFIED = 3  # 基本满意
    DISSATISFIED = 2  # 不满意
    VERY_DISSATISFIED = 1  # 非常不满意


RATING_LABELS = {
    Rating.VERY_SATISFIED: "非常满意",
    Rating.SATISFIED: "满意",
    Rating.BASICALLY_SATISFIED: "基本满意",
    Rating.DISSATISFIED: "不满意",
    Rating.VERY_DISSATISFIED: "非常不满意",
}


def is_bad(rating: Rating) -> bool:
    """不满意 or worse is a bad review (差评), which is followed up (差评整改)."""
    return rating <= Rating.DISSATISFIED


def check_evaluation(rating: int, comment: str) -> tuple[Rating, str]:
    """The level and the comment as they will be kept, or a refusal: a bad review must say what went
    wrong, otherwise the department has nothing to answer and rectify."""
    try:
        level = Rating(rating)
    except ValueError:
        raise DomainError(Code.INVALID_RATING) from None
    comment = comment.strip()
    if len(comment) > COMMENT_MAX:
        raise DomainError(Code.COMMENT_TOO_LONG, f"评价意见不能超过{COMMENT_MAX}字")
    if is_bad(level) and not comment:
        raise DomainError(Code.COMMENT_REQUIRED,
                          f"选择“{RATING_LABELS[level]}”时请填写评价意见，说明不满意的原因，以便整改")
    return level, comment


def follow_up_due(rated_on: date, calendar: WorkCalendar, workdays: int) -> Deadline:
    """The day by which a bad review is answered and rectified: `workdays` working days after the rating."""
    return calendar.add_workdays(rated_on, workdays)
