"""ProjectWorkflow: one client project from consultation to archive (RULES §lifecycle).

Updates (each validated first; a rejected update writes nothing):
  sync               wait until every step so far is recorded in PostgreSQL
  assess             requirement assessment (out of scope → declined)
  submit_plan        plan with milestones
  decide             approval gates: initiation (dept_head [+ executive]), plan, result_review
  report             weekly progress report
  submit_results     results for review (also resubmission after rectification)
  answer_acceptance  customer acceptance or objections
  complete_task      close a rectification task
  analyse_warning    dept_head's cause analysis and measures for a progress warning
  cancel             operations cancel the project
Query:
  state              the current ProjectState

Time: one loop sleeps until the next thing due — an escalation step of the pending
action, of an open rectification task or of a warning analysis, or the weekly report —
and records each reminder and escalation (RULES §Deadlines and escalation).
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from domain import guards
    from domain.approval import escalation_target, initiation_levels
    from domain.calendar import WorkCalendar
    from domain.errors import JinduError
    from domain.kpi import project_kpis, warning_reasons
    from domain.models import (
        TERMINAL_STAGES,
        AcceptanceCommand,
        Actor,
        ApprovalRecord,
        ArchiveRequest,
        ArchiveResult,
        AssessCommand,
        CancelCommand,
        Command,
        CompleteTaskCommand,
        DecideCommand,
        Decision,
        Gate,
        MilestoneState,
        Notification,
        PendingAction,
        PlanCommand,
        ProjectStart,
        ProjectState,
        RectificationTask,
        ReportCommand,
        ResultsCommand,
        Role,
        Stage,
        StepBatch,
        StepRecord,
        TaskSource,
        TaskStatus,
        WarningAnalysisCommand,
        WarningState,
    )
    from domain.policy import ProjectPolicy
    from workflows import search_attributes as sa

RECORD_TIMEOUT = timedelta(seconds=30)
RECORD_RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30))
NOTIFY_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=2), maximum_interval=timedelta(minutes=5), maximum_attempts=20
)
WARNING_STAGES = frozenset({Stage.execution, Stage.rectification, Stage.result_review, Stage.customer_acceptance})


def _reject(err: JinduError) -> None:
    raise ApplicationError(err.message, type=err.code, non_retryable=True)


def _validated(check, *args) -> None:
    try:
        check(*args)
    except JinduError as err:
        _reject(err)


@workflow.defn
class ProjectWorkflow:
    @workflow.init
    def __init__(self, start: ProjectStart) -> None:
        self.start = start
        self.policy: ProjectPolicy = start.policy
        self.calendar = WorkCalendar(start.policy.calendar)
        self.inflight: set[int] = set()
        self.unsent: list[StepRecord] = []
        self.notifications: list[asyncio.Task[Any]] = []
        self.version = 0
        self.kpi_check_at: datetime | None = None
        self.intake_recorded = start.carried is not None
        if start.carried is not None:
            self.s = start.carried
        else:
            self.s = ProjectState(
                project_id=start.project_id,
                stage=Stage.assessment,
                department=start.department,
                business_type=start.business_type,
                channel=start.channel,
                requirement=start.requirement,
                agent_id=start.agent.user_id,
                agent_name=start.agent.name,
                customer_user_id=start.customer_user_id,
                customer_user_name=start.customer_user_name,
                created_at=start.created_at,
                updated_at=start.created_at,
                seq=1,  # reserved for the intake, whatever update a client sends first
            )
            self._assign_to_agent("assessment", "assessment", "Assess the requirement")

    # ------------------------------------------------------------------ main loop

    @workflow.run
    async def run(self, start: ProjectStart) -> ProjectState:
        if not self.intake_recorded:
            self._record(
                "intake",
                start.agent,
                data={"channel": start.channel.value, "business_type": start.business_type},
                seq=1,
            )
            await self._flush()
            self.intake_recorded = True
            self._notify(1, "assigned", Role.agent, self.s.agent_id, "New consultation to assess",
                         f"Assess the requirement of project {self.s.project_id}")
        self._publish()
        while self.s.stage not in TERMINAL_STAGES:
            if self.s.stage == Stage.archiving:
                await self._archive()
                continue
            await self._sleep_until_next_due()
            await self._on_clock()
            if workflow.info().is_continue_as_new_suggested():
                await self._continue_as_new()
        await self._quiesce()
        return self.s

    async def _sleep_until_next_due(self) -> None:
        seen = self.version
        due = self._next_due()
        timeout = None if due is None else max((due - workflow.now()).total_seconds(), 0)
        if timeout == 0:
            return
        try:
            await workflow.wait_condition(
                lambda: self.version != seen or self.s.stage == Stage.archiving,
                timeout=timeout,
            )
        except asyncio.TimeoutError:
            pass

    async def _continue_as_new(self) -> None:
        await self._quiesce()
        workflow.continue_as_new(self.start.model_copy(update={"carried": self.s}))

    async def _quiesce(self) -> None:
        """Return, without yielding after the last check, once no update handler, record or
        notification is running: an update that arrives while notifications drain is
        finished before the run ends or continues as new."""
        while True:
            await workflow.wait_condition(lambda: workflow.all_handlers_finished() and not self.inflight)
            running = [t for t in self.notifications if not t.done()]
            if not running:
                self.notifications = []
                return
            await asyncio.gather(*running, return_exceptions=True)

    # ------------------------------------------------------------------ updates

    @workflow.query
    def state(self) -> ProjectState:
        return self.s

    @workflow.update
    async def sync(self, cmd: Command) -> ProjectState:
        # Update handlers may run before `run` has recorded the intake: wait for it too.
        await workflow.wait_condition(lambda: self.intake_recorded and not self.inflight)
        return self.s

    @workflow.update
    async def assess(self, cmd: AssessCommand) -> ProjectState:
        body = cmd.body
        self._record("assessment", cmd.actor, comment=body.comment, data=body.model_dump(mode="json"))
        if not body.in_scope:
            self._finish(Stage.declined, "declined", cmd.actor, body.comment or "requirement out of scope")
            await self._flush()
            return self.s
        self.s.in_scope = True
        self.s.difficulty = body.difficulty
        self.s.risk_level = body.risk_level
        self.s.expected_cycle_days = body.expected_cycle_days
        self.s.original_expected_cycle_days = body.expected_cycle_days
        self.s.budget = body.budget
        self.s.initiation_levels = initiation_levels(
            body.risk_level, body.budget, self.policy.executive_budget_threshold
        )
        self._open_gate(Gate.initiation)
        self._move(Stage.initiation_approval, cmd.actor)
        await self._flush()
        return self.s

    @assess.validator
    def _check_assess(self, cmd: AssessCommand) -> None:
        _validated(guards.check_assess, self.s, cmd.actor)

    @workflow.update
    async def submit_plan(self, cmd: PlanCommand) -> ProjectState:
        self.s.plan = cmd.body
        self.s.milestones = [MilestoneState(name=m.name, due_date=m.due_date) for m in cmd.body.milestones]
        self._open_gate(Gate.plan)
        self._record("plan_submitted", cmd.actor, data=cmd.body.model_dump(mode="json"))
        self._move(Stage.plan_approval, cmd.actor)
        await self._flush()
        return self.s

    @submit_plan.validator
    def _check_plan(self, cmd: PlanCommand) -> None:
        _validated(guards.check_plan, self.s, cmd, self._today())

    @workflow.update
    async def decide(self, cmd: DecideCommand) -> ProjectState:
        gate, decision, actor = cmd.body.gate, cmd.body.decision, cmd.actor
        round_ = self.s.gate_rounds.get(gate.value, 0)
        self.s.approvals.append(
            ApprovalRecord(
                gate=gate,
                level=actor.role,
                decision=decision,
                by_user_id=actor.user_id,
                by_name=actor.name,
                at=workflow.now(),
                comment=cmd.body.comment,
                round=round_,
            )
        )
        if gate == Gate.result_review and self.s.first_review_passed is None:
            self.s.first_review_passed = decision == Decision.approve
        levels = self.s.initiation_levels if gate == Gate.initiation else [Role.dept_head]
        next_level = levels.index(actor.role) + 1 if actor.role in levels else len(levels)
        approved_all = decision == Decision.approve and next_level >= len(levels)
        if decision == Decision.approve and not approved_all:
            self._assign_approval(gate, levels[next_level])
        self._record(
            "decision",
            actor,
            comment=cmd.body.comment,
            data={"gate": gate.value, "level": actor.role.value, "decision": decision.value, "round": round_},
        )
        if decision == Decision.approve and not approved_all:
            self._notify_assignee(self.s.pending, "assigned")
        elif decision == Decision.reject:
            self._on_rejection(gate, cmd)
        elif approved_all:
            self._on_gate_passed(gate, actor)
        await self._flush()
        return self.s

    @decide.validator
    def _check_decide(self, cmd: DecideCommand) -> None:
        _validated(guards.check_decision, self.s, cmd)

    @workflow.update
    async def report(self, cmd: ReportCommand) -> ProjectState:
        tracker = self.s.reports
        on_time = not tracker.received_this_week
        tracker.received += 1
        if on_time:
            tracker.on_time += 1
        tracker.received_this_week = True
        tracker.missed_in_row = 0
        self._complete_milestones(cmd.body.completed_milestones)
        self._record("weekly_report", cmd.actor, data={**cmd.body.model_dump(mode="json"), "on_time": on_time})
        self._refresh_kpis()
        await self._flush()
        return self.s

    @report.validator
    def _check_report(self, cmd: ReportCommand) -> None:
        _validated(guards.check_report, self.s, cmd)

    @workflow.update
    async def submit_results(self, cmd: ResultsCommand) -> ProjectState:
        self.s.results_submissions += 1
        self._complete_milestones(cmd.body.completed_milestones)
        self._record(
            "results_submitted",
            cmd.actor,
            data={**cmd.body.model_dump(mode="json"), "submission": self.s.results_submissions},
        )
        back_to = self.s.rectification_return_stage if self.s.stage == Stage.rectification else None
        if back_to == Stage.customer_acceptance:
            self._assign_acceptance()
            self._move(Stage.customer_acceptance, cmd.actor)
        else:
            self._open_gate(Gate.result_review)
            self._move(Stage.result_review, cmd.actor)
        self._refresh_kpis()
        await self._flush()
        return self.s

    @submit_results.validator
    def _check_results(self, cmd: ResultsCommand) -> None:
        _validated(guards.check_results, self.s, cmd)

    @workflow.update
    async def answer_acceptance(self, cmd: AcceptanceCommand) -> ProjectState:
        body = cmd.body
        if body.accepted:
            self.s.ratings.append(body.rating)
            self.s.pending = None
            self._record("accepted", cmd.actor, data={"rating": body.rating})
            self._move(Stage.archiving, cmd.actor)
            await self._flush()
            # Answer with the archived project: the run loop archives it meanwhile.
            await workflow.wait_condition(lambda: self.s.stage != Stage.archiving and not self.inflight)
            return self.s
        objections = [o.strip() for o in body.objections if o.strip()]
        self._record("objection", cmd.actor, data={"objections": objections})
        self._open_rectification(TaskSource.customer_objection, objections, Stage.customer_acceptance, cmd.actor)
        await self._flush()
        return self.s

    @answer_acceptance.validator
    def _check_acceptance(self, cmd: AcceptanceCommand) -> None:
        _validated(guards.check_acceptance, self.s, cmd)

    @workflow.update
    async def complete_task(self, cmd: CompleteTaskCommand) -> ProjectState:
        task = self.s.task(cmd.task_id)
        task.status = TaskStatus.done
        task.resolution = cmd.body.resolution
        task.completed_at = workflow.now()
        self._record(
            "task_completed", cmd.actor, comment=cmd.body.resolution, data={"task_id": task.id, "source": task.source}
        )
        self._refresh_kpis()
        await self._flush()
        return self.s

    @complete_task.validator
    def _check_complete_task(self, cmd: CompleteTaskCommand) -> None:
        _validated(guards.check_complete_task, self.s, cmd)

    @workflow.update
    async def analyse_warning(self, cmd: WarningAnalysisCommand) -> ProjectState:
        body, warning = cmd.body, self.s.warning
        warning.cause = body.cause
        warning.analysis = body.analysis
        warning.pending = None
        if body.revised_expected_cycle_days is not None:
            self.s.expected_cycle_days = body.revised_expected_cycle_days
        for measure in body.measures:
            owner = cmd.owners[measure.owner]
            task = self._new_task(
                TaskSource.progress_warning,
                measure.description,
                owner,
                self.calendar.add_working_days(workflow.now(), measure.deadline_working_days),
            )
            warning.task_ids.append(task.id)
        self._record("warning_analysed", cmd.actor, comment=body.analysis, data=body.model_dump(mode="json"))
        for task_id in warning.task_ids:
            self._announce_task(self.s.task(task_id))
        self._refresh_kpis()
        await self._flush()
        return self.s

    @analyse_warning.validator
    def _check_analyse_warning(self, cmd: WarningAnalysisCommand) -> None:
        _validated(guards.check_warning_analysis, self.s, cmd)

    @workflow.update
    async def cancel(self, cmd: CancelCommand) -> ProjectState:
        self.s.cancel_reason = cmd.body.reason
        self._finish(Stage.cancelled, "cancelled", cmd.actor, cmd.body.reason)
        await self._flush()
        return self.s

    @cancel.validator
    def _check_cancel(self, cmd: CancelCommand) -> None:
        _validated(guards.check_cancel, self.s, cmd.actor)

    # ------------------------------------------------------------------ transitions

    def _on_rejection(self, gate: Gate, cmd: DecideCommand) -> None:
        if gate == Gate.initiation:
            self._assign_to_agent("assessment", "assessment", "Revise the assessment after the initiation rejection")
            self._move(Stage.assessment, cmd.actor)
        elif gate == Gate.plan:
            self._assign_to_agent("plan", "planning", "Revise the plan after its rejection")
            self._move(Stage.planning, cmd.actor)
        else:
            description = cmd.body.comment or "Rework the results after the result review"
            self._open_rectification(TaskSource.review_rejection, [description], Stage.result_review, cmd.actor)

    def _on_gate_passed(self, gate: Gate, actor: Actor) -> None:
        if gate == Gate.initiation:
            self._assign_to_agent("plan", "planning", "Draft the plan with milestones")
            self._move(Stage.planning, actor)
        elif gate == Gate.plan:
            self.s.execution_started_at = workflow.now()
            self._restart_weekly_reports()
            last = max(m.due_date for m in self.s.milestones)
            self._assign_to_agent("results", "execution", "Carry out the plan and submit results",
                                  due_at=self.calendar.end_of_day(last))
            self._move(Stage.execution, actor)
        else:
            self._assign_acceptance()
            self._move(Stage.customer_acceptance, actor)

    def _open_rectification(self, source: TaskSource, descriptions: list[str], back_to: Stage, actor: Actor) -> None:
        self.s.rectification_round += 1
        self.s.rectification_return_stage = back_to
        self._restart_weekly_reports()
        agent = self._agent()
        due = self.calendar.add_working_days(workflow.now(), self.policy.sla("rectification_task").working_days)
        tasks = [self._new_task(source, text, agent, due) for text in descriptions]
        self._assign_to_agent("rectification", "rectification", "Fix the rectification tasks and resubmit results")
        self._move(Stage.rectification, actor)
        for task in tasks:
            self._announce_task(task)

    def _restart_weekly_reports(self) -> None:
        """Reports are owed while work goes on; weeks spent waiting on others are not owed."""
        wp = self.policy.weekly_report
        self.s.reports.next_due_at = self.calendar.next_weekly(workflow.now(), wp.weekday, wp.hour)
        self.s.reports.received_this_week = False

    async def _archive(self) -> None:
        self.s.completed_at = workflow.now()
        self._refresh_kpis(check_warning=False)
        await self._flush()  # the bundle is built from the recorded steps
        seq = self._next_seq()
        result: ArchiveResult = await workflow.execute_activity(
            "archive_project",
            ArchiveRequest(step_key=self._key(seq), project_id=self.s.project_id, state=self.s),
            result_type=ArchiveResult,
            start_to_close_timeout=timedelta(minutes=2),
            retry_policy=RECORD_RETRY,
        )
        self.s.archive_bundle_id = result.bundle_id
        self._record("archived", None, data={"bundle_id": result.bundle_id, "keywords": result.keywords}, seq=seq)
        self._finish(Stage.completed, "completed", None, "")
        await self._flush()

    def _finish(self, stage: Stage, kind: str, actor: Actor | None, comment: str) -> None:
        self.s.pending = None
        self.s.warning.pending = None
        self._move(stage, actor)
        self._record(kind, actor, comment=comment)

    def _move(self, stage: Stage, actor: Actor | None) -> None:
        before = self.s.stage
        self.s.stage = stage
        self._record("stage_changed", actor, data={"from": before.value, "to": stage.value})
        if self.s.pending is not None:
            self._notify_assignee(self.s.pending, "assigned")

    # ------------------------------------------------------------------ pending actions

    def _agent(self) -> Actor:
        return Actor(user_id=self.s.agent_id, name=self.s.agent_name, role=Role.agent, department=self.s.department)

    def _pending(self, kind: str, sla: str, role: Role, description: str, *, user: Actor | None = None,
                 gate: Gate | None = None, due_at: datetime | None = None) -> PendingAction:
        now = workflow.now()
        return PendingAction(
            kind=kind,
            sla=sla,
            gate=gate,
            role=role,
            user_id=user.user_id if user else None,
            user_name=user.name if user else None,
            department=self.s.department,
            since=now,
            due_at=due_at or self.calendar.add_working_days(now, self.policy.sla(sla).working_days),
            description=description,
        )

    def _assign_to_agent(self, kind: str, sla: str, description: str, due_at: datetime | None = None) -> None:
        self.s.pending = self._pending(kind, sla, Role.agent, description, user=self._agent(), due_at=due_at)

    def _assign_approval(self, gate: Gate, role: Role) -> None:
        sla = {Gate.initiation: "initiation_approval", Gate.plan: "plan_approval"}.get(gate, "result_review")
        label = gate.value.replace("_", " ")
        self.s.pending = self._pending("approval", sla, role, f"Approve the {label}", gate=gate)

    def _open_gate(self, gate: Gate) -> None:
        self.s.gate_rounds[gate.value] = self.s.gate_rounds.get(gate.value, 0) + 1
        first = self.s.initiation_levels[0] if gate == Gate.initiation else Role.dept_head
        self._assign_approval(gate, first)

    def _assign_acceptance(self) -> None:
        if self.s.customer_user_id:
            customer = Actor(user_id=self.s.customer_user_id, name=self.s.customer_user_name or "customer",
                             role=Role.customer)
            self.s.pending = self._pending("acceptance", "customer_acceptance", Role.customer,
                                           "Accept the delivered result or raise objections", user=customer)
        else:
            self.s.pending = self._pending("acceptance", "customer_acceptance", Role.agent,
                                           "Record the customer's acceptance confirmation", user=self._agent())

    def _new_task(self, source: TaskSource, description: str, owner: Actor, due_at: datetime) -> RectificationTask:
        task = RectificationTask(
            id=f"{self.s.project_id}-t{len(self.s.tasks) + 1}",
            source=source,
            description=description,
            owner_user_id=owner.user_id,
            owner_name=owner.name,
            owner_role=owner.role,
            department=owner.department or self.s.department,
            created_at=workflow.now(),
            due_at=due_at,
            round=self.s.rectification_round,
        )
        self.s.tasks.append(task)
        return task

    def _announce_task(self, task: RectificationTask) -> None:
        seq = self._record("task_created", None, comment=task.description,
                                 data={"task_id": task.id, "source": task.source.value, "owner": task.owner_name,
                                       "due_at": task.due_at.isoformat()})
        self._notify(seq, "assigned", task.owner_role, task.owner_user_id,
                     f"Rectification task {task.id}", f"{task.description} (due {self._fmt(task.due_at)})")

    def _complete_milestones(self, names: list[str]) -> None:
        today = self._today()
        for m in self.s.milestones:
            if m.name in names and m.done_on is None:
                m.done_on = today

    # ------------------------------------------------------------------ clock: escalation, weekly reports

    def _step_at(self, due_at: datetime, sla: str, index: int) -> datetime | None:
        chain = self.policy.sla(sla).chain
        if index >= len(chain):
            return None
        after = chain[index].after_working_days
        # Count whole working days after the deadline's own working day.
        return due_at if after == 0 else self.calendar.add_working_days(due_at - timedelta(seconds=1), after)

    def _clocks(self) -> list[tuple[datetime, str]]:
        clocks: list[tuple[datetime, str]] = []
        for name, action in (("pending", self.s.pending), ("warning", self.s.warning.pending)):
            if action is not None:
                at = self._step_at(action.due_at, action.sla, action.steps_done)
                if at is not None:
                    clocks.append((at, name))
        for task in self.s.open_tasks():
            at = self._step_at(task.due_at, "rectification_task", task.steps_done)
            if at is not None:
                clocks.append((at, f"task:{task.id}"))
        if self.s.stage in guards.REPORTING_STAGES and self.s.reports.next_due_at is not None:
            clocks.append((self.s.reports.next_due_at, "weekly_report"))
        if self.s.stage in WARNING_STAGES and self.s.plan is not None:
            # KPIs move with the calendar (an overdue milestone, a growing forecast): check daily.
            if self.kpi_check_at is None:
                self.kpi_check_at = self._next_cutoff()
            clocks.append((self.kpi_check_at, "kpi_check"))
        return clocks

    def _next_cutoff(self) -> datetime:
        now = workflow.now()
        cutoff = self.calendar.end_of_day(self._today())
        return cutoff if cutoff > now else self.calendar.end_of_day(self._today() + timedelta(days=1))

    def _next_due(self) -> datetime | None:
        return min((at for at, _ in self._clocks()), default=None)

    async def _on_clock(self) -> None:
        now = workflow.now()
        fired = False
        for at, name in sorted(self._clocks()):
            if at > now:
                continue
            fired = True
            if name == "kpi_check":
                self.kpi_check_at = self._next_cutoff()  # the refresh below is the whole job
                continue
            if name == "weekly_report":
                self._weekly_report_due()
            elif name.startswith("task:"):
                task = self.s.task(name.removeprefix("task:"))
                self._escalate_task(task)
            else:
                action = self.s.pending if name == "pending" else self.s.warning.pending
                self._escalate_action(action)
        if fired:
            self._refresh_kpis()
        await self._flush()

    def _escalate_action(self, action: PendingAction) -> None:
        step = self.policy.sla(action.sla).chain[action.steps_done]
        action.steps_done += 1
        self._escalation_step(step.action, step.levels_up, action.role, action.user_id,
                                    f"{action.description} — was due {self._fmt(action.due_at)}",
                                    {"pending": action.kind, "gate": action.gate, "due_at": action.due_at.isoformat(),
                                     "step": action.steps_done})

    def _escalate_task(self, task: RectificationTask) -> None:
        step = self.policy.sla("rectification_task").chain[task.steps_done]
        task.steps_done += 1
        self._escalation_step(step.action, step.levels_up, task.owner_role, task.owner_user_id,
                                    f"Rectification task {task.id} — {task.description} — was due {self._fmt(task.due_at)}",
                                    {"task_id": task.id, "due_at": task.due_at.isoformat(), "step": task.steps_done})

    def _escalation_step(self, action: str, levels_up: int, role: Role, user_id: str | None, text: str,
                               data: dict[str, Any]) -> None:
        if action == "remind":
            seq = self._record("reminder", None, comment=text, data={**data, "to_role": role.value})
            self._notify(seq, "reminder", role, user_id, "Reminder: overdue", text)
            return
        target = escalation_target(role, levels_up)
        target_user = self.s.agent_id if target == Role.agent else None
        seq = self._record("escalation", None, comment=text,
                                 data={**data, "to_role": target.value, "levels_up": levels_up})
        self._notify(seq, "escalation", target, target_user, f"Escalated: {self.s.project_id} overdue", text)

    def _weekly_report_due(self) -> None:
        tracker, wp = self.s.reports, self.policy.weekly_report
        due_at = tracker.next_due_at
        tracker.due += 1
        tracker.next_due_at = self.calendar.next_weekly(due_at, wp.weekday, wp.hour)
        if tracker.received_this_week:
            tracker.received_this_week = False
            return
        tracker.missed_in_row += 1
        text = f"Weekly progress report due {self._fmt(due_at)} is missing ({tracker.missed_in_row} in a row)"
        seq = self._record("weekly_report_missed", None, comment=text,
                                 data={"due_at": due_at.isoformat(), "missed_in_row": tracker.missed_in_row})
        self._notify(seq, "reminder", Role.agent, self.s.agent_id, "Weekly report missing", text)
        if tracker.missed_in_row >= wp.escalate_after_missed:
            seq = self._record("escalation", None, comment=text,
                                     data={"weekly_report": True, "to_role": Role.dept_head.value,
                                           "missed_in_row": tracker.missed_in_row})
            self._notify(seq, "escalation", Role.dept_head, None, f"Weekly reports missed: {self.s.project_id}", text)

    # ------------------------------------------------------------------ KPIs and warnings

    def _refresh_kpis(self, check_warning: bool = True) -> None:
        if self.s.plan is None:
            return
        today = self._today()
        kpis = project_kpis(
            started_on=self.calendar.local_date(self.s.created_at),
            milestones=self.s.milestones,
            today=today,
            finished_on=self.calendar.local_date(self.s.completed_at) if self.s.completed_at else None,
            expected_cycle_days=self.s.expected_cycle_days,
            ratings=self.s.ratings,
        )
        if kpis != self.s.kpis:
            self.s.kpis = kpis
            self._record("kpis_updated", None, data=kpis.model_dump(mode="json"))
        if check_warning and self.s.stage in WARNING_STAGES:
            self._check_warning()

    def _check_warning(self) -> None:
        warning = self.s.warning
        reasons = warning_reasons(self.s.kpis, self.policy.warnings)
        if reasons and not warning.active:
            self.s.warning = WarningState(
                active=True,
                reasons=reasons,
                raised_at=workflow.now(),
                times_raised=warning.times_raised + 1,
                pending=PendingAction(
                    kind="warning_analysis",
                    sla="warning_analysis",
                    role=Role.dept_head,
                    department=self.s.department,
                    since=workflow.now(),
                    due_at=self.calendar.add_working_days(
                        workflow.now(), self.policy.sla("warning_analysis").working_days
                    ),
                    description="Analyse the cause of the progress warning and set rectification measures",
                ),
            )
            text = "Progress warning: " + "; ".join(reasons)
            seq = self._record("warning_raised", None, comment=text, data={"reasons": reasons})
            self._notify(seq, "warning", Role.dept_head, None, f"Progress warning on {self.s.project_id}", text)
        elif warning.active and not reasons:
            open_measures = [t for t in self.s.open_tasks() if t.id in warning.task_ids]
            if not open_measures:
                warning.active = False
                warning.pending = None
                warning.reasons = []
                self._record("warning_cleared", None, data={"kpis": self.s.kpis.model_dump(mode="json")})
        elif warning.active and reasons != warning.reasons:
            warning.reasons = reasons

    # ------------------------------------------------------------------ recording and notifying

    def _next_seq(self) -> int:
        self.s.seq += 1
        self.s.updated_at = workflow.now()
        self.version += 1
        return self.s.seq

    def _key(self, seq: int) -> str:
        return f"{self.s.project_id}:{seq}"

    def _record(self, kind: str, actor: Actor | None, *, comment: str = "",
                data: dict[str, Any] | None = None, seq: int | None = None) -> int:
        """Note a step; `_flush` persists it with the other steps of the same update."""
        seq = seq or self._next_seq()
        self._publish()
        self.inflight.add(seq)
        self.unsent.append(
            StepRecord(
                step_key=self._key(seq),
                project_id=self.s.project_id,
                seq=seq,
                kind=kind,
                at=workflow.now(),
                actor_id=actor.user_id if actor else None,
                actor_name=actor.name if actor else None,
                actor_role=actor.role if actor else None,
                comment=comment,
                data=data or {},
                state=self.s.model_copy(deep=True),
            )
        )
        return seq

    async def _flush(self) -> None:
        """Persist the noted steps in one activity (one transaction), then wait until no other
        update's steps are still on their way, so the records are complete when this returns."""
        if self.unsent:
            batch, self.unsent = self.unsent, []
            try:
                await workflow.execute_activity(
                    "record_steps", StepBatch(steps=batch),
                    start_to_close_timeout=RECORD_TIMEOUT, retry_policy=RECORD_RETRY,
                )
            finally:
                self.inflight.difference_update(step.seq for step in batch)
        await workflow.wait_condition(lambda: not self.inflight)

    def _notify_assignee(self, action: PendingAction, kind: str) -> None:
        self._notify(self.s.seq, kind, action.role, action.user_id, action.description,
                     f"{action.description} for project {self.s.project_id} — due {self._fmt(action.due_at)}")

    def _notify(self, seq: int, kind: str, role: Role, user_id: str | None, subject: str, text: str) -> None:
        note = Notification(
            step_key=f"{self._key(seq)}:{kind}:{role.value}",
            project_id=self.s.project_id,
            kind=kind,
            to_role=role,
            to_user_id=user_id,
            department=self.s.department,
            subject=subject,
            text=text,
        )
        self.notifications = [t for t in self.notifications if not t.done()]
        self.notifications.append(
            workflow.start_activity(
                "notify", note, start_to_close_timeout=timedelta(seconds=30), retry_policy=NOTIFY_RETRY
            )
        )

    def _publish(self) -> None:
        """Search attributes and current details, so the Web UI reads like the project."""
        s, pending = self.s, self.s.pending
        assignees = sorted({pending.assignee_label()} if pending else set())
        assignees += sorted({t.owner_name for t in s.open_tasks()} - set(assignees))
        updates = [
            sa.STAGE.value_set(s.stage.value),
            sa.DEPARTMENT.value_set(s.department),
            sa.ASSIGNEES.value_set(assignees),
            sa.OVERDUE.value_set(s.is_overdue()),
            sa.WARNING.value_set(s.warning.active),
            sa.DUE_AT.value_set(pending.due_at) if pending else sa.DUE_AT.value_unset(),
        ]
        if s.risk_level is not None:
            updates.append(sa.RISK.value_set(s.risk_level.value))
        workflow.upsert_search_attributes(updates)
        workflow.set_current_details(self._details())

    def _details(self) -> str:
        s, pending = self.s, self.s.pending
        lines = [f"**Stage:** {s.stage.value} · **Department:** {s.department} · **Agent:** {s.agent_name}"]
        if pending is not None:
            overdue = " — OVERDUE" if pending.steps_done else ""
            who = (f"{pending.user_name} ({pending.role.value})" if pending.user_name
                   else f"{pending.role.value} of {pending.department}")
            lines.append(f"{pending.description} — awaiting {who}, due {self._fmt(pending.due_at)}{overdue}")
        if s.open_tasks():
            lines.append(f"Open rectification tasks: {len(s.open_tasks())}")
        if s.warning.active:
            lines.append("Progress warning: " + "; ".join(s.warning.reasons))
        k = s.kpis
        if k.completion_rate is not None or k.cycle_deviation_rate is not None:
            lines.append(f"Completion {k.completion_rate}% · deviation {k.cycle_deviation_rate}%")
        return "\n\n".join(lines)

    def _fmt(self, at: datetime) -> str:
        return at.astimezone(self.calendar.tz).strftime("%Y-%m-%d %H:%M")

    def _today(self) -> date:
        return self.calendar.local_date(workflow.now())

