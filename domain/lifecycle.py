"""The project lifecycle as pure rules, in RULES.md §lifecycle order.

Each transition is a function of (state, command, context) that checks the command
(domain/guards.py), and returns an `Outcome`: the new state, the steps to record and the
people to notify. Nothing here waits, writes or reads a clock: ProjectWorkflow records the
outcome and then adopts its state; tests call these functions with literal data.

Stages: intake → assessment → initiation_approval → planning → plan_approval → execution
→ result_review → customer_acceptance → archiving → completed; rectification loops back
from result_review and customer_acceptance; declined and cancelled end early.
"""

from __future__ import annotations

from datetime import date

from domain import guards, waits
from domain import step_kinds as kinds
from domain.approval import fix_levels, gate_levels, next_level
from domain.commands import (
    AcceptanceCommand,
    AssessCommand,
    CancelCommand,
    DecideCommand,
    PlanCommand,
    ReportCommand,
    ResultsCommand,
)
from domain.models import Actor, Decision, Gate, Stage, TaskSource
from domain.progress import refresh_kpis
from domain.project import ApprovalRecord, Assessment, Milestone, ProjectStart, ProjectState
from domain.steps import ArchiveOut, Context, Outcome


def move(out: Outcome, stage: Stage, actor: Actor | None) -> None:
    before = out.state.stage
    out.state.stage = stage
    out.record(kinds.StageChanged(before=before, to=stage), actor)
    waits.announce_pending(out)


def finish(out: Outcome, stage: Stage, end: kinds.Declined | kinds.Completed | kinds.Cancelled,
           actor: Actor | None, comment: str = "") -> None:  # fmt: skip
    out.state.pending = None
    out.state.warning.analysis = None
    move(out, stage, actor)
    out.record(end, actor, comment)


# 1. Consultation intake 客户咨询: the agent owes the assessment.
def intake(start: ProjectStart, ctx: Context) -> Outcome:
    assert start.calendar is not None, "a project starts with its official dates"
    state = ProjectState(
        project_id=start.project_id, stage=Stage.assessment, department=start.department,
        business_type=start.business_type, channel=start.channel, agent=start.agent,
        customer_user_id=start.customer_user_id, created_at=start.created_at, updated_at=start.created_at,
        calendar=start.calendar,
    )  # fmt: skip
    out = Outcome.begin(state, ctx)
    waits.to_agent(out, "assessment", "assessment")
    out.record(kinds.Intake(channel=start.channel, business_type=start.business_type), start.agent)
    waits.announce_pending(out)
    return out


# 2. Requirement assessment 需求评估: out of scope declines; in scope applies for initiation.
def assess(state: ProjectState, cmd: AssessCommand, ctx: Context) -> Outcome:
    guards.check_assess(state, cmd.actor)
    out, body = Outcome.begin(state, ctx), cmd.body
    out.record(kinds.Assessed(in_scope=body.in_scope, difficulty=body.difficulty, risk_level=body.risk_level,
                              expected_cycle_days=body.expected_cycle_days, budget=body.budget,
                              expected_revenue=body.expected_revenue),
               cmd.actor, body.comment)  # fmt: skip
    if not body.in_scope:
        finish(out, Stage.declined, kinds.Declined(), cmd.actor, body.comment)
        return out
    assert body.difficulty and body.risk_level and body.expected_cycle_days and body.budget is not None
    s = out.state
    s.assessment = Assessment(difficulty=body.difficulty, risk_level=body.risk_level, budget=body.budget,
                              expected_cycle_days=body.expected_cycle_days, expected_revenue=body.expected_revenue,
                              original_expected_cycle_days=body.expected_cycle_days)  # fmt: skip
    open_gate(out, Gate.initiation)
    move(out, Stage.initiation_approval, cmd.actor)
    return out


# 3, 4, 8. Approval gates: initiation (dept_head, + executive by authority), plan, result review.
def open_gate(out: Outcome, gate: Gate) -> None:
    a = out.state.approvals
    a.rounds[gate] = a.round(gate) + 1
    a.decided = [r for r in a.decided if r.gate != gate]
    fix_levels(out.state, gate, out.ctx.policy)
    waits.approval(out, gate, gate_levels(out.state, gate)[0])


