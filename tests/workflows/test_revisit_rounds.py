"""Regular revisits 定期回访 on the time-skipping server (issue 14; 002 二(三)3, 003 4.1): with
`revisit.later_days` [30, 180] in the policy, a completed project is revisited 3 working
days after completion, then 30 and 180 days after it, each opening for the agent with its
own deadline (the `revisit` SLA from its opening) once the one before is recorded; the
revisit's workflow ends after the last."""

from __future__ import annotations

from datetime import timedelta

from domain.calendar import calendar_for
from domain.commands import Command
from domain.models import Role
from domain.policy import ProjectPolicy, RevisitPolicy
from domain.service_models import RevisitCommand, RevisitIn
from domain.service_results import RevisitRecorded
from tests.workflows.harness import Recorder, harness
from tests.workflows.test_service import complete, near
from workflows.revisit import RevisitWorkflow

POLICY = ProjectPolicy(revisit=RevisitPolicy(later_days=[180, 30]))



async def test_revisits_three_working_days_then_30_and_180_days_after_completion(own_skip_env):
    skip_env = own_skip_env  # months are skipped: a server of its own
    async with harness(skip_env, Recorder(policy=POLICY)) as h:
        project = await h.start(POLICY)
        await complete(h, project)
        pid = project.id.removeprefix("project-")
        revisit = h.client.get_workflow_handle(f"revisit-{pid}")
        await revisit.execute_update(RevisitWorkflow.sync, Command(actor=h.agent))
        state = await revisit.query(RevisitWorkflow.state)
        cal = calendar_for(POLICY.calendar, state.calendar)
        done = state.completed_at
        openings = [cal.add_working_days(done, 3)] + [
            cal.add_working_days(done + timedelta(days=d), 0) for d in (30, 180)]
        assert openings[1] - done >= timedelta(days=30) and openings[2] - done >= timedelta(days=180)

        for n, opens in enumerate(openings, start=1):
            state = await revisit.query(RevisitWorkflow.state)
            assert (state.round, state.opens_at) == (n, opens)
            await skip_env.sleep(opens - await h.env.get_current_time() + timedelta(minutes=1))
            opened = h.rec.of(f"revisit:{pid}", "revisit_opened")
            assert len(opened) == n and near(opened[-1].at, opens)
            assert opened[-1].data["due_at"] == cal.add_working_days(opens - timedelta(seconds=1), 5).isoformat()
            assigned = [x for x in h.rec.notes if x.key == "notify.assigned.revisit"]
            assert [(a.to_role, a.to_user_id) for a in assigned] == [(Role.agent, h.agent.user_id)] * n
            recorded = await revisit.execute_update(RevisitWorkflow.submit, RevisitCommand(
                actor=h.agent, body=RevisitIn(rating=5, comments=f"round {n}")))  # fmt: skip
            assert isinstance(recorded, RevisitRecorded) and recorded.warning is False

        assert await revisit.result() is not None
        scheduled = [s.data.get("round", 1) for s in h.rec.steps
                     if s.project_id == f"revisit:{pid}" and s.kind == "revisit_scheduled"]  # fmt: skip
        assert scheduled == [1, 2, 3]
