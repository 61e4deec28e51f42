"""The rules a province can change without a code change, as plain values (loaded from config/policy.yaml).

domain/ never reads the file itself: config/loader.py builds these objects and passes them in, so every
decision below is a pure function that tests can feed directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from domain.materials import UploadRules
from domain.model import RecordKind, Severity
from domain.tracks import OBJECTION, RESTRUCTURING, DecisionFrom, Track, TrackLimits, track_for


@dataclass(frozen=True)
class PeriodRule:
    """A publicity window in months, counted from the decision date (国办发〔2025〕22号 二)."""

    min_months: int
    max_months: int


@dataclass(frozen=True)
class PeriodOverride:
    """A sector or penalty-type rule that lengthens the window, or forbids an early end of publication.

    Every match field left empty matches anything. Where several rules match one record, the longest
    period applies (one decision with several penalty types: the longest applies).
    """

    name: str
    kinds: frozenset[RecordKind] = frozenset()
    sectors: frozenset[str] = frozenset()
    severities: frozenset[Severity] = frozenset()
    penalty_types: frozenset[str] = frozenset()
    min_months: int | None = None
    max_months: int | None = None
    repairable: bool = True
    source: str = ""

    def matches(self, kind: RecordKind, sector: str, severity: Severity, penalty_types: frozenset[str]) -> bool:
        return (
            (not self.kinds or kind in self.kinds)
            and (not self.sectors or sector in self.sectors)
            and (not self.severities or severity in self.severities)
            and (not self.penalty_types or bool(self.penalty_types & penalty_types))
        )


class PenaltyHandler(StrEnum):
    """Who decides a non-market-regulation penalty repair: the 2025 national text has Credit China push
    the application to the deciding authority (default); the 2024 seed plan gave acceptance to
    development and reform. Both are kept as a setting."""

    ISSUER = "issuer"
    CREDIT_CENTRE = "credit_centre"


@dataclass(frozen=True)
class TimeLimits:
    """Working-day limits of rules.md 'Time limits'; each is a config value with its source."""

    push: int = 1
    acceptance: int = 3
    decision: int = 7
    extension: int = 5
    max_extensions: int = 1
    abnormal_list_removal: int = 5
    bad_review_follow_up: int = 5  # 差评整改: answer and rectify a bad review (to verify)
    record_withdrawal: int = 3  # a revoked penalty off every site (市场监管总局令第45号 第十一条, confirmed)

    @property
    def general(self) -> TrackLimits:
        """These limits as a case counts them: what a case filed before tracks, or a config without
        tracks, is given."""
        return TrackLimits(acceptance=self.acceptance, decision=self.decision, extension=self.extension,
                           max_extensions=self.max_extensions)


@dataclass(frozen=True)
class Policy:
    periods: dict[Severity, PeriodRule]
    kind_periods: dict[RecordKind, dict[Severity, PeriodRule]] = field(default_factory=dict)
    overrides: tuple[PeriodOverride, ...] = ()
    time_limits: TimeLimits = TimeLimits()
    penalty_handler: PenaltyHandler = PenaltyHandler.ISSUER
    abnormal_list_sectors: frozenset[str] = frozenset({"market_regulation", "natural_resources"})
    penalty_types: frozenset[str] = frozenset()
    uploads: UploadRules = UploadRules()
    tracks: tuple[Track, ...] = ()  # 修复路径 (domain/tracks.py); when none is configured, `all_tracks` derives them
    objection: Track = OBJECTION  # 异议申诉 (domain/objection.py): one track for every kind and sector
    restructuring: Track = RESTRUCTURING  # 破产重整、和解 (domain/restructuring.py): likewise

    @property
    def all_tracks(self) -> tuple[Track, ...]:
        """The configured tracks, or (a config of before tracks) one per kind from `time_limits`, the
        abnormal list's removal counted from the application for the sectors that list."""
        if self.tracks:
            return self.tracks
        t = self.time_limits
        general = t.general
        removal = TrackLimits(acceptance=t.acceptance, decision=t.abnormal_list_removal, extension=0,
                              max_extensions=0, decision_from=DecisionFrom.APPLICATION)
        return (Track("penalty", "行政处罚信息信用修复", RecordKind.PENALTY, limits=general),
                Track("abnormal_list", "移出经营异常名录", RecordKind.ABNORMAL_LIST,
                      sectors=self.abnormal_list_sectors, limits=removal, decision_name="移出经营异常名录决定书"),
                Track("serious_list", "严重失信主体名单信用修复", RecordKind.SERIOUS_LIST, limits=general))

    def track(self, kind: RecordKind | str, sector: str) -> Track:
        return track_for(self.all_tracks, kind, sector)

    def track_named(self, key: str) -> Track | None:
        """A case's track by the key kept with it (None: a case filed before tracks, or a key since removed)."""
        for own in (self.objection, self.restructuring):
            if key == own.key:
                return own
        return next((t for t in self.all_tracks if t.key == key), None)

    def case_limits(self, track: str | None) -> TrackLimits:
        """The limits a case counts: its track's (kept with it at filing), or for a case filed before tracks
        the general ones its workflow was given."""
        found = self.track_named(track) if track else None
        return found.limits if found is not None else self.time_limits.general
