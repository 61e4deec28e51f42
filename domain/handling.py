"""The vertical systems (国垂系统、省垂系统) in which a track's handlers decide their cases themselves: the
publicity system for market regulation (seed plan 二(四)). xiufu hands such a case over and takes the
system's decisions back as the same Updates a caseworker's would be, so the deadlines, overdue marks,
shielding and sync to every site are the hub's whichever side decides."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class HandlingSystem:
    code: str  # also the authority claim of the system's token (role handling_system)
    name: str
    base_url: str  # its handling interface: POST {base_url}/cases, POST {base_url}/cases/{id}/notices
