"""Deadlines, weekly reports and warnings over weeks of simulated time (time-skipping server)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from temporalio.api.sdk.v1 import WorkflowMetadata

from domain.calendar import YearDates, calendar_for
from domain.commands import MeasureIn, PublishCalendarCommand, WarningAnalysisCommand, WarningAnalysisIn
from domain.models import CauseCategory, Role, Stage
from domain.policy import CalendarPolicy, ProjectPolicy
from jindu.holidays import official_dates
from tests.workflows.harness import harness
from workflows import search_attributes as sa
from workflows.project import ProjectWorkflow


def near(at: datetime, expected: datetime) -> bool:
    return expected <= at < expected + timedelta(minutes=1)


async def now_of(env) -> datetime:
    return (await env.get_current_time()).astimezone(UTC)


def calendar(policy: ProjectPolicy, year: int):
    return calendar_for(policy.calendar, official_dates(year))


async def test_missed_assessment_is_reminded_then_escalated_twice(skip_env):
    async with harness(skip_env) as h:
        handle = await h.start()
        state = await h.state(handle)
        due = state.pending.due_at
        await skip_env.sleep(timedelta(days=20))

        state = await h.state(handle)
        assert state.stage == Stage.assessment and state.pending.steps_done == 3
        (reminder,) = h.rec.of(state.project_id, "reminder")
        first, second = h.rec.of(state.project_id, "escalation")
        cal = calendar(ProjectPolicy(), state.created_at.year)
        assert near(reminder.at, due)
        assert near(first.at, cal.add_working_days(due - timedelta(seconds=1), 1))
        assert near(second.at, cal.add_working_days(due - timedelta(seconds=1), 2))
        assert [first.data["to_role"], second.data["to_role"]] == ["dept_head", "executive"]
        roles = {(n.kind, n.to_role) for n in h.rec.notes}
        assert {("reminder", Role.agent), ("escalation", Role.dept_head), ("escalation", Role.executive)} <= roles
        attrs = (await handle.describe()).typed_search_attributes
        assert (attrs.get(sa.OVERDUE), attrs.get(sa.STAGE)) == (True, "assessment")


async def test_deadline_before_a_holiday_lands_after_it(skip_env):
    today = calendar(ProjectPolicy(), 2026).local_date(await now_of(skip_env))
    holidays = [today + timedelta(days=i) for i in range(1, 10)]
    policy = ProjectPolicy(calendar=CalendarPolicy(extra_holidays=holidays))
    async with harness(skip_env) as h:
        handle = await h.start(policy)
        state = await h.state(handle)
        cal = calendar(policy, state.created_at.year)
        due = state.pending.due_at
        assert cal.local_date(due) > holidays[-1]
        await skip_env.sleep(timedelta(days=30))
        (reminder,) = h.rec.of(state.project_id, "reminder")
        assert cal.local_date(reminder.at) > holidays[-1] and near(reminder.at, due)


async def test_missed_weekly_reports_are_reminded_and_two_in_a_row_escalate(skip_env):
    today = calendar(ProjectPolicy(), 2026).local_date(await now_of(skip_env))
    async with harness(skip_env) as h:
        handle = await h.start()
        await h.to_execution(handle, [("m1", today + timedelta(days=60)), ("m2", today + timedelta(days=90))])
        pid = (await h.state(handle)).project_id

        await skip_env.sleep(timedelta(days=7))
        assert len(h.rec.of(pid, "weekly_report_missed")) == 1
        assert not [e for e in h.rec.of(pid, "escalation") if e.data.get("what") == "weekly_report"]

        await h.report(handle, progress="viewed 3 flats")
        await skip_env.sleep(timedelta(days=7))
        assert len(h.rec.of(pid, "weekly_report_missed")) == 1  # the report covered that week

        await skip_env.sleep(timedelta(days=14))
        missed = h.rec.of(pid, "weekly_report_missed")
        assert [m.data["missed_in_row"] for m in missed] == [1, 1, 2]
        escalations = [e for e in h.rec.of(pid, "escalation") if e.data.get("what") == "weekly_report"]
        assert len(escalations) == 1 and escalations[0].data["to_role"] == "dept_head"
        r = (await h.state(handle)).reporting
        assert (r.received, r.on_time, r.due) == (1, 1, 4)


async def test_slipping_project_raises_warning_escalates_measure_and_clears(skip_env):
    today = calendar(ProjectPolicy(), 2026).local_date(await now_of(skip_env))
    async with harness(skip_env) as h:
        handle = await h.start()
        await h.assess(handle, cycle=20)
        await h.decide(handle, "initiation")
        await h.plan(handle, [("survey", today + timedelta(days=5)), ("handover", today + timedelta(days=18))])
        await h.decide(handle, "plan")
        await h.report(handle, milestones=["survey"])
        pid = (await h.state(handle)).project_id

        await skip_env.sleep(timedelta(days=28))  # handover slips: forecast cycle > 20 days × 1.2
        state = await h.state(handle)
        assert state.warning.active and any(r.startswith("cycle_deviation_rate") for r in state.warning.reasons)
        assert len(h.rec.of(pid, "warning_raised")) == 1
        assert (await handle.describe()).typed_search_attributes.get(sa.WARNING) is True
        shown = (await handle.query("__temporal_workflow_metadata", result_type=WorkflowMetadata)).current_details
        assert "周期偏差率" in shown and "超过阈值 20%" in shown and "cycle_deviation_rate" not in shown

        body = WarningAnalysisIn(cause=CauseCategory.resources, analysis="agent overloaded",
                                 measures=[MeasureIn(description="hand over this week", owner=h.agent.name,
                                                     deadline_working_days=2)], revised_expected_cycle_days=60)
        state = await h.update(handle, ProjectWorkflow.analyse_warning, WarningAnalysisCommand(
            actor=h.head, body=body, owners={h.agent.name: h.agent}))  # fmt: skip
        [task_id] = state.warning.task_ids
        await skip_env.sleep(timedelta(days=10))
        task_steps = [e.kind for e in h.rec.steps if e.project_id == pid and e.data.get("task_id") == task_id
                      and e.kind in ("reminder", "escalation")]  # fmt: skip
        assert task_steps == ["reminder", "escalation", "escalation"]
        assert (await h.state(handle)).warning.active  # measure still open

        await h.report(handle, milestones=["handover"])
        state = await h.complete(handle, task_id, resolution="handed over")
        assert not state.warning.active and len(h.rec.of(pid, "warning_cleared")) == 1
        assert (await handle.describe()).typed_search_attributes.get(sa.WARNING) is False


async def test_a_published_year_moves_the_deadlines_counted_after_it(skip_env):
    """Dates a project decides on come from its history: a year published to it while it
    runs moves its later escalation steps."""
    async with harness(skip_env) as h:
        handle = await h.start()
        state = await h.state(handle)
        cal = calendar_for(ProjectPolicy().calendar, state.calendar)
        step_one = cal.local_date(cal.add_working_days(state.pending.due_at - timedelta(seconds=1), 1))
        year = state.calendar.years.get(step_one.year, YearDates())
        if step_one.weekday() < 5:  # make the day of the first escalation a holiday
            dates = YearDates(holidays=[*year.holidays, step_one], workdays=year.workdays)
        else:  # it is a make-up working weekend day: cancel it
            dates = YearDates(holidays=year.holidays, workdays=[d for d in year.workdays if d != step_one])
        await handle.execute_update(ProjectWorkflow.publish_calendar, PublishCalendarCommand(
            actor=h.operations, year=step_one.year, dates=dates))  # fmt: skip
        await skip_env.sleep(timedelta(days=30))
        first = h.rec.of(state.project_id, "escalation")[0]
        assert cal.local_date(first.at) > step_one  # the published day off pushed it
        [published] = h.rec.of(state.project_id, "calendar_published")
        assert published.data["year"] == step_one.year and published.actor.role == Role.operations
        assert (await h.state(handle)).calendar.years[step_one.year] == dates


def test_local_dates_are_shanghai_dates():
    assert calendar(ProjectPolicy(), 2026).local_date(datetime(2026, 1, 1, 17, tzinfo=UTC)) == date(2026, 1, 2)


async def test_a_risk_review_date_that_passes_is_reminded_then_escalated(skip_env):
    from domain.risk_commands import AddRiskCommand, RiskIn

    today = calendar(ProjectPolicy(), 2026).local_date(await now_of(skip_env))
    async with harness(skip_env) as h:
        handle = await h.start()
        await h.to_execution(handle, [("m1", today + timedelta(days=90))])
        body = RiskIn(category="market", description="prices may fall", likelihood="medium", impact="medium",
                      response="accept", owner=h.agent.name or "", review_on=today + timedelta(days=2))
        state = await h.update(
            handle, ProjectWorkflow.add_risk, AddRiskCommand(actor=h.agent, body=body, owner=h.agent)
        )
        [risk] = state.risks
        await skip_env.sleep(timedelta(days=10))
        reviews = [(s.kind, s.data["to_role"]) for s in h.rec.steps
                   if s.project_id == state.project_id and s.data.get("risk_id") == risk.id
                   and s.kind in ("reminder", "escalation")]  # fmt: skip
        assert reviews[:2] == [("reminder", "agent"), ("escalation", "dept_head")]
        (reminder,) = [s for s in h.rec.of(state.project_id, "reminder") if s.data.get("risk_id") == risk.id]
        assert near(reminder.at, risk.due_at)
        assert (await handle.describe()).typed_search_attributes.get(sa.OVERDUE) is True
