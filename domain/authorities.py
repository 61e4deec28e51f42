"""Authorities and regions: who decided a record, who handles its repair, who supervises whom."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Authority:
    code: str
    name: str
    sector: str
    region: str  # GB/T 2260 administrative division code
    level: str  # province | city | county
    # 文号代字 of its repair decisions (宁市监信修决): config/authorities.yaml, or derived by config/loader.py
    doc_prefix: str = ""


def decision_no(prefix: str, year: int, seq: int) -> str:
    """The number a repair decision (信用修复决定书) carries: the authority's 代字, the year in full inside
    六角括号 and the sequence within that authority and year in Arabic figures, no leading zeros (GB/T
    9704-2012 7.2.3). The "第" is the form issue 10 item 12 asks for: 宁市监信修决〔2026〕第12号 (7.2.3 leaves
    it out of a 公文's 发文字号)."""
    return f"{prefix}〔{year}〕第{seq}号"


def region_prefix(region: str) -> str:
    """GB/T 2260 codes nest by their digits: 320000 (province) holds 32xxxx, 320100 (city) holds 3201xx."""
    if region.endswith("0000"):
        return region[:2]
    if region.endswith("00"):
        return region[:4]
    return region


def region_contains(parent: str, child: str) -> bool:
    return child.startswith(region_prefix(parent))


class Directory:
    """The configured authorities, looked up by code; built once from config/authorities.yaml."""

    def __init__(self, authorities: Iterable[Authority], region_names: dict[str, str] | None = None) -> None:
        self._by_code = {a.code: a for a in authorities}
        self.region_names = dict(region_names or {})

    def region_name(self, region: str) -> str:
        """江苏省, 南京市…: from config/authorities.yaml `regions`; the code itself for one not named there."""
        return self.region_names.get(region, region)

    def regions_within(self, region: str | None) -> list[str]:
        """The regions that have authorities, within `region` (None: the province), in code order: what a
        supervisor can choose to look at."""
        found = {a.region for a in self._by_code.values()}
        return sorted(r for r in found if region is None or region_contains(region, r))

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._by_code.values())

    def __len__(self) -> int:
        return len(self._by_code)

    def get(self, code: str) -> Authority | None:
        return self._by_code.get(code)

    def name_of(self, code: str) -> str:
        """The authority's name; the code itself for one the directory does not know (an old record)."""
        found = self._by_code.get(code)
        return found.name if found else code

    def find(self, *, sector: str, region: str) -> Authority | None:
        for authority in self._by_code.values():
            if authority.sector == sector and authority.region == region:
                return authority
        return None

    def city_of(self, region: str) -> str:
        """The city (设区市) a region belongs to; the province's own authorities belong to 320000."""
        if region.endswith("0000"):
            return region
        return region[:4] + "00"
