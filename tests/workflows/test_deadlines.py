"""Deadlines, weekly reports and warnings over weeks of simulated time (time-skipping server)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from domain.calendar import WorkCalendar
from domain.models import (
    CauseCategory,
    CompleteTaskCommand,
    ReportCommand,
    Role,
    Stage,
    TaskCompleteIn,
    WarningAnalysisCommand,
    WarningAnalysisIn,
    WeeklyReportIn,
)
from domain.policy import CalendarPolicy, ProjectPolicy
from tests.workflows.harness import harness
from workflows import search_attributes as sa
from workflows.project import ProjectWorkflow


def near(at: datetime, expected: datetime) -> bool:
    return expected <= at < expected + timedelta(minutes=1)


async def now_of(env) -> datetime:
    return (await env.get_current_time()).astimezone(timezone.utc)


async def test_missed_assessment_is_reminded_then_escalated_twice(skip_env):
    async with harness(skip_env) as h:
        handle = await h.start()
        due = (await h.state(handle)).pending.due_at
        await skip_env.sleep(timedelta(days=20))

        state = await h.state(handle)
        assert state.stage == Stage.assessment
        assert state.pending.steps_done == 3
        reminder, = h.rec.of(state.project_id, "reminder")
        first, second = h.rec.of(state.project_id, "escalation")
        cal = WorkCalendar(ProjectPolicy().calendar)
        assert near(reminder.at, due)
        assert near(first.at, cal.add_working_days(due - timedelta(seconds=1), 1))
        assert near(second.at, cal.add_working_days(due - timedelta(seconds=1), 2))
        assert [first.data["to_role"], second.data["to_role"]] == ["dept_head", "executive"]
        roles = {(n.kind, n.to_role) for n in h.rec.notes}
        assert {("reminder", Role.agent), ("escalation", Role.dept_head), ("escalation", Role.executive)} <= roles
        desc = await handle.describe()
        assert desc.typed_search_attributes.get(sa.OVERDUE) is True
        assert desc.typed_search_attributes.get(sa.STAGE) == "assessment"


async def test_deadline_before_a_holiday_lands_after_it(skip_env):
    start = await now_of(skip_env)
    cal_policy = CalendarPolicy()
    today = WorkCalendar(cal_policy).local_date(start)
    holidays = [today + timedelta(days=i) for i in range(1, 10)]
    policy = ProjectPolicy(calendar=CalendarPolicy(extra_holidays=holidays))
    cal = WorkCalendar(policy.calendar)
    async with harness(skip_env) as h:
        handle = await h.start(policy)
        due = (await h.state(handle)).pending.due_at
        assert cal.local_date(due) > holidays[-1]
        await skip_env.sleep(timedelta(days=30))
        reminder, = h.rec.of((await h.state(handle)).project_id, "reminder")
        assert cal.local_date(reminder.at) > holidays[-1]
        assert near(reminder.at, due)


async def test_missed_weekly_reports_are_reminded_and_two_in_a_row_escalate(skip_env):
    today = WorkCalendar(CalendarPolicy()).local_date(await now_of(skip_env))
    async with harness(skip_env) as h:
        handle = await h.start()
        await h.to_execution(handle, [("m1", today + timedelta(days=60)), ("m2", today + timedelta(days=90))])
        pid = (await h.state(handle)).project_id

        await skip_env.sleep(timedelta(days=7))
        assert len(h.rec.of(pid, "weekly_report_missed")) == 1
        assert not [e for e in h.rec.of(pid, "escalation") if e.data.get("weekly_report")]

        await handle.execute_update(ProjectWorkflow.report, ReportCommand(
            actor=h.agent, body=WeeklyReportIn(progress="viewed 3 flats", next_week_plan="negotiate")))
        await skip_env.sleep(timedelta(days=7))
        assert len(h.rec.of(pid, "weekly_report_missed")) == 1  # the report covered that week

        await skip_env.sleep(timedelta(days=14))
        missed = h.rec.of(pid, "weekly_report_missed")
        assert [m.data["missed_in_row"] for m in missed] == [1, 1, 2]
        escalations = [e for e in h.rec.of(pid, "escalation") if e.data.get("weekly_report")]
        assert len(escalations) == 1 and escalations[0].data["to_role"] == "dept_head"
        state = await h.state(handle)
        assert state.reports.received == 1 and state.reports.on_time == 1 and state.reports.due == 4


async def test_slipping_project_raises_warning_escalates_measure_and_clears(skip_env):
    today = WorkCalendar(CalendarPolicy()).local_date(await now_of(skip_env))
    async with harness(skip_env) as h:
        handle = await h.start()
        await h.assess(handle, cycle=20)
        await h.decide(handle, "initiation")
        await h.plan(handle, [("survey", today + timedelta(days=5)), ("handover", today + timedelta(days=18))])
        await h.decide(handle, "plan")
        await handle.execute_update(ProjectWorkflow.report, ReportCommand(
            actor=h.agent, body=WeeklyReportIn(progress="surveyed", next_week_plan="handover",
                                              completed_milestones=["survey"])))
        pid = (await h.state(handle)).project_id

        await skip_env.sleep(timedelta(days=28))  # handover slips: forecast cycle > 20 days × 1.2
        state = await h.state(handle)
        assert state.warning.active
        assert any(r.startswith("cycle_deviation_rate") for r in state.warning.reasons)
        assert len(h.rec.of(pid, "warning_raised")) == 1
        assert (await handle.describe()).typed_search_attributes.get(sa.WARNING) is True

        state = await handle.execute_update(ProjectWorkflow.analyse_warning, WarningAnalysisCommand(
            actor=h.head,
            body=WarningAnalysisIn(cause=CauseCategory.resources, analysis="agent overloaded",
                                   measures=[{"description": "hand over this week", "owner": h.agent.name,
                                              "deadline_working_days": 2}],
                                   revised_expected_cycle_days=60),
            owners={h.agent.name: h.agent}))
        [task_id] = state.warning.task_ids
        await skip_env.sleep(timedelta(days=10))
        task_steps = [e for e in h.rec.steps if e.project_id == pid and e.data.get("task_id") == task_id
                      and e.kind in ("reminder", "escalation")]
        assert [e.kind for e in task_steps] == ["reminder", "escalation", "escalation"]
        assert (await h.state(handle)).warning.active  # measure still open

        await handle.execute_update(ProjectWorkflow.report, ReportCommand(
            actor=h.agent, body=WeeklyReportIn(progress="handed over", next_week_plan="results",
                                              completed_milestones=["handover"])))
        state = await handle.execute_update(ProjectWorkflow.complete_task, CompleteTaskCommand(
            actor=h.agent, task_id=task_id, body=TaskCompleteIn(resolution="handed over")))
        assert not state.warning.active
        assert len(h.rec.of(pid, "warning_cleared")) == 1
        assert (await handle.describe()).typed_search_attributes.get(sa.WARNING) is False
