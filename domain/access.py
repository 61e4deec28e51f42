"""Who may see and do what: one place for the rules every route and page applies.

A caseworker sees and decides only what was routed to their authority; a supervisor sees their region
and below; an applicant sees only their own subject. Reads that are refused answer "not found", so a
caller cannot learn that someone else's application exists.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.authorities import region_contains
from domain.model import Role
from domain.transitions import ACTION_LABELS, CASEWORKER_ACTIONS, Action


@dataclass(frozen=True)
class Principal:
    """The caller, as the bearer token says."""

    sub: str
    role: Role
    authority: str | None = None  # caseworker, integrator, window (the service centre)
    subject: str | None = None  # applicant: the uscc or id_number they act for
    region: str | None = None  # supervisor: the GB/T 2260 region they oversee
    # the person's name as their credential gives it (OIDC `name`, a token's `name`, a demo identity's):
    # shown and recorded (the counter's receipt names its clerk), never used to decide anything
    name: str | None = None


# What a principal of each role is scoped by: a caseworker without an authority would see nothing, or
# worse, everything; a token without its role's scope is refused.
SCOPE_OF_ROLE = {
    Role.APPLICANT: "subject",
    Role.CASEWORKER: "authority",
    Role.INTEGRATOR: "authority",
    Role.SUPERVISOR: "region",
    Role.HANDLING_SYSTEM: "authority",  # the system's code (config/handling.yaml)
}


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
    p: Principal, *, subject_key: str, filed_by: str, handler: str, handler_region: str, vouched: bool = False
) -> bool:
    """`vouched`: a counter clerk proved in this session that the person before them holds the
    application (`counter_may_act_for`)."""
    if p.role in (Role.ADMIN, Role.AUDITOR):
        return True
    if p.role is Role.APPLICANT:
        return p.subject == subject_key
    if p.role is Role.WINDOW:
        return counter_may_act_for(p, filed_by=filed_by, vouched=vouched)
    if p.role is Role.CASEWORKER:
        return p.authority == handler
    if p.role is Role.SUPERVISOR:
        return p.region is not None and region_contains(p.region, handler_region)
    return False


def can_decide(p: Principal, handler: str) -> bool:
    return p.role is Role.CASEWORKER and p.authority == handler


# ---- the applicant's side: the subject itself, or the counter that filed for it -------------------------
def is_applicant_side(p: Principal) -> bool:
    """Who acts as the applicant: the subject's own account, or a service-centre counter filing for it
    (窗口代办). Which application they may act on is `can_see_case` (the subject's own; the counter's own
    filings)."""
    return p.role in (Role.APPLICANT, Role.WINDOW)


def can_answer_supplement(p: Principal) -> bool:
    return is_applicant_side(p)


def can_withdraw(p: Principal) -> bool:
    return is_applicant_side(p)


def can_rate(p: Principal) -> bool:
    """好差评 is given by whoever applied (the subject, or the counter on its behalf)."""
    return is_applicant_side(p)


def counter_may_act_for(p: Principal, *, filed_by: str, vouched: bool) -> bool:
    """A counter clerk acts for an application (sees it, answers a supplement on the applicant's behalf)
    when they filed it themselves, or when `vouched`: in this browser session, within the last minutes,
    they looked it up with its query code and the last four digits of its contact phone
    (services/lookup.py), which only the person standing at the counter can give.

    Not every counter for every application: a clerk who could open any application by its id would be a
    way round the code-and-phone check, and the 查询码 is read out, not secret. The proof of the lookup is
    a grant signed for this clerk, this session and this application, valid for a short time
    (api/web/counter_grant.py); it is never stored, so a new visit means a new lookup."""
    return p.role is Role.WINDOW and (p.sub == filed_by or vouched)


def can_file_at_counter(p: Principal) -> bool:
    return p.role is Role.WINDOW


def can_look_up_by_query_code(p: Principal) -> bool:
    """A counter helps whoever stands before it, whichever channel they filed through: it finds their
    application by the query code they read out and the last digits of their phone (services/lookup.py)."""
    return p.role is Role.WINDOW


def has_own_subject(p: Principal) -> bool:
    """An applicant's pages (/my) need the subject their account acts for."""
    return p.role is Role.APPLICANT and bool(p.subject)


# ---- the handler's side --------------------------------------------------------------------------------
def can_act_as_issuer(p: Principal, issuer: str) -> bool:
    """The issuing authority's own people and systems (its caseworkers, its integrator)."""
    return p.role in (Role.INTEGRATOR, Role.CASEWORKER) and p.authority == issuer


def can_check_payment(p: Principal, *, issuer: str, subject_key: str) -> bool:
    """Asking the non-tax revenue payment platform whether a record's fine is paid (services/payments.py):
    whoever may apply for the record (its subject, a counter), the issuer's own people and systems, the admin."""
    return p.role is Role.ADMIN or can_apply_for(p, subject_key) or can_act_as_issuer(p, issuer)


def can_read_record_messages(p: Principal, issuer: str) -> bool:
    """The SMS sent about a record: the admin and the issuing authority."""
    return p.role is Role.ADMIN or can_act_as_issuer(p, issuer)


def refusal_to_act(p: Principal, action: Action, handler: str, handled_in: str = "") -> str | None:
    """Why `p` may not take `action` on a case handled by `handler` (None: allowed). One rule for the
    route and the workflow's Update validator: a caseworker's actions by the handling authority's
    caseworkers only, or by the vertical system the case was handed to (`handled_in`) and then by it
    alone (one decider); the applicant's (supplement, withdraw) by the applicant's side only."""
    if action in CASEWORKER_ACTIONS and handled_in:
        return None if decides_in_system(p, handled_in) else f"该事项已转交{handled_in}办理，由该系统作出决定"
    if action in CASEWORKER_ACTIONS:
        return None if can_decide(p, handler) else f"只有处理单位（{handler}）的经办人可以{ACTION_LABELS[action]}"
    return None if is_applicant_side(p) else f"只有申请人可以{ACTION_LABELS[action]}"


def decides_in_system(p: Principal, system: str) -> bool:
    """The vertical system a case was handed to reports its decisions (its token names the system)."""
    return p.role is Role.HANDLING_SYSTEM and bool(system) and p.authority == system


def can_see_sync(p: Principal) -> bool:
    """The reconciliation board (对账) covers every site and every record of the province: the admin, auditors
    and the province's supervisors."""
    return sees_province(p) or oversight_region(p) == "320000"


def can_resync(p: Principal) -> bool:
    """Sending a refused repair to a site again is the admin's (after the cause is fixed with the site)."""
    return p.role is Role.ADMIN


# ---- oversight -----------------------------------------------------------------------------------------
def can_read_history(p: Principal) -> bool:
    """A case's audit trail (the Temporal history): auditors, supervisors (their region, by
    `can_see_case`), the admin."""
    return p.role in (Role.AUDITOR, Role.SUPERVISOR, Role.ADMIN)


def sees_province(p: Principal) -> bool:
    """Auditors and the admin oversee the whole province."""
    return p.role in (Role.AUDITOR, Role.ADMIN)


def oversight_region(p: Principal) -> str | None:
    """The region a supervisor oversees (theirs and below); None for everyone else."""
    return p.region if p.role is Role.SUPERVISOR and p.region else None


def can_oversee(p: Principal) -> bool:
    """Supervision, ratings, the daily figures: a supervisor (their region), auditors and the admin."""
    return sees_province(p) or oversight_region(p) is not None


@dataclass(frozen=True)
class QueueScope:
    """Which cases a principal's queue holds: one authority's, one region's and below, or all."""

    handler: str | None = None
    region: str | None = None


def queue_scope(p: Principal) -> QueueScope | None:
    """The queue (GET /cases, the workbench): a caseworker's authority, a supervisor's region and below,
    everything for auditors and the admin; None for anyone else."""
    if p.role is Role.CASEWORKER and p.authority:
        return QueueScope(handler=p.authority)
    if oversight_region(p) is not None:
        return QueueScope(region=oversight_region(p))
    return QueueScope() if sees_province(p) else None


def actor(sub: str, role: Role, authority: str | None = None, subject: str | None = None) -> Principal:
    """The principal behind an Update's actor fields, for the workflow's validator to ask the same
    predicates as the route did."""
    return Principal(sub=sub, role=role, authority=authority, subject=subject)
