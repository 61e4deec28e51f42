"""ApplicationWorkflow: one application (申请), split into one RepairCaseWorkflow per record, each routed to
the authority that decided it (谁认定、谁修复).

The application is also what the applicant withdraws: one `withdraw` Update here, accepted or refused as a
whole, then passed on to every undecided case as a signal. Sending one Update per case from the API would
leave an application half withdrawn whenever Temporal stopped answering between two of them; once this
Update is accepted, its history holds the withdrawal, and every case receives it even if the worker or
the server dies halfway."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError
from temporalio.workflow import ChildWorkflowHandle, ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from activities import cases as case_activities
    from activities import messages as message_activities
    from contracts.application import PLAN_UPDATE, WITHDRAW_UPDATE, ApplicationInput, WithdrawInput
    from contracts.case import (
        PLAN_SIGNAL,
        WITHDRAW_SIGNAL,
        CaseInput,
        CaseView,
        DecisionInput,
        PlanOutcomeInput,
        case_workflow_id,
    )
    from contracts.letters import ProgressSms
    from domain import timeline
    from domain.access import actor, refusal_to_act
    from domain.errors import Code
    from domain.model import RequestKind, Role
    from domain.transitions import Action
    from workflows.repair_case import PROGRESS_SMS, SMS, RepairCaseWorkflow


@workflow.defn(name="ApplicationWorkflow")
class ApplicationWorkflow:
    def __init__(self) -> None:
        self.results: list[CaseView] = []
        self.children: dict[str, ChildWorkflowHandle] = {}
        self.ended: set[str] = set()
        self.started = False
        self.restructuring = False  # 破产重整、和解: the court's word on its plan is passed to every case
        self.plan: PlanOutcomeInput | None = None

    @workflow.run
    async def run(self, inp: ApplicationInput) -> list[CaseView]:
        self.restructuring = any(c.request is RequestKind.RESTRUCTURING for c in inp.cases)
        # Children outlive a terminated parent: a case a caseworker is handling is never cut off.
        for spec in inp.cases:
            self.children[spec.case_id] = await workflow.start_child_workflow(
                RepairCaseWorkflow.run,
                CaseInput(application_id=inp.application_id, spec=spec, filed_by=inp.filed_by,
                          filed_by_role=inp.filed_by_role, filed_at=inp.filed_at, limits=inp.limits),
                id=case_workflow_id(spec.case_id),
                parent_close_policy=ParentClosePolicy.ABANDON,
            )
        self.started = True
        filed = asyncio.create_task(self._text_filed(inp)) if workflow.patched(PROGRESS_SMS) else None
        self.results = list(await asyncio.gather(*(self._ended(cid, h) for cid, h in self.children.items())))
        await workflow.wait_condition(workflow.all_handlers_finished)
        if filed is not None:
            await filed
        await workflow.execute_activity(
            case_activities.close_application, inp.application_id,
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=RetryPolicy(maximum_interval=timedelta(seconds=30)),
        )
        return self.results

    async def _text_filed(self, inp: ApplicationInput) -> None:
        """The applicant's SMS that the application was filed and sent on, once per application."""
        objection = [c for c in inp.cases if c.request is RequestKind.OBJECTION]
        purpose = timeline.OBJECTION_FILED_SMS if objection else timeline.FILED_SMS
        # an objection is one case: its text names the record and who checks it
        request = ProgressSms(key=f"{purpose}:{inp.application_id}", application_id=inp.application_id,
                              purpose=purpose, case_id=objection[0].case_id if objection else "")
        try:
            await workflow.execute_activity(message_activities.send_progress_sms, request, **SMS)
        except ActivityError as err:
            workflow.logger.warning("SMS %s given up: %s", request.key, err.cause or err)

    async def _ended(self, case_id: str, handle: ChildWorkflowHandle) -> CaseView:
        view: CaseView = await handle
        self.ended.add(case_id)
        return view

    @workflow.update(name=WITHDRAW_UPDATE)
    async def withdraw(self, w: WithdrawInput) -> list[str]:
        """Answers the cases the withdrawal was passed to (every case still running)."""
        await workflow.wait_condition(lambda: self.started)
        open_ids = [cid for cid in self.children if cid not in self.ended]
        decision = DecisionInput(action=Action.WITHDRAW, reason=w.reason, actor=w.actor, actor_role=w.actor_role,
                                 actor_subject=w.actor_subject)

        async def tell(case_id: str) -> bool:
            try:
                await self.children[case_id].signal(WITHDRAW_SIGNAL, decision)
                return True
            except Exception:  # noqa: BLE001 - the case ended meanwhile: nothing left to withdraw there
                return False

        told = await asyncio.gather(*(tell(cid) for cid in open_ids))
        return [cid for cid, ok in zip(open_ids, told, strict=True) if ok]

    @workflow.update(name=PLAN_UPDATE)
    async def plan_outcome(self, p: PlanOutcomeInput) -> list[str]:
        """How the court says the restructuring plan ended, kept with the restructuring (its row says so on
        every page) and passed on to every case still running; answers those it was passed to."""
        await workflow.wait_condition(lambda: self.started)
        if self.plan is not None:  # two sent at once, both past the validator: the first one stands
            raise ApplicationError("该重整计划（和解协议）的执行结果已经报送", type=Code.OUTCOME_KNOWN)
        self.plan = p
        await workflow.execute_activity(
            case_activities.record_plan_outcome, p, start_to_close_timeout=timedelta(seconds=30),
            retry_policy=RetryPolicy(maximum_interval=timedelta(seconds=30)))
        open_ids = [cid for cid in self.children if cid not in self.ended]

        async def tell(case_id: str) -> bool:
            try:
                await self.children[case_id].signal(PLAN_SIGNAL, p)
                return True
            except Exception:  # noqa: BLE001 - the case ended meanwhile: nothing left to tell
                return False

        told = await asyncio.gather(*(tell(cid) for cid in open_ids))
        return [cid for cid, ok in zip(open_ids, told, strict=True) if ok]

    @plan_outcome.validator
    def validate_plan_outcome(self, p: PlanOutcomeInput) -> None:
        if p.actor_role not in (Role.INTEGRATOR, Role.ADMIN):
            raise ApplicationError("只有人民法院的对接系统可以报送重整计划的执行结果", type=Code.FORBIDDEN)
        if self.started and not self.restructuring:
            raise ApplicationError("该申请不是破产重整（和解）企业的信用修复申请", type=Code.NOT_FOUND)
        if self.plan is not None:
            raise ApplicationError("该重整计划（和解协议）的执行结果已经报送", type=Code.OUTCOME_KNOWN)

    @withdraw.validator
    def validate_withdraw(self, w: WithdrawInput) -> None:
        refused = refusal_to_act(actor(w.actor, w.actor_role, subject=w.actor_subject), Action.WITHDRAW, "")
        if refused is not None:
            raise ApplicationError(refused, type=Code.FORBIDDEN)
        if self.started and len(self.ended) == len(self.children):
            raise ApplicationError("该申请的事项均已办结，不能撤回", type=Code.CASE_DECIDED)
