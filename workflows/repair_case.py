"""RepairCaseWorkflow: one record in one application, from filing to repaired (or refused).

The process only: decisions arrive as the `decide` Update (its validator refuses what the state or the
caller does not allow), time limits are working-day timers computed by activities from the holiday
calendar, and every change is projected into the store by an activity so lists and progress pages can
read it. A missed deadline marks the case overdue and tells the supervisors; it never decides by itself.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities import calendar as calendar_activities
    from activities import cases as case_activities
    from activities import sync as sync_activities
    from domain.access import actor, can_resync, refusal_to_act
    from domain.clock import beijing_date, end_of_day
    from domain.errors import DomainError
    from domain.transitions import (
        TERMINAL,
        Action,
        CaseFacts,
        CaseState,
        next_state,
    )
    from workflows.contracts import (
        WITHDRAW_SIGNAL,
        CaseEvent,
        CaseInput,
        CaseSnapshot,
        CaseView,
        Deadline,
        DecisionInput,
        DeliveryInput,
        OverdueNotice,
        RemainingInput,
        ResyncInput,
        TargetInfo,
        WorkdaysInput,
    )

STORE = {"start_to_close_timeout": timedelta(seconds=30),
         "retry_policy": RetryPolicy(maximum_interval=timedelta(seconds=30))}
DELIVERY_RETRY = RetryPolicy(maximum_interval=timedelta(minutes=5), non_retryable_error_types=["DeliveryRefused"])
# While a deadline lies in a year without an official calendar, look again daily: once an operator adds
# the year, the provisional deadline is recomputed.
PROVISIONAL_RECHECK = timedelta(days=1)

MESSAGES = {
    Action.ACCEPT: "已受理,进入审核",
    Action.REJECT: "不予受理",
    Action.REQUEST_SUPPLEMENT: "要求补正材料,办理时限暂停计算",
    Action.SUPPLEMENT: "已提交补正材料,办理时限恢复计算",
    Action.APPROVE: "同意修复",
    Action.DENY: "不予修复",
    Action.EXTEND: "延长办理时限",
    Action.SHIELD: "超过办理时限未作决定,暂时屏蔽该信息",
    Action.WITHDRAW: "申请人撤回申请",
}
RELEASED = frozenset({CaseState.NOT_ACCEPTED, CaseState.DENIED, CaseState.WITHDRAWN})

# What each delivery asks of a site, and what its acknowledgement means, for the timeline.
DELIVERY_REASONS = {"repair": "信用修复", "shield": "超过办理时限未作决定,暂时屏蔽",
                    "unshield": "修复申请未获同意,恢复公示"}
ACK_MESSAGES = {"repair": "{}已确认撤下该信息", "shield": "{}已暂时屏蔽该信息", "unshield": "{}已恢复公示该信息"}
ACK_EVENTS = {"repair": "sync_ack", "shield": "shield_ack", "unshield": "unshield_ack"}
WHAT = {"repair": "修复结果", "shield": "屏蔽请求", "unshield": "恢复公示请求"}

# Patches (workflow.patched): histories recorded before them replay the old commands.
ACKS_PROJECTED_TOGETHER = "acks-projected-together"  # one projection after all acks, not one per ack
SHIELD_PUSHED = "shield-pushed-to-sites"  # shielding also taken to the sync targets


@workflow.defn(name="RepairCaseWorkflow")
class RepairCaseWorkflow:
    @workflow.init
    def __init__(self, inp: CaseInput) -> None:
        # The input is taken here, not in run(): an Update sent right after the start can be handled in
        # the same first workflow task, before run() has begun.
        self.input: CaseInput | None = inp
        self.state = CaseState.PENDING_ACCEPTANCE
        self.resume_state: CaseState | None = None
        self.deadline: Deadline | None = None
        self.paused_remaining: int | None = None
        self.overdue = False
        self.shielded = False
        self.extensions_used = 0
        self.seq = 0
        self.unprojected: list[CaseEvent] = []
        self.changed = False
        self.lock = asyncio.Lock()
        self.refused: list[TargetInfo] = []
        self.resync_requested = False
        self.shield_task: asyncio.Task[list[TargetInfo]] | None = None
        self.filed = False

    # ---- the process -------------------------------------------------------------------------
    @workflow.run
    async def run(self, inp: CaseInput) -> CaseView:
        async with self.lock:
            await self._set_deadline("acceptance", beijing_date(inp.filed_at), inp.limits.acceptance)
            self._event(inp.filed_by_role.value, inp.filed_by, "file", "申请已提交,已推送至处理单位")
            await self._project()
            self.filed = True
        while self.state not in TERMINAL and self.state is not CaseState.APPROVED:
            await self._wait_for_change_or_deadline()
            if self.shielded and self.shield_task is None and workflow.patched(SHIELD_PUSHED):
                # in the background: a site that is down must not stop the case from being decided
                self.shield_task = asyncio.create_task(self._deliver_to_all("shield"))
        if self.state is CaseState.APPROVED:
            await self._sync()
        if self.shield_task is not None:
            await self.shield_task
            if self.state in RELEASED:
                await self._deliver_to_all("unshield")  # the record goes back up where it was hidden
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.view()

    async def _wait_for_change_or_deadline(self) -> None:
        self.changed = False
        timeout = self._time_to_deadline()
        try:
            await workflow.wait_condition(lambda: self.changed, timeout=timeout)
            return
        except TimeoutError:
            pass
        async with self.lock:
            if self.changed or self.deadline is None:
                return
            if self.deadline.provisional:
                await self._recompute_provisional()
            if not self.overdue and workflow.now() >= end_of_day(self.deadline.due):
                self.overdue = True
                self._event("system", "system", "overdue", f"已超过办理时限({self.deadline.due}),已通知督办")
                await self._project()
                await workflow.execute_activity(
                    case_activities.notify_overdue,
                    OverdueNotice(case_id=self._in.spec.case_id, handler=self._in.spec.handler,
                                  handler_region=self._in.spec.handler_region, due=self.deadline.due,
                                  at=workflow.now()),
                    **STORE,
                )

    def _time_to_deadline(self) -> timedelta | None:
        if self.deadline is None or self.state is CaseState.SUPPLEMENT_REQUESTED:
            return None  # the clock stops while supplements are awaited
        if self.overdue:
            return PROVISIONAL_RECHECK if self.deadline.provisional else None
        left = end_of_day(self.deadline.due) - workflow.now()
        if self.deadline.provisional:
            left = min(left, PROVISIONAL_RECHECK)
        return max(left, timedelta(seconds=1))

    async def _recompute_provisional(self) -> None:
        assert self.deadline is not None
        old = self.deadline
        await self._set_deadline(old.kind, old.start, old.workdays)
        if not self.deadline.provisional or self.deadline.due != old.due:
            self._event("system", "system", "recompute",
                        f"已按正式节假日安排重新计算办理时限,截止日期为{self.deadline.due}")
            await self._project()

    async def _sync(self) -> None:
        """一网修复,多网下线: the record is already repaired in the hub (projected with the approval);
        now every sync target takes it off, and the case is repaired when all have acknowledged. A target
        that refuses (4xx) is listed in the case; an admin's `resync` sends it again once the cause is fixed."""
        async with self.lock:
            self.state = CaseState.SYNCING
            self._event("system", "system", "sync", "修复结果已归集,正在同步至各信用网站")
            await self._project()
        pending = await workflow.execute_activity(sync_activities.list_targets, **STORE)
        while True:
            refused = await self._deliver(pending, "repair")
            if not refused:
                break
            async with self.lock:
                self.refused = refused
                await self._project()
            self.resync_requested = False
            await workflow.wait_condition(lambda: self.resync_requested)
            pending, self.refused = refused, []
        async with self.lock:
            self.state = CaseState.REPAIRED
            self._event("system", "system", "repaired", "各信用网站均已确认,信用修复完成")
            await self._project()

    async def _deliver_to_all(self, action: str) -> list[TargetInfo]:
        targets = await workflow.execute_activity(sync_activities.list_targets, **STORE)
        refused = await self._deliver(targets, action)
        if workflow.patched(ACKS_PROJECTED_TOGETHER):
            async with self.lock:
                if self.unprojected:
                    await self._project()
        return refused

    async def _deliver(self, targets: list[TargetInfo], action: str) -> list[TargetInfo]:
        """Delivers to each target at once; answers those that refused. Each acknowledgement is kept by the
        activity itself (progress shows it at once); the timeline gets the acks in one projection."""
        spec = self._in.spec
        per_ack = not workflow.patched(ACKS_PROJECTED_TOGETHER)

        async def one(target: TargetInfo) -> bool:
            try:
                await workflow.execute_activity(
                    sync_activities.deliver,
                    DeliveryInput(case_id=spec.case_id, record_id=spec.record_id, subject_key="",
                                  target=target.code, target_name=target.name, base_url=target.base_url,
                                  action=action, reason=DELIVERY_REASONS[action]),
                    start_to_close_timeout=timedelta(seconds=60), retry_policy=DELIVERY_RETRY,
                )
            except ActivityError as err:
                async with self.lock:
                    self._event("system", "system", "sync_refused", f"{target.name}拒收{WHAT[action]},需人工处理",
                                str(err.cause or err)[:500])
                    await self._project()
                return False
            async with self.lock:
                self._event("system", target.code, ACK_EVENTS[action], ACK_MESSAGES[action].format(target.name))
                if per_ack:
                    await self._project()
            return True

        results = await asyncio.gather(*(one(t) for t in targets))
        return [t for t, ok in zip(targets, results, strict=True) if not ok]

    # ---- decisions ---------------------------------------------------------------------------
    @workflow.update(name="decide")
    async def decide(self, d: DecisionInput) -> CaseView:
        # An Update can arrive in the workflow's first task, before run() has filed the case (its acceptance
        # deadline and first event): decisions wait for that, so they never come before the filing.
        await workflow.wait_condition(lambda: self.filed)
        async with self.lock:
            target = self._check(d)  # the state may have moved since the validator ran
            return await self._apply(d, target)

    @decide.validator
    def validate_decide(self, d: DecisionInput) -> None:
        self._check(d)

    @workflow.signal(name=WITHDRAW_SIGNAL)
    async def withdraw(self, d: DecisionInput) -> None:
        """The application's withdrawal, passed on by ApplicationWorkflow once its own `withdraw` Update was
        accepted (one Update for all the cases, so a withdrawal is never half done). A case decided in the
        meantime is not withdrawn: the withdrawal applies to what was still undecided when it arrives."""
        await workflow.wait_condition(lambda: self.filed)
        async with self.lock:
            try:
                target = self._check(d)
            except ApplicationError:
                return
            await self._apply(d, target)

    async def _apply(self, d: DecisionInput, target: CaseState) -> CaseView:
        """One decision taken (under the lock, after `_check`): the clock, the state, the timeline."""
        today = beijing_date(workflow.now())
        if d.action is Action.REQUEST_SUPPLEMENT:
            self.resume_state = self.state
            if self.deadline is not None:
                self.paused_remaining = await workflow.execute_activity(
                    calendar_activities.remaining_workdays,
                    RemainingInput(today=today, due=self.deadline.due), **STORE)
        elif d.action is Action.SUPPLEMENT and self.deadline is not None:
            remaining = self.paused_remaining if self.paused_remaining is not None else 0
            await self._set_deadline(self.deadline.kind, today, remaining)
            self.paused_remaining, self.resume_state = None, None
            self.overdue = False
        elif d.action is Action.ACCEPT:
            await self._set_deadline("decision", today, self._in.limits.decision)
            self.overdue = False
        elif d.action is Action.EXTEND and self.deadline is not None:
            self.extensions_used += 1
            await self._set_deadline(self.deadline.kind, self.deadline.start,
                                     self.deadline.workdays + self._in.limits.extension)
            self.overdue = workflow.now() >= end_of_day(self.deadline.due)
        elif d.action is Action.SHIELD:
            self.shielded = True
        self.state = target
        if target in TERMINAL or target is CaseState.APPROVED:
            self.deadline = None
        message = MESSAGES[d.action]
        if d.action is Action.EXTEND:
            message = f"延长办理时限{self._in.limits.extension}个工作日"
        self._event(d.actor_role.value, d.actor, d.action.value, message, d.reason)
        await self._project()
        self.changed = True
        return self.view()

    @workflow.update(name="resync")
    async def resync(self, r: ResyncInput) -> CaseView:
        async with self.lock:
            names = "、".join(t.name for t in self.refused)
            self._event(r.actor_role.value, r.actor, "resync", f"重新同步至{names}", r.reason)
            await self._project()
            self.resync_requested = True
            return self.view()

    @resync.validator
    def validate_resync(self, r: ResyncInput) -> None:
        if not can_resync(actor(r.actor, r.actor_role)):
            raise ApplicationError("只有系统管理员可以要求重新同步", type="FORBIDDEN")
        if not self.refused or self.resync_requested:
            raise ApplicationError("没有被拒收的同步,无需重新同步", type="NOTHING_TO_RESYNC")

    def _check(self, d: DecisionInput) -> CaseState:
        refused = refusal_to_act(actor(d.actor, d.actor_role, d.actor_authority, d.actor_subject), d.action,
                                 self._in.spec.handler)
        if refused is not None:
            raise ApplicationError(refused, type="FORBIDDEN")
        facts = CaseFacts(state=self.state, resume_state=self.resume_state, overdue=self.overdue,
                          extensions_used=self.extensions_used, max_extensions=self._in.limits.max_extensions,
                          shielded=self.shielded)
        try:
            return next_state(facts, d.action, d.reason)
        except DomainError as err:
            raise ApplicationError(err.message, type=err.code) from None

    @workflow.query(name="progress")
    def progress(self) -> CaseView:
        return self.view()

    # ---- helpers -----------------------------------------------------------------------------
    @property
    def _in(self) -> CaseInput:
        assert self.input is not None
        return self.input

    def view(self) -> CaseView:
        return CaseView(case_id=self._in.spec.case_id, state=self.state,
                        deadline=self.deadline.due if self.deadline else None,
                        provisional=bool(self.deadline and self.deadline.provisional), overdue=self.overdue,
                        refused=[t.code for t in self.refused])

    async def _set_deadline(self, kind: str, start, workdays: int) -> None:  # type: ignore[no-untyped-def]
        due = await workflow.execute_activity(
            calendar_activities.add_workdays, WorkdaysInput(start=start, workdays=workdays), **STORE)
        self.deadline = Deadline(kind=kind, start=start, workdays=workdays, due=due.due, provisional=due.provisional)

    def _event(self, role: str, actor: str, action: str, message: str, reason: str = "") -> None:
        self.seq += 1
        self.unprojected.append(CaseEvent(seq=self.seq, at=workflow.now(), actor_role=role, actor=actor,
                                          action=action, state=self.state, message=message, reason=reason))

    async def _project(self) -> None:
        """Writes the case and its new events to the store; called with the lock held, so snapshots reach
        the store in the order the workflow made them."""
        spec = self._in.spec
        snapshot = CaseSnapshot(case_id=spec.case_id, application_id=self._in.application_id,
                                record_id=spec.record_id, state=self.state, deadline=self.deadline,
                                overdue=self.overdue, shielded=self.shielded,
                                extensions_used=self.extensions_used, events=list(self.unprojected))
        await workflow.execute_activity(case_activities.project_case, snapshot, **STORE)
        self.unprojected.clear()
