"""ProcessWorkflow on the time-skipping server (issue 15): a node that times out runs its
timeout action across a weekend and a holiday; 缺勤人员处理 walked both ways. The search
attribute view is checked on the dev server (tests/e2e/test_processes_over_http.py)."""

from __future__ import annotations

from datetime import UTC, timedelta

from temporalio.client import WorkflowUpdateFailedError

from domain.calendar import calendar_for
from domain.models import Role
from domain.policy import CalendarPolicy, ProjectPolicy
from domain.process_models import ProcessStatus
from jindu.holidays import official_dates
from tests.workflows.process_harness import ProcessRecorder, person, process_harness, shipped
from tests.workflows.test_service import days_off_through_monday
from workflows.process import ProcessWorkflow

AGENT = person("王芳", Role.agent, "sales")
HEAD = person("李强", Role.dept_head, "sales")
FINANCE = person("钱宇", Role.dept_head, "财务部")
BOSS = person("赵敏", Role.executive)
HR = person("孙丽", Role.agent, "行政人事部")
PEOPLE = {p.name: p for p in (AGENT, HEAD, FINANCE, BOSS, HR) if p.name}
EXPENSE_FORM = {"amount": "1200", "category": "差旅", "purpose": "上海出差", "receipts": ["发票.pdf"]}


async def test_a_late_finance_review_escalates_across_a_weekend_and_a_holiday(skip_env):
    now = (await skip_env.get_current_time()).astimezone(UTC)
    plain = calendar_for(CalendarPolicy(), official_dates(now.year))
    holidays, saturday = days_off_through_monday(plain.effective_day(now))
    policy = ProjectPolicy(calendar=CalendarPolicy(extra_holidays=holidays))
    cal = calendar_for(policy.calendar, official_dates(now.year))
    rec = ProcessRecorder(policy=policy)
    async with process_harness(skip_env, rec) as h:
        handle = await h.start(shipped("expense"), EXPENSE_FORM, AGENT, PEOPLE, policy=policy)
        state = await h.act(handle, HEAD, "approve", comment="同意")
        assert state.current and state.current.node_id == "finance"
        due = state.current.due_at
        assert due is not None and cal.local_date(due) > holidays[-1] > saturday  # counted past both
        assert cal.local_date(due) == cal.add_working_days(now, 2).astimezone(cal.tz).date()

        await skip_env.sleep(due - now + timedelta(hours=1))
        pid = handle.id.removeprefix("process-")
        ((at, timed_out),) = rec.of(pid, "node_timed_out")
        assert timed_out.data["action"] == "escalate" and timed_out.data["to"] == ["executive"]
        assert due <= at < due + timedelta(minutes=1)
        escalation = [n for n in rec.notes if n.kind == "escalation"]
        assert [(n.to_role, n.key) for n in escalation] == [("executive", "process.escalation")]
        state = await handle.query(ProcessWorkflow.state)
        assert state.is_overdue() and state.status == ProcessStatus.running

        await h.act(handle, FINANCE, "approve")  # late, still decided: 1,200 yuan ends here
        assert (await handle.result()).status == "completed"
        assert rec.kinds(pid)[-3:] == ["node_passed", "condition_evaluated", "process_ended"]


async def walk_absence(h, papers: str):  # type: ignore[no-untyped-def]
    form = {"absentee": "周一", "dates": "11-02", "dept_head_name": HEAD.name}
    handle = await h.start(shipped("absence-handling"), form, HR, PEOPLE)
    return handle, await h.act(handle, HR, "complete", fields={"papers": papers})


async def test_absence_handling_with_complete_papers_is_filed(skip_env):
    async with process_harness(skip_env) as h:
        handle, state = await walk_absence(h, "齐备")
        assert state.current and state.current.node_id == "file"
        start = await skip_env.get_current_time()
        assert state.current.due_at == calendar_for(CalendarPolicy(), official_dates(start.year)).add_working_days(
            start, 2)  # c10: 2 working days
        state = await h.act(handle, HR, "complete", fields={"archive_no": "KQ-2026-11"})
        assert state.status == ProcessStatus.completed and state.visited == ["check", "file"]


async def test_absence_handling_with_incomplete_papers_goes_to_the_leader_and_the_department(skip_env):
    async with process_harness(skip_env) as h:
        handle, state = await walk_absence(h, "不齐备")
        assert state.current and state.current.node_id == "propose"
        try:
            await h.act(handle, BOSS, "approve")
            raise AssertionError("the leader cannot approve a task")
        except WorkflowUpdateFailedError as err:
            assert "forbidden" in str(err.cause.type)  # type: ignore[union-attr]
        state = await h.act(handle, HR, "complete", fields={"sanction": "口头批评教育", "proposal": "首次，批评教育"})
        assert state.current and state.current.node_id == "leader"
        state = await h.act(handle, BOSS, "approve", comment="同意")
        assert state.current and state.current.node_id == "apply" and state.current.slots[0].user_id == HEAD.user_id
        state = await h.act(handle, HEAD, "complete", fields={"applied": "已谈话"})
        state = await h.act(handle, HR, "complete", fields={"archive_no": "KQ-9"})
        assert state.status == ProcessStatus.completed
        assert state.visited == ["check", "propose", "leader", "apply", "archive"]