def decide(state: ProjectState, cmd: DecideCommand, ctx: Context) -> Outcome:
    guards.check_decision(state, cmd)
    out, body, who = Outcome.begin(state, ctx), cmd.body, guards.approver(cmd)
    s, gate = out.state, body.gate
    round_ = s.approvals.round(gate)
    s.approvals.decided.append(ApprovalRecord(gate=gate, level=who.role, decision=body.decision, round=round_))
    if gate == Gate.result_review and s.approvals.first_review_passed is None:
        s.approvals.first_review_passed = body.decision == Decision.approve
    decision = kinds.DecisionRecorded(gate=gate, level=who.role, decision=body.decision, round=round_,
                                      on_behalf_of=cmd.on_behalf_of)  # fmt: skip
    if body.decision == Decision.reject:
        out.record(decision, cmd.actor, body.comment)
        on_rejection(out, gate, cmd)
        return out
    following = next_level(s, gate)
    if following is not None:
        waits.approval(out, gate, following)
    out.record(decision, cmd.actor, body.comment)
    if following is not None:
        waits.announce_pending(out)
    else:
        on_gate_passed(out, gate, cmd.actor)
    return out


def on_gate_passed(out: Outcome, gate: Gate, actor: Actor) -> None:
    s, ctx = out.state, out.ctx
    if gate == Gate.initiation:
        waits.to_agent(out, "plan", "planning")
        move(out, Stage.planning, actor)
    elif gate == Gate.plan:
        s.execution_started_at = ctx.now
        restart_weekly_reports(out)
        last = max(m.due_date for m in s.milestones)
        waits.to_agent(out, "results", "execution", due_at=ctx.calendar.end_of_day(last))
        move(out, Stage.execution, actor)
    else:
        waits.acceptance(out)
        move(out, Stage.customer_acceptance, actor)


def on_rejection(out: Outcome, gate: Gate, cmd: DecideCommand) -> None:
    if gate == Gate.initiation:
        waits.to_agent(out, "assessment", "assessment")
        move(out, Stage.assessment, cmd.actor)
    elif gate == Gate.plan:
        waits.to_agent(out, "plan", "planning")
        move(out, Stage.planning, cmd.actor)
    else:
        open_rectification(out, TaskSource.review_rejection, [cmd.body.comment], Stage.result_review, cmd.actor)


# 4. Plan 方案制定 with milestones (key nodes) and resources 资源调配.
def submit_plan(state: ProjectState, cmd: PlanCommand, ctx: Context) -> Outcome:
    guards.check_plan(state, cmd, ctx.today)
    out = Outcome.begin(state, ctx)
    out.state.milestones = [Milestone(name=m.name, due_date=m.due_date) for m in cmd.body.milestones]
    open_gate(out, Gate.plan)
    b, milestones = cmd.body, [kinds.MilestoneFact(name=m.name, due_date=m.due_date) for m in cmd.body.milestones]
    out.record(kinds.PlanSubmitted(goals=b.goals, milestones=milestones, responsibilities=b.responsibilities,
                                   resources=b.resources), cmd.actor)  # fmt: skip
    move(out, Stage.plan_approval, cmd.actor)
    return out


# 6-7. Execution and the weekly progress report 周报.
def restart_weekly_reports(out: Outcome) -> None:
    """Reports are owed while work goes on; weeks spent waiting on others are not owed."""
    wp, r = out.ctx.policy.weekly_report, out.state.reporting
    r.next_due_at = out.ctx.calendar.next_weekly(out.ctx.now, wp.weekday, wp.hour)
    r.received_this_week = False


def complete_milestones(out: Outcome, names: list[str]) -> dict[str, date]:
    done = {}
    for m in out.state.milestones:
        if m.name in names and m.done_on is None:
            m.done_on = done[m.name] = out.ctx.today
    return done


