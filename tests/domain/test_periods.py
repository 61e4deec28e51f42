from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.model import RecordKind, Severity
from domain.periods import add_months, publicity_window


@pytest.mark.parametrize(
    ("severity", "min_end", "max_end", "eligible_from"),
    [
        (Severity.MINOR, date(2026, 3, 10), date(2026, 6, 10), date(2026, 3, 10)),
        (Severity.GENERAL, date(2026, 6, 10), date(2027, 3, 10), date(2026, 6, 11)),
        (Severity.SERIOUS, date(2027, 3, 10), date(2029, 3, 10), date(2027, 3, 11)),
    ],
)
def test_penalty_windows_by_severity(policy, severity, min_end, max_end, eligible_from):
    w = publicity_window(policy, kind=RecordKind.PENALTY, severity=severity, sector="transport",
                         decided_on=date(2026, 3, 10))
    assert (w.min_publicity_end, w.max_publicity_end, w.eligible_from) == (min_end, max_end, eligible_from)
    assert w.repairable


@pytest.mark.parametrize("severity", list(Severity))
def test_abnormal_list_is_repairable_once_corrected(policy, severity):
    w = publicity_window(policy, kind=RecordKind.ABNORMAL_LIST, severity=severity, sector="market_regulation",
                         decided_on=date(2026, 5, 1))
    assert w.eligible_from == date(2026, 5, 1)
    assert w.max_publicity_end == date(2029, 5, 1)


@pytest.mark.parametrize(
    ("severity", "min_end", "max_end"),
    [
        (Severity.GENERAL, date(2026, 4, 5), date(2027, 1, 5)),
        (Severity.SERIOUS, date(2027, 1, 5), date(2029, 1, 5)),
    ],
)
def test_serious_list_windows(policy, severity, min_end, max_end):
    w = publicity_window(policy, kind=RecordKind.SERIOUS_LIST, severity=severity, sector="court",
                         decided_on=date(2026, 1, 5))
    assert (w.min_publicity_end, w.max_publicity_end) == (min_end, max_end)


def test_sector_override_lengthens_minimum(policy):
    w = publicity_window(policy, kind=RecordKind.PENALTY, severity=Severity.GENERAL,
                         sector="emergency_management", decided_on=date(2026, 2, 1))
    assert w.min_publicity_end == date(2027, 2, 1)
    assert w.max_publicity_end == date(2027, 2, 1)
    assert w.rules


def test_revocation_by_market_regulation_is_never_repaired_early(policy):
    w = publicity_window(policy, kind=RecordKind.PENALTY, severity=Severity.GENERAL, sector="market_regulation",
                         decided_on=date(2026, 2, 1), penalty_types=frozenset({"罚款", "吊销许可证件"}))
    assert not w.repairable
    assert w.max_publicity_end == date(2029, 2, 1)


def test_longest_period_of_several_penalty_types_applies(policy):
    plain = publicity_window(policy, kind=RecordKind.PENALTY, severity=Severity.GENERAL,
                             sector="market_regulation", decided_on=date(2026, 2, 1),
                             penalty_types=frozenset({"罚款"}))
    both = publicity_window(policy, kind=RecordKind.PENALTY, severity=Severity.GENERAL,
                            sector="market_regulation", decided_on=date(2026, 2, 1),
                            penalty_types=frozenset({"罚款", "责令关闭"}))
    assert both.max_publicity_end > plain.max_publicity_end


def test_month_end_without_corresponding_day():
    assert add_months(date(2025, 11, 30), 3) == date(2026, 2, 28)
    assert add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)),
       st.integers(min_value=0, max_value=60), st.integers(min_value=0, max_value=60))
def test_add_months_is_monotonic_and_close(start, a, b):
    lo, hi = sorted((a, b))
    assert add_months(start, lo) <= add_months(start, hi)
    end = add_months(start, hi)
    assert (end.year - start.year) * 12 + end.month - start.month == hi
    assert end - start <= timedelta(days=31 * hi + 1)


@given(st.sampled_from(list(RecordKind)), st.sampled_from(list(Severity)),
       st.sampled_from(["market_regulation", "transport", "emergency_management", "natural_resources", "court"]),
       st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31)),
       st.sets(st.sampled_from(["警告", "罚款", "吊销许可证件", "责令关闭", "限制从业"])))
def test_window_is_ordered(policy, kind, severity, sector, decided_on, types):
    w = publicity_window(policy, kind=kind, severity=severity, sector=sector, decided_on=decided_on,
                         penalty_types=frozenset(types))
    assert decided_on <= w.eligible_from <= w.min_publicity_end + timedelta(days=1)
    assert w.min_publicity_end <= w.max_publicity_end
