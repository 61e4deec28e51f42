"""RepairCaseWorkflow: one record in one application, from filing to repaired (or refused).

The process only: decisions arrive as the `decide` Update (its validator refuses what the state or the
caller does not allow), the time limit is a WorkdayDeadline (workflows/deadline.py: working days from the
holiday calendar, paused, resumed, extended), and every change is projected into the store by an activity so
lists and progress pages can read it. A missed deadline marks the case overdue and tells the supervisors; it
never decides by itself. What the timeline says is domain/timeline.py's.
"""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import ActivityError, ApplicationError, ChildWorkflowError, WorkflowAlreadyStartedError
from temporalio.workflow import ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from activities import cases as case_activities
    from activities import decisions as decision_activities
    from activities import handling as handling_activities
    from activities import messages as message_activities
    from activities import sync as sync_activities
    from contracts.case import (
        CLOSE_SIGNAL,
        PLAN_SIGNAL,
        WITHDRAW_SIGNAL,
        CaseClosure,
        CaseEvent,
        CaseInput,
        CaseSnapshot,
        CaseView,
        DecisionInput,
        DeliveryInput,
        HandlingNotice,
        HandOverAck,
        HandOverInput,
        Limits,
        OverdueNotice,
        PlanOutcomeInput,
        ResyncInput,
        TargetInfo,
    )
    from contracts.letters import DecisionLetterInput, ProgressSms
    from contracts.record import CorrectionInput, CorrectionView, correction_workflow_id
    from domain import timeline
    from domain.access import actor, can_resync, refusal_to_act
    from domain.clock import beijing_date
    from domain.errors import Code, DomainError
    from domain.model import RequestKind
    from domain.restructuring import PlanOutcome, RestructuringKind, lifted_message, outcome_message
    from domain.tracks import DecisionFrom
    from domain.transitions import (
        DECIDED,
        TERMINAL,
        Action,
        CaseFacts,
        CaseState,
        next_state,
    )
    from domain.withdrawal import WithdrawalCause, closing_message
    from workflows.deadline import WorkdayDeadline
    from workflows.record_correction import RecordCorrectionWorkflow

STORE = {"start_to_close_timeout": timedelta(seconds=30),
         "retry_policy": RetryPolicy(maximum_interval=timedelta(seconds=30))}
DELIVERY_RETRY = RetryPolicy(maximum_interval=timedelta(minutes=5), non_retryable_error_types=["DeliveryRefused"])
RELEASED = frozenset({CaseState.NOT_ACCEPTED, CaseState.DENIED, CaseState.WITHDRAWN, CaseState.KEPT,
                      CaseState.CORRECTED, CaseState.RESTORED})
# the states in which the handler's part is over (the case goes on to the sites, or ends)
HANDLED = TERMINAL | {CaseState.APPROVED, CaseState.CORRECTING, CaseState.LIFTED}

# Patches (workflow.patched): histories recorded before them replay the old commands.
ACKS_PROJECTED_TOGETHER = "acks-projected-together"  # one projection after all acks, not one per ack
SHIELD_PUSHED = "shield-pushed-to-sites"  # shielding also taken to the sync targets
PROGRESS_SMS = "progress-sms"  # the applicant is texted at each step (activities/messages.send_progress_sms)
DECISION_AT_APPROVAL = "decision-at-approval"  # the repair decision rendered (and numbered) when approved

# the decision document: rendering is seconds; a day of retries, then the first download renders it
DECISION = {"start_to_close_timeout": timedelta(minutes=2), "schedule_to_close_timeout": timedelta(days=1),
            "retry_policy": RetryPolicy(maximum_interval=timedelta(minutes=5),
                                        non_retryable_error_types=["CaseNotDecided", "AuthorityUnknown"])}
SMS = {"start_to_close_timeout": timedelta(seconds=30), "schedule_to_close_timeout": timedelta(days=1),
       "retry_policy": RetryPolicy(maximum_interval=timedelta(minutes=5))}