def report(state: ProjectState, cmd: ReportCommand, ctx: Context) -> Outcome:
    guards.check_report(state, cmd)
    out = Outcome.begin(state, ctx)
    r = out.state.reporting
    on_time = not r.received_this_week
    r.received += 1
    r.on_time += on_time
    r.received_this_week, r.missed_in_row = True, 0
    b, done = cmd.body, complete_milestones(out, cmd.body.completed_milestones)
    out.record(kinds.WeeklyReported(progress=b.progress, problems=b.problems, next_week_plan=b.next_week_plan,
                                    completed_milestones=b.completed_milestones, on_time=on_time,
                                    milestones_done=done, **documents(b.attachment_ids)), cmd.actor)  # fmt: skip
    refresh_kpis(out)
    return out


def documents(ids: list[str]) -> dict[str, list[str]]:
    """Attachment ids are recorded only when sent, so a step without any stores the same
    data as before they existed."""
    return {"attachment_ids": ids} if ids else {}


# 8. Results for review (also resubmitted after rectification).
def submit_results(state: ProjectState, cmd: ResultsCommand, ctx: Context) -> Outcome:
    guards.check_results(state, cmd)
    out = Outcome.begin(state, ctx)
    s = out.state
    s.reporting.results_submissions += 1
    b, done = cmd.body, complete_milestones(out, cmd.body.completed_milestones)
    out.record(kinds.ResultsSubmitted(summary=b.summary, completed_milestones=b.completed_milestones,
                                      attachments=b.attachments, submission=s.reporting.results_submissions,
                                      milestones_done=done, **documents(b.attachment_ids)), cmd.actor)  # fmt: skip
    back_to = s.rectification.return_stage if s.stage == Stage.rectification else None
    if back_to == Stage.customer_acceptance:
        waits.acceptance(out)
        move(out, Stage.customer_acceptance, cmd.actor)
    else:
        open_gate(out, Gate.result_review)
        move(out, Stage.result_review, cmd.actor)
    refresh_kpis(out)
    return out


# 9. Customer acceptance 客户验收: objections open rectification "until the customer is satisfied".
def answer_acceptance(state: ProjectState, cmd: AcceptanceCommand, ctx: Context) -> Outcome:
    guards.check_acceptance(state, cmd)
    out, body = Outcome.begin(state, ctx), cmd.body
    if body.accepted:
        assert body.rating is not None
        out.state.ratings.append(body.rating)
        out.state.pending = None
        out.record(kinds.Accepted(rating=body.rating, **documents(body.attachment_ids)), cmd.actor)
        move(out, Stage.archiving, cmd.actor)
        return out
    objections = [o.strip() for o in body.objections if o.strip()]
    out.record(kinds.Objected(objections=len(objections), **documents(body.attachment_ids)), cmd.actor)
    open_rectification(out, TaskSource.customer_objection, objections, Stage.customer_acceptance, cmd.actor)
    return out


def open_rectification(out: Outcome, source: TaskSource, descriptions: list[str], back_to: Stage,
                       actor: Actor) -> None:
    """整改 round: tasks for the agent; results go back to `back_to` once they are done."""
    s, ctx = out.state, out.ctx
    s.rectification.round += 1
    s.rectification.return_stage = back_to
    restart_weekly_reports(out)
    waits.to_agent(out, "rectification", "rectification")
    move(out, Stage.rectification, actor)
    due = waits.due_in(ctx, "rectification_task")
    for text in descriptions:
        waits.open_task(out, source, text, s.agent, due)


# 10. Archiving 归档: KPIs frozen at the finish day, then the bundle (an activity), then done.
def begin_archive(state: ProjectState, ctx: Context) -> Outcome:
    out = Outcome.begin(state, ctx)
    out.state.completed_at = ctx.now
    refresh_kpis(out, check_warning=False)
    return out


def archived(state: ProjectState, bundle: ArchiveOut, ctx: Context) -> Outcome:
    out = Outcome.begin(state, ctx)
    out.state.archive_bundle_id = bundle.bundle_id
    out.record(kinds.Archived(bundle_id=bundle.bundle_id, keywords=bundle.keywords))
    finish(out, Stage.completed, kinds.Completed(), None)
    return out


def cancel(state: ProjectState, cmd: CancelCommand, ctx: Context) -> Outcome:
    guards.check_cancel(state, cmd.actor)
    out = Outcome.begin(state, ctx)
    finish(out, Stage.cancelled, kinds.Cancelled(), cmd.actor, cmd.body.reason)
    return out
