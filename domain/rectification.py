"""Rectification 整改 work outside the acceptance loop (RULES §Rectification, §Progress
anomaly warnings): closing a task, and the dept_head's cause analysis of a progress warning
with its measures 整改措施, each an owned task with a working-day deadline. Rounds opened by
a review or an objection are in domain/lifecycle.py (`open_rectification`)."""

from __future__ import annotations

from domain import guards, waits
from domain import step_kinds as kinds
from domain.commands import CompleteTaskCommand, WarningAnalysisCommand
from domain.models import TaskSource
from domain.progress import refresh_kpis
from domain.project import ProjectState
from domain.steps import Context, Outcome


def complete_task(state: ProjectState, cmd: CompleteTaskCommand, ctx: Context) -> Outcome:
    guards.check_complete_task(state, cmd)
    out = Outcome.begin(state, ctx)
    r = out.state.rectification
    task = r.task(cmd.task_id)
    assert task is not None
    r.tasks.remove(task)
    out.record(kinds.TaskCompleted(task_id=task.id, source=task.source), cmd.actor, cmd.body.resolution)
    refresh_kpis(out)
    return out


# §Progress anomaly warnings: the dept_head's cause analysis sets measures 整改措施.
def analyse_warning(state: ProjectState, cmd: WarningAnalysisCommand, ctx: Context) -> Outcome:
    guards.check_warning_analysis(state, cmd)
    out, body = Outcome.begin(state, ctx), cmd.body
    s = out.state
    s.warning.cause, s.warning.analysis = body.cause, None
    if body.revised_expected_cycle_days is not None and s.assessment is not None:
        s.assessment.expected_cycle_days = body.revised_expected_cycle_days
    out.record(kinds.WarningAnalysed(cause=body.cause, measures=len(body.measures),
                                     revised_expected_cycle_days=body.revised_expected_cycle_days),
               cmd.actor, body.analysis)  # fmt: skip
    for m in body.measures:
        due = ctx.calendar.add_working_days(ctx.now, m.deadline_working_days)
        s.warning.task_ids.append(waits.open_task(out, TaskSource.progress_warning, m.description,
                                                  cmd.owners[m.owner], due))  # fmt: skip
    refresh_kpis(out)
    return out