# a vertical system down for a day (or refusing the case) hands the case back to the workbench, the
# applicant's clock running all along; a notice to it (a supplement, a withdrawal) is retried as long
HANDLING = {"start_to_close_timeout": timedelta(seconds=60), "schedule_to_close_timeout": timedelta(days=1),
            "retry_policy": RetryPolicy(maximum_interval=timedelta(minutes=5),
                                        non_retryable_error_types=["HandOverRefused"])}


@workflow.defn(name="RepairCaseWorkflow")
class RepairCaseWorkflow:
    @workflow.init
    def __init__(self, inp: CaseInput) -> None:
        # The input is taken here, not in run(): an Update sent right after the start can be handled in
        # the same first workflow task, before run() has begun.
        self.input: CaseInput | None = inp
        self.state = CaseState.PENDING_ACCEPTANCE
        self.resume_state: CaseState | None = None
        self.deadline = WorkdayDeadline()
        self.shielded = False
        self.seq = 0
        self.unprojected: list[CaseEvent] = []
        self.changed = False
        self.lock = asyncio.Lock()
        self.refused: list[TargetInfo] = []
        self.resync_requested = False
        self.shield_task: asyncio.Task[list[TargetInfo]] | None = None
        self.filed = False
        self.beside: list[asyncio.Task[None]] = []  # SMS and the decision document, awaited before the end
        # the vertical system deciding the case ("" for the workbench) and the decisions it reported
        self.handled_in = inp.spec.handled_in
        self.system_events: set[str] = set()
        self.hand_over_task: asyncio.Task[None] | None = None
        self.correction: CorrectionInput | None = None  # an objection upheld by correcting the record
        self.plan: PlanOutcomeInput | None = None  # how a restructuring plan ended, as the court said

    # ---- the process -------------------------------------------------------------------------
    @workflow.run
    async def run(self, inp: CaseInput) -> CaseView:
        async with self.lock:
            await self.deadline.start("acceptance", beijing_date(inp.filed_at), self._limits.acceptance)
            self._event(inp.filed_by_role.value, inp.filed_by, "file",
                        timeline.OBJECTION_FILED if self._objection else timeline.FILED)
            await self._project()
            self.filed = True
        if self.handled_in:  # beside the process: the applicant's clock runs while the system is reached
            self.hand_over_task = asyncio.create_task(self._hand_over())
        while True:
            while self.state not in HANDLED:
                await self._wait_for_change_or_deadline()
                if self.shielded and self.shield_task is None and workflow.patched(SHIELD_PUSHED):
                    # in the background: a site that is down must not stop the case from being decided
                    self.shield_task = asyncio.create_task(self._deliver_to_all("shield"))
            if self.state is not CaseState.CORRECTING or await self._correct():
                break
        if self.state is CaseState.LIFTED:
            await self._lifted()
        if self.state is CaseState.APPROVED:
            await self._sync()
        if self.shield_task is not None:
            await self.shield_task
            if self.state in RELEASED:
                await self._deliver_to_all("unshield")  # the record goes back up where it was hidden
        await workflow.wait_condition(workflow.all_handlers_finished)
        if self.hand_over_task is not None:
            await self.hand_over_task
        await asyncio.gather(*self.beside)
        return self.view()

    async def _hand_over(self) -> None:
        """依托国垂、省垂系统: the case goes to the system its track names, whose caseworkers decide there and
        report back through the API (the same `decide` Update, keyed by their event id). A system that
        refuses the case or stays down for a day leaves it to the handler on the workbench."""
        spec = self._in.spec
        try:
            ack: HandOverAck = await workflow.execute_activity(
                handling_activities.hand_over, HandOverInput(case_id=spec.case_id, system=self.handled_in),
                result_type=HandOverAck, **HANDLING)
        except ActivityError as err:
            async with self.lock:
                self.handled_in = ""
                self._event("system", spec.handled_in, "hand_over_failed",
                            timeline.hand_over_failed(spec.handled_in_name), str(err.cause or err)[:500])
                await self._project()
            return
        async with self.lock:
            self._event("system", spec.handled_in, "handed_over",
                        timeline.handed_over(spec.handled_in_name, ack.reference))
            await self._project()

    async def _wait_for_change_or_deadline(self) -> None:
        self.changed = False
        if await self.deadline.wait(lambda: self.changed):
            return
        async with self.lock:
            if self.changed or self.deadline.current is None:
                return  # a decision came first
            if await self.deadline.recompute_if_provisional():
                self._event("system", "system", "recompute", timeline.recomputed(self.deadline.current.due))
                await self._project()
            if self.deadline.mark_overdue_if_passed():
                due = self.deadline.current.due
                self._event("system", "system", "overdue", timeline.overdue(due))
                await self._project()
                await workflow.execute_activity(
                    case_activities.notify_overdue,
                    OverdueNotice(case_id=self._in.spec.case_id, handler=self._in.spec.handler,
                                  handler_region=self._in.spec.handler_region, due=due, at=workflow.now()),
                    **STORE,
                )

    async def _sync(self) -> None:
        """一网修复,多网下线: the record is already repaired in the hub (projected with the approval);
        now every sync target takes it off, and the case is repaired when all have acknowledged. A target
        that refuses (4xx) is listed in the case; an admin's `resync` sends it again once the cause is fixed."""
        async with self.lock:
            self.state = CaseState.SYNCING
            self._event("system", "system", "sync", timeline.SYNCING)
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
            self._event("system", "system", "repaired", timeline.REPAIRED)
            await self._project()
            self._text(timeline.REPAIRED_SMS)

    async def _correct(self) -> bool:
        """An objection upheld by correcting the record: the correction made as the issuer's is (the record's
        next version, RecordCorrectionWorkflow: applied in the hub, then sent to every site), the case
        corrected once it has run. A correction the issuer made first (the version taken) leaves the case
        under review, its clock where it was, for the handler to decide again on the record as it is now."""
        correction = self.correction
        assert correction is not None
        view: CorrectionView | None = None
        try:
            view = await workflow.execute_child_workflow(
                RecordCorrectionWorkflow.run, correction, result_type=CorrectionView,
                id=correction_workflow_id(correction.record_id, correction.version),
                parent_close_policy=ParentClosePolicy.ABANDON, id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE)
        except (WorkflowAlreadyStartedError, ChildWorkflowError) as err:
            workflow.logger.warning("correction of %s for %s not made: %s", correction.record_id,
                                    self._in.spec.case_id, err)
        async with self.lock:
            if view is None or not view.applied:
                self.state, self.correction = CaseState.UNDER_REVIEW, None
                self._event("system", "system", "correction_superseded", timeline.CORRECTION_SUPERSEDED)
                await self._project()
                return False
            self.state = CaseState.CORRECTED
            self.deadline.clear()
            self._event("system", "system", "corrected", timeline.corrected(len(view.acknowledged), len(view.refused)))
            await self._project()
            self._text(timeline.OBJECTION_CORRECTED_SMS)
            self._render_decision()
        return True

    async def _lifted(self) -> None:
        """破产重整、和解: the record hidden on every site (暂时屏蔽) while the court's plan is carried out, until the
        court's system says how it ended (`plan_outcome`): carried out, and the case goes on to the repair on
        every site; failed, and it ends restored (shown again where it was hidden). A record withdrawn in the
        meantime ends the case closed, hidden."""
        if self.plan is None and self.shield_task is None:
            self.shielded = True
            self.shield_task = asyncio.create_task(self._deliver_to_all("shield", timeline.LIFTED_REASON))
        await workflow.wait_condition(lambda: self.plan is not None or self.state is not CaseState.LIFTED)
        if self.state is not CaseState.LIFTED:
            return
        plan = self.plan
        assert plan is not None and self._in.spec.restructuring is not None
        kind = RestructuringKind(self._in.spec.restructuring.kind)
        async with self.lock:
            carried_out = PlanOutcome(plan.outcome) is PlanOutcome.CARRIED_OUT
            self.state = CaseState.APPROVED if carried_out else CaseState.RESTORED
            self._event(plan.actor_role.value, plan.actor, "plan_carried_out" if carried_out else "plan_failed",
                        outcome_message(kind, PlanOutcome(plan.outcome), plan.ruling_no), plan.reason)
            await self._project()
            if carried_out:
                self._render_decision()
            else:
                self._text(timeline.RESTORED_SMS, plan.ruling_no)

    @workflow.signal(name=PLAN_SIGNAL)
    async def plan_outcome(self, p: PlanOutcomeInput) -> None:
        """How the court says the plan ended, passed on by ApplicationWorkflow to each of its cases. A case
        lifted waits for it (`_lifted`); one not decided yet is decided as usual when the plan was carried
        out, and ends restored when it failed (nothing is lifted for a plan that will not be carried out)."""
        await workflow.wait_condition(lambda: self.filed)
        async with self.lock:
            if self.plan is not None or self.state in TERMINAL:
                return
            self.plan = p
            if PlanOutcome(p.outcome) is PlanOutcome.FAILED and self.state not in DECIDED:
                self.state = CaseState.RESTORED  # shown again where an overdue decision had it shielded
                self.deadline.clear()
                self._event(p.actor_role.value, p.actor, "plan_failed", timeline.PLAN_FAILED_BEFORE, p.reason)
                await self._project()
                self._text(timeline.RESTORED_SMS, p.ruling_no)
            self.changed = True

    async def _deliver_to_all(self, action: str, reason: str = "") -> list[TargetInfo]:
        targets = await workflow.execute_activity(sync_activities.list_targets, **STORE)
        refused = await self._deliver(targets, action, reason)
        if workflow.patched(ACKS_PROJECTED_TOGETHER):
            async with self.lock:
                if self.unprojected:
                    await self._project()
        return refused

    async def _deliver(self, targets: list[TargetInfo], action: str, reason: str = "") -> list[TargetInfo]:
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
                                  action=action, reason=reason or timeline.DELIVERY_REASONS[action]),
                    start_to_close_timeout=timedelta(seconds=60), retry_policy=DELIVERY_RETRY,
                )
            except ActivityError as err:
                async with self.lock:
                    self._event("system", "system", "sync_refused", timeline.refused(target.name, action),
                                str(err.cause or err)[:500])
                    await self._project()
                return False
            async with self.lock:
                self._event("system", target.code, timeline.ACK_EVENTS[action],
                            timeline.acknowledged(target.name, action))
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
            if self._seen(d):
                return self.view()  # a handling system's callback repeated: taken once, answered again
            target = self._check(d)  # the state may have moved since the validator ran
            if d.event_id:
                self.system_events.add(d.event_id)
            return await self._apply(d, target)

    @decide.validator
    def validate_decide(self, d: DecisionInput) -> None:
        if not self._seen(d):
            self._check(d)

    def _seen(self, d: DecisionInput) -> bool:
        return bool(d.event_id) and d.event_id in self.system_events

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

    @workflow.signal(name=CLOSE_SIGNAL)
    async def record_withdrawn(self, c: CaseClosure) -> None:
        """The record's decision revoked or annulled (RecordWithdrawalWorkflow): nothing is left to repair, so
        a case not decided yet ends, closed, and the applicant is told; one approved already goes on to the
        sites (a repair takes the record off as the withdrawal does). A shielded record is not shown again."""
        await workflow.wait_condition(lambda: self.filed)
        async with self.lock:
            if self.state in DECIDED and self.state is not CaseState.LIFTED:
                return
            self.state = CaseState.CLOSED
            self.deadline.clear()
            self._event(c.actor_role.value, c.actor, "close", closing_message(WithdrawalCause(c.cause), c.basis),
                        c.reason)
            await self._project()
            self._text(timeline.CLOSED_SMS, c.basis)
            if self.handled_in:
                self._tell_system("withdrawn", closing_message(WithdrawalCause(c.cause), c.basis))
            self.changed = True

    async def _apply(self, d: DecisionInput, target: CaseState) -> CaseView:
        """One decision taken (under the lock, after `_check`): the clock, the state, the timeline."""
        message = timeline.DECISION_MESSAGES[d.action]
        ruling = self._in.spec.restructuring
        if target is CaseState.LIFTED and ruling is not None:
            message = lifted_message(RestructuringKind(ruling.kind), ruling.ruling_no)
        if d.action is Action.REQUEST_SUPPLEMENT:
            self.resume_state = self.state
            await self.deadline.pause()
        elif d.action is Action.SUPPLEMENT:
            await self.deadline.resume()
            self.resume_state = None
        elif d.action is Action.ACCEPT:
            await self.deadline.start("decision", self._decision_counts_from(), self._limits.decision)
        elif d.action is Action.EXTEND:
            await self.deadline.extend(self._limits.extension)
            message = timeline.extended(self._limits.extension)
        elif d.action is Action.SHIELD:
            self.shielded = True
        elif d.action is Action.CORRECT:
            self.correction = d.correction  # made by run() once this Update has answered (_correct)
        self.state = target
        if target in TERMINAL or target in (CaseState.APPROVED, CaseState.LIFTED):
            self.deadline.clear()
        self._event(d.actor_role.value, d.actor, d.action.value, message, d.reason, d.event_id or "")
        await self._project()
        lifted = target is CaseState.LIFTED
        sms = timeline.LIFTED_SMS if lifted else timeline.sms_of(d.action, objection=self._objection)
        if sms is not None:
            self._text(sms, d.reason)
        if target in (CaseState.APPROVED, CaseState.KEPT):
            self._render_decision()
        if self.handled_in and d.action in (Action.SUPPLEMENT, Action.WITHDRAW):
            self._tell_system("supplement" if d.action is Action.SUPPLEMENT else "withdrawn", d.reason)
        self.changed = True
        return self.view()

    @workflow.update(name="resync")
    async def resync(self, r: ResyncInput) -> CaseView:
        async with self.lock:
            self._event(r.actor_role.value, r.actor, "resync", timeline.resent([t.name for t in self.refused]),
                        r.reason)
            await self._project()
            self.resync_requested = True
            return self.view()

    @resync.validator
    def validate_resync(self, r: ResyncInput) -> None:
        if not can_resync(actor(r.actor, r.actor_role)):
            raise ApplicationError("只有系统管理员可以要求重新同步", type=Code.FORBIDDEN)
        if not self.refused or self.resync_requested:
            raise ApplicationError("没有被拒收的同步，无需重新同步", type=Code.NOTHING_TO_RESYNC)

    def _check(self, d: DecisionInput) -> CaseState:
        refused = refusal_to_act(actor(d.actor, d.actor_role, d.actor_authority, d.actor_subject), d.action,
                                 self._in.spec.handler, self.handled_in)
        if refused is not None:
            raise ApplicationError(refused, type=Code.FORBIDDEN)
        facts = CaseFacts(state=self.state, resume_state=self.resume_state, overdue=self.deadline.overdue,
                          extensions_used=self.deadline.extensions_used,
                          max_extensions=self._limits.max_extensions, shielded=self.shielded,
                          objection=self._objection,
                          restructuring=self._in.spec.request is RequestKind.RESTRUCTURING)
        try:
            target = next_state(facts, d.action, d.reason)
        except DomainError as err:
            raise ApplicationError(err.message, type=err.code) from None
        if d.action is Action.CORRECT and (d.correction is None or d.correction.record_id != self._in.spec.record_id):
            raise ApplicationError("更正信息须填写更正后的内容", type=Code.CORRECTION_REQUIRED)
        return target

    @workflow.query(name="progress")
    def progress(self) -> CaseView:
        return self.view()

    # ---- helpers -----------------------------------------------------------------------------
    @property
    def _in(self) -> CaseInput:
        assert self.input is not None
        return self.input

    @property
    def _objection(self) -> bool:
        return self._in.spec.request is RequestKind.OBJECTION

    @property
    def _limits(self) -> Limits:
        """The case's track's limits; a case started before tracks has the application's."""
        return self._in.spec.limits or self._in.limits

    def _decision_counts_from(self) -> date:
        """The day the decision limit counts from: the acceptance, or the application itself where the
        track says so (a removal from the abnormal list is decided within 5 working days of the filing)."""
        if self._limits.decision_from == DecisionFrom.APPLICATION:
            return beijing_date(self._in.filed_at)
        return beijing_date(workflow.now())

    def view(self) -> CaseView:
        return CaseView(case_id=self._in.spec.case_id, state=self.state, deadline=self.deadline.due,
                        provisional=self.deadline.provisional, overdue=self.deadline.overdue,
                        refused=[t.code for t in self.refused], handled_in=self.handled_in)

    def _text(self, purpose: str, reason: str = "") -> None:
        """The applicant's SMS of the step just projected, sent beside the process (a message centre that is
        down delays no decision; it is retried for a day, then given up and logged). Keyed by the event's
        number, so a retried workflow task asks for the same message and a later round its own."""
        if not workflow.patched(PROGRESS_SMS):
            return
        spec = self._in.spec
        request = ProgressSms(key=f"{purpose}:{spec.case_id}:{self.seq}", application_id=self._in.application_id,
                              purpose=purpose, case_id=spec.case_id, reason=reason)

        async def send() -> None:
            try:
                await workflow.execute_activity(message_activities.send_progress_sms, request, **SMS)
            except ActivityError as err:
                workflow.logger.warning("SMS %s given up: %s", request.key, err.cause or err)

        self.beside.append(asyncio.create_task(send()))

    def _tell_system(self, kind: str, reason: str) -> None:
        """The applicant's supplement or withdrawal, passed on to the system deciding the case, beside the
        process once the hand-over is done (keyed by the event, so a retried task tells it once)."""
        notice = HandlingNotice(case_id=self._in.spec.case_id, system=self.handled_in, kind=kind, seq=self.seq,
                                at=workflow.now(), reason=reason)
        handing_over = self.hand_over_task

        async def tell() -> None:
            if handing_over is not None:
                await handing_over
            if not self.handled_in:
                return  # handed back to the workbench meanwhile: nothing to tell
            try:
                await workflow.execute_activity(handling_activities.tell_system, notice, **HANDLING)
            except ActivityError as err:
                workflow.logger.warning("notice %s:%s given up: %s", notice.case_id, notice.seq, err.cause or err)

        self.beside.append(asyncio.create_task(tell()))

    def _render_decision(self) -> None:
        """The repair decision made when the case is approved, beside the sync, so the document is ready when
        the subject asks for it (its number was taken by the approval's projection, in the order of
        approvals). The download's own RepairDecisionWorkflow finds it rendered; a case approved
        before this patch is rendered there, at its first download, as before."""
        if not workflow.patched(DECISION_AT_APPROVAL):
            return
        inp = DecisionLetterInput(case_id=self._in.spec.case_id)

        async def render() -> None:
            try:
                await workflow.execute_activity(decision_activities.render_decision, inp, **DECISION)
            except ActivityError as err:  # the download renders it again (activities/decisions.py)
                workflow.logger.warning("decision of %s not rendered: %s", inp.case_id, err.cause or err)

        self.beside.append(asyncio.create_task(render()))

    def _event(self, role: str, actor: str, action: str, message: str, reason: str = "",
               external_id: str = "") -> None:
        self.seq += 1
        self.unprojected.append(CaseEvent(seq=self.seq, at=workflow.now(), actor_role=role, actor=actor,
                                          action=action, state=self.state, message=message, reason=reason,
                                          external_id=external_id))

    async def _project(self) -> None:
        """Writes the case and its new events to the store; called with the lock held, so snapshots reach
        the store in the order the workflow made them."""
        spec = self._in.spec
        snapshot = CaseSnapshot(case_id=spec.case_id, application_id=self._in.application_id,
                                record_id=spec.record_id, state=self.state, deadline=self.deadline.current,
                                overdue=self.deadline.overdue, shielded=self.shielded,
                                extensions_used=self.deadline.extensions_used, events=list(self.unprojected),
                                handled_in=self.handled_in if self._in.spec.handled_in else None)
        await workflow.execute_activity(case_activities.project_case, snapshot, **STORE)
        self.unprojected.clear()
