"""Who may see and do what: one place for the rules every route and page applies.

A caseworker sees and decides only what was routed to their authority; a supervisor sees their region
and below; an applicant sees only their own subject. Reads that are refused answer "not found", so a
caller cannot learn that someone else's application exists.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.authorities import region_contains
from domain.model import Role


@dataclass(frozen=True)
class Principal:
    """The caller, as the bearer token says."""

    sub: str
    role: Role
    authority: str | None = None  # caseworker, integrator, window (the service centre)
    subject: str | None = None  # applicant: the uscc or id_number they act for
    region: str | None = None  # supervisor: the GB/T 2260 region they oversee


def can_register_record(p: Principal, issuer: str) -> bool:
    return p.role is Role.ADMIN or (p.role is Role.INTEGRATOR and p.authority == issuer)


def can_see_record(p: Principal, *, subject_key: str, handler: str, handler_region: str) -> bool:
    """GET /subjects/{key}/records: the subject, a counter, the handling caseworker, a supervisor above the
    handler, the admin."""
    if p.role in (Role.ADMIN, Role.WINDOW):
        return True
    if p.role is Role.APPLICANT:
        return p.subject == subject_key
    if p.role is Role.CASEWORKER:
        return p.authority == handler
    if p.role is Role.SUPERVISOR:
        return p.region is not None and region_contains(p.region, handler_region)
    return False


def can_read_letter(p: Principal, *, issuer: str, subject_key: str) -> bool:
    """The reminder letter (两书同达): the issuer's systems (to print it with the decision) and caseworkers,
    the subject it is addressed to, the admin."""
    if p.role is Role.ADMIN:
        return True
    if p.role in (Role.INTEGRATOR, Role.CASEWORKER):
        return p.authority == issuer
    return p.role is Role.APPLICANT and p.subject == subject_key


def can_apply_for(p: Principal, subject_key: str) -> bool:
    return (p.role is Role.APPLICANT and p.subject == subject_key) or p.role is Role.WINDOW


def can_see_case(
    p: Principal, *, subject_key: str, filed_by: str, handler: str, handler_region: str
) -> bool:
    if p.role in (Role.ADMIN, Role.AUDITOR):
        return True
    if p.role is Role.APPLICANT:
        return p.subject == subject_key
    if p.role is Role.WINDOW:
        return p.sub == filed_by
    if p.role is Role.CASEWORKER:
        return p.authority == handler
    if p.role is Role.SUPERVISOR:
        return p.region is not None and region_contains(p.region, handler_region)
    return False


def can_decide(p: Principal, handler: str) -> bool:
    return p.role is Role.CASEWORKER and p.authority == handler
