"""Each authority's 文号代字 for its repair decisions: from authorities.yaml, or derived from its city and
sector; and no two authorities with one, as both would print the same numbers."""

from __future__ import annotations

import pytest

from config.loader import derived_doc_prefix, load_directory, parse_directory
from config.settings import get_settings


def authority(code: str, sector: str, region: str, level: str = "city", **more: str) -> dict[str, str]:
    return {"code": code, "name": code, "sector": sector, "region": region, "level": level, **more}


@pytest.mark.parametrize("sector,region,prefix", [
    ("market_regulation", "320100", "宁市监信修决"), ("tax", "320200", "锡税信修决"),
    ("development_reform", "320000", "苏发改信修决"), ("natural_resources", "321300", "宿自然资源信修决"),
    ("court", "320700", "连法信修决"), ("ecology_environment", "320600", "通环信修决"),
    ("housing_construction", "321100", "镇住建信修决"), ("market_regulation", "320500", "苏州市监信修决"),
    ("market_regulation", "320102", "宁市监信修决"),  # a county's: its city's (so it names its own)
])
def test_a_prefix_is_derived_from_the_city_and_the_sector(sector, region, prefix):
    assert derived_doc_prefix(sector, region) == prefix


def test_the_configured_prefix_wins_and_the_others_are_derived():
    directory = parse_directory({"authorities": [
        authority("320100-market_regulation", "market_regulation", "320100"),
        authority("320102-market_regulation", "market_regulation", "320102", "county", doc_prefix="玄市监信修决"),
    ]})
    assert [a.doc_prefix for a in directory] == ["宁市监信修决", "玄市监信修决"]


def test_two_authorities_with_one_prefix_are_refused():
    with pytest.raises(ValueError, match="share a doc_prefix"):
        parse_directory({"authorities": [
            authority("320100-market_regulation", "market_regulation", "320100"),
            authority("320102-market_regulation", "market_regulation", "320102", "county"),
        ]})


def test_an_authority_nothing_can_be_derived_for_must_name_its_prefix():
    with pytest.raises(ValueError, match="give the authority a doc_prefix"):
        parse_directory({"authorities": [authority("330100-tax", "tax", "330100")]})
    assert next(iter(parse_directory({"authorities": [
        authority("330100-tax", "tax", "330100", doc_prefix="杭税信修决")]}))).doc_prefix == "杭税信修决"


def test_every_configured_authority_has_a_prefix_of_its_own():
    directory = load_directory(get_settings().config_dir)
    prefixes = [a.doc_prefix for a in directory]
    assert all(p.endswith("信修决") for p in prefixes) and len(set(prefixes)) == len(directory)
    assert directory.get("320000-market_regulation").doc_prefix == "苏市监信修决"
    assert directory.get("320500-market_regulation").doc_prefix == "苏州市监信修决"
