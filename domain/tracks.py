"""The tracks of repair (修复路径): one per kind of record and, where a sector's rules differ, per sector, as
config/policy.yaml `tracks` gives them. A track says what the case workflow counts (its time limits), what
the applicant must meet and bring (conditions, materials: shown on the pages), and what the decision is
called; adding a sector's track is a change of config, not of code (issue 11).

谁认定、谁修复: the track is chosen by the record's kind and the sector of the unit that decided or listed
it; the most specific track wins (one naming the sector over one for every sector)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.errors import Code, DomainError
from domain.model import KIND_LABELS, RecordKind


class DecisionFrom(StrEnum):
    """Where the decision limit counts from: the acceptance (a penalty: 7 working days after it is accepted)
    or the application itself (a removal from the abnormal list: 5 working days after it is filed)."""

    ACCEPTANCE = "acceptance"
    APPLICATION = "application"


@dataclass(frozen=True)
class TrackLimits:
    acceptance: int = 3
    decision: int = 7
    extension: int = 5
    max_extensions: int = 1
    decision_from: DecisionFrom = DecisionFrom.ACCEPTANCE


@dataclass(frozen=True)
class Track:
    key: str
    name: str
    kind: RecordKind | None  # None: the objection track (异议申诉), for records of every kind
    sectors: frozenset[str] = frozenset()  # empty: every sector without a track of its own
    limits: TrackLimits = TrackLimits()
    decision_name: str = "信用修复决定书"
    conditions: tuple[str, ...] = ()
    materials: tuple[str, ...] = ()
    proof: str = "已履行法定责任和义务的凭证"  # what the upload asked for on the form is (a fine's receipt, ...)
    basis: str = ""  # 办理依据, as the guide pages and letters cite it
    source: str = ""  # where the numbers come from, and how sure we are (rules.md)
    confidence: str = "to verify"  # confirmed | one source | to verify
    # the vertical system its handlers decide in (config/handling.yaml), or "" for xiufu's own workbench
    handled_in: str = ""
    # conditions the eligibility rule checks beyond every track's (the minimum period, the obligations):
    # no_repeat: not penalised again in the same sector within the publicity period (令第45号 第十四条)
    checks: frozenset[str] = frozenset()

    @property
    def to_verify(self) -> bool:
        """A number not read in a text in force: the pages add 以处理单位公布为准."""
        return self.confidence != "confirmed"


KNOWN_CHECKS = frozenset({"no_repeat"})
OBJECTION_KEY, RESTRUCTURING_KEY = "objection", "restructuring"
# an objection's track when config/policy.yaml has none: a repair's acceptance, 5 working days to decide
OBJECTION = Track(OBJECTION_KEY, "异议申诉", None, limits=TrackLimits(acceptance=3, decision=5),
                  decision_name="异议处理决定书", source="no text read on an objection's limits (to verify)")
# a restructuring's track when config/policy.yaml has none: a repair's limits
RESTRUCTURING = Track(RESTRUCTURING_KEY, "破产重整（和解）企业信用修复", None,
                      source="22号 (one source); limits to verify")


def track_for(tracks: tuple[Track, ...], kind: RecordKind | str, sector: str) -> Track:
    """The record's track: the one of its kind naming its sector, else its kind's track for every sector."""
    kind = RecordKind(kind)
    mine = [t for t in tracks if t.kind is kind]
    found = next((t for t in mine if sector in t.sectors), None) or next((t for t in mine if not t.sectors), None)
    if found is None:
        raise DomainError(Code.NO_TRACK, f"{KIND_LABELS[kind]}在该领域没有配置修复路径，无法登记",
                          kind=kind.value, sector=sector)
    return found
