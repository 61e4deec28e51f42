from __future__ import annotations

import dataclasses

import pytest

from domain.errors import DomainError
from domain.model import RecordKind, RepairChannel
from domain.policy import PenaltyHandler
from domain.routing import route


@pytest.mark.parametrize("kind", list(RecordKind))
def test_market_regulation_records_go_through_the_publicity_system(policy, directory, kind):
    issuer = directory.get("320500-market_regulation")
    r = route(policy, directory, kind=kind, issuer=issuer)
    assert (r.channel, r.handler) == (RepairChannel.GSXT_JS, "320500-market_regulation")


def test_other_penalties_enter_credit_china_and_go_to_the_issuer(policy, directory):
    issuer = directory.get("320200-transport")
    r = route(policy, directory, kind=RecordKind.PENALTY, issuer=issuer)
    assert (r.channel, r.handler) == (RepairChannel.CREDITCHINA_JS, "320200-transport")


def test_seed_plan_setting_gives_penalties_to_development_and_reform(policy, directory):
    seed_rule = dataclasses.replace(policy, penalty_handler=PenaltyHandler.CREDIT_CENTRE)
    r = route(seed_rule, directory, kind=RecordKind.PENALTY, issuer=directory.get("320200-transport"))
    assert (r.channel, r.handler) == (RepairChannel.CREDITCHINA_JS, "320200-development_reform")
    # lists stay with whoever listed them, whatever the penalty setting
    r = route(seed_rule, directory, kind=RecordKind.SERIOUS_LIST, issuer=directory.get("320000-tax"))
    assert r.handler == "320000-tax"


def test_abnormal_list_by_natural_resources(policy, directory):
    r = route(policy, directory, kind=RecordKind.ABNORMAL_LIST, issuer=directory.get("320300-natural_resources"))
    assert (r.channel, r.handler) == (RepairChannel.CREDITCHINA_JS, "320300-natural_resources")


def test_abnormal_list_by_another_sector_is_refused(policy, directory):
    with pytest.raises(DomainError) as exc:
        route(policy, directory, kind=RecordKind.ABNORMAL_LIST, issuer=directory.get("320300-tax"))
    assert exc.value.code == "ABNORMAL_LIST_ISSUER"


@pytest.mark.parametrize("issuer", ["320000-court", "321300-court", "320100-tax", "320000-development_reform"])
def test_serious_lists_go_to_the_listing_unit(policy, directory, issuer):
    r = route(policy, directory, kind=RecordKind.SERIOUS_LIST, issuer=directory.get(issuer))
    assert (r.channel, r.handler) == (RepairChannel.CREDITCHINA_JS, issuer)


def test_every_configured_authority_routes_every_kind_somewhere(policy, directory):
    for authority in directory:
        for kind in RecordKind:
            try:
                r = route(policy, directory, kind=kind, issuer=authority)
            except DomainError as exc:
                assert kind is RecordKind.ABNORMAL_LIST and exc.code == "ABNORMAL_LIST_ISSUER"
                continue
            assert directory.get(r.handler) is not None


def test_every_region_with_authorities_has_its_name_and_a_supervisor_chooses_within_their_own(directory):
    assert all(directory.region_name(r) != r for r in directory.regions_within(None))
    assert directory.region_name("320400") == "常州市" and directory.region_name("329999") == "329999"
    assert directory.regions_within("320400") == ["320400"]
    assert directory.regions_within(None)[:3] == ["320000", "320100", "320200"]
    assert len(directory.regions_within(None)) == 14
