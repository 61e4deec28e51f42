"""The tracks of config/policy.yaml (issue 11): one per kind and, where a sector's rules differ, per sector;
each names its source and how sure it is; the most specific wins; a kind with no track is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from config.loader import load_policy, parse_policy
from domain.errors import Code, DomainError
from domain.model import RecordKind
from domain.tracks import DecisionFrom

CONFIG = Path(__file__).resolve().parent.parent.parent / "config"
RAW = yaml.safe_load((CONFIG / "policy.yaml").read_text("utf-8"))


def test_every_track_names_its_source_basis_conditions_and_materials():
    policy = load_policy(CONFIG)
    assert {t.kind for t in policy.tracks} == set(RecordKind)
    for track in policy.tracks:
        assert track.source and track.basis and track.conditions and track.materials, track.key
        assert track.confidence in ("confirmed", "one source", "to verify"), track.key
        assert track.limits.acceptance > 0 and track.limits.decision > 0, track.key
        assert track.proof, track.key
    assert policy.track("abnormal_list", "market_regulation").proof == "已纠正被列入情形的证明材料"  # not a fine's


@pytest.mark.parametrize(("kind", "sector", "key", "decision", "counts_from"), [
    ("penalty", "tax", "penalty", 7, DecisionFrom.ACCEPTANCE),
    ("penalty", "market_regulation", "penalty_market_regulation", 7, DecisionFrom.ACCEPTANCE),
    ("abnormal_list", "market_regulation", "abnormal_list_market_regulation", 5, DecisionFrom.APPLICATION),
    ("abnormal_list", "natural_resources", "abnormal_list_natural_resources", 5, DecisionFrom.APPLICATION),
    ("serious_list", "court", "serious_list_court", 3, DecisionFrom.APPLICATION),
    ("serious_list", "tax", "serious_list_tax", 15, DecisionFrom.APPLICATION),
    ("serious_list", "market_regulation", "serious_list_market_regulation", 7, DecisionFrom.ACCEPTANCE),
    ("serious_list", "ecology_environment", "serious_list", 7, DecisionFrom.ACCEPTANCE),
])
def test_the_sector_s_own_track_wins_over_the_kind_s_track_for_every_sector(kind, sector, key, decision,
                                                                             counts_from):
    track = load_policy(CONFIG).track(kind, sector)
    assert (track.key, track.limits.decision, track.limits.decision_from) == (key, decision, counts_from)


def test_a_kind_with_no_track_in_the_sector_is_refused_with_a_stable_code():
    only_penalties = parse_policy({**RAW, "tracks": [t for t in RAW["tracks"] if t["kind"] == "penalty"]})
    with pytest.raises(DomainError) as refused:
        only_penalties.track("serious_list", "court")
    assert refused.value.code == Code.NO_TRACK and "严重失信主体名单" in refused.value.message
    with pytest.raises(DomainError):
        load_policy(CONFIG).track("abnormal_list", "tax")  # tax lists nobody as abnormal


def test_two_tracks_claiming_one_kind_and_sector_are_refused_at_start_up():
    twice = [*RAW["tracks"], {**RAW["tracks"][1], "key": "penalty_market_regulation_again"}]
    with pytest.raises(ValueError, match="same kind and sector"):
        parse_policy({**RAW, "tracks": twice})
    with pytest.raises(ValueError, match="key repeats"):
        # the same key for a track that claims nothing else: only the key check can refuse it
        parse_policy({**RAW, "tracks": [*RAW["tracks"], {**RAW["tracks"][0], "sectors": ["housing_construction"]}]})


def test_a_config_without_tracks_gets_one_per_kind_from_its_time_limits():
    old = parse_policy({k: v for k, v in RAW.items() if k != "tracks"})
    assert old.track("penalty", "tax").limits.decision == old.time_limits.decision
    removal = old.track("abnormal_list", "market_regulation")
    assert (removal.limits.decision, removal.limits.decision_from) == (old.time_limits.abnormal_list_removal,
                                                                       DecisionFrom.APPLICATION)
    with pytest.raises(DomainError):
        old.track("abnormal_list", "tax")
