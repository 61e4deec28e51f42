from __future__ import annotations

from datetime import date

import pytest

from domain.errors import DomainError
from domain.evaluation import RATING_LABELS, Rating, check_evaluation, follow_up_due, is_bad
from domain.workdays import WorkCalendar


def test_five_levels_and_what_counts_as_bad():
    assert [RATING_LABELS[r] for r in sorted(Rating, reverse=True)] == ["非常满意", "满意", "基本满意", "不满意",
                                                                          "非常不满意"]
    assert [r for r in Rating if is_bad(r)] == [Rating.DISSATISFIED, Rating.VERY_DISSATISFIED]


def test_a_bad_review_needs_a_comment_a_good_one_does_not():
    assert check_evaluation(5, "  ") == (Rating.VERY_SATISFIED, "")
    with pytest.raises(DomainError) as refused:
        check_evaluation(2, " ")
    assert refused.value.code == "COMMENT_REQUIRED" and "不满意" in refused.value.message
    assert check_evaluation(1, " 太慢 ") == (Rating.VERY_DISSATISFIED, "太慢")


@pytest.mark.parametrize(("rating", "comment", "code"), [(0, "", "INVALID_RATING"), (6, "", "INVALID_RATING"),
                                                         (4, "字" * 501, "COMMENT_TOO_LONG")])
def test_refusals(rating, comment, code):
    with pytest.raises(DomainError) as refused:
        check_evaluation(rating, comment)
    assert refused.value.code == code


def test_follow_up_is_counted_in_working_days():
    friday = date(2026, 3, 13)
    assert follow_up_due(friday, WorkCalendar(), 5).due == date(2026, 3, 20)
