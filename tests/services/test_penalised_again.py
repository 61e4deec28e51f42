"""令第45号 第十四条 on the market-regulation penalty track (`checks: [no_repeat]`): a penalty is not repaired
early when its subject was penalised again by the same sector within its publicity period, whichever of
the two was registered first; another sector's penalty, one after the period, or a track without the check
changes nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime

from config.rules import rules_for
from config.settings import get_settings
from domain.access import Principal
from domain.model import Role
from services.commands import RecordCreate
from services.registering import register
from store import records as store_records
from store.db import engine_for, session_scope
from store.migrate import upgrade
from tests import factories

TODAY = date(2026, 12, 3)


def _register(uscc: str, issuer: str, decided_on: str):  # type: ignore[no-untyped-def]
    settings = get_settings()
    upgrade(settings.db_url)
    body = factories.record_body(issuer=issuer, decided_on=decided_on, subject={"uscc": uscc, "name": "测试有限公司"})
    with session_scope(engine_for(settings.db_url)) as session:
        row, _ = register(session, rules_for(settings.config_dir), Principal("admin", Role.ADMIN),
                          RecordCreate(**body), TODAY, datetime.now(UTC))
        return row.id


def _eligibility(record_id: str):  # type: ignore[no-untyped-def]
    with session_scope(engine_for(get_settings().db_url)) as session:
        return store_records.eligibility_of(store_records.get(session, record_id), TODAY)


def test_a_later_market_penalty_within_the_period_stops_the_early_repair_either_way_round():
    uscc = factories.uscc()
    first = _register(uscc, "320100-market_regulation", "2026-03-10")
    assert _eligibility(first).eligible
    _register(uscc, "320200-market_regulation", "2026-06-01")  # another city's market regulator: same sector
    refused = _eligibility(first)
    assert not refused.eligible and [r.code for r in refused.reasons] == ["PENALISED_AGAIN"]
    assert "2026年6月1日再次受到同领域的行政处罚" in refused.reasons[0].message

    other = factories.uscc()  # registered the other way round: the later one first
    _register(other, "320100-market_regulation", "2026-06-01")
    earlier = _register(other, "320100-market_regulation", "2026-03-10")
    assert [r.code for r in _eligibility(earlier).reasons] == ["PENALISED_AGAIN"]


def test_another_sector_a_penalty_after_the_period_or_a_track_without_the_check_change_nothing():
    uscc = factories.uscc()
    first = _register(uscc, "320100-market_regulation", "2025-01-10")  # general: published until 2026-01-10
    _register(uscc, "320100-transport", "2025-06-01")  # another sector
    _register(uscc, "320100-market_regulation", "2026-02-01")  # after the first's publicity period
    assert "PENALISED_AGAIN" not in [r.code for r in _eligibility(first).reasons]
    transport = _register(uscc, "320100-transport", "2026-03-10")
    _register(uscc, "320100-transport", "2026-06-01")  # the general penalty track checks no repeat
    assert _eligibility(transport).eligible
