"""Revisits for customer service 客服 on the time-skipping server (issue 14; 003 四, 4.1, 4.3):
with `revisit.assignee` customer_service in the company's policy, the completed project's
revisit opens for customer service of its department (by role), with its deadline, is
reminded to them and escalated to the dept_head and the executive when missed; the agent may
not record it, customer service do, and the rating counts for the project's agent.

With JINDU_RECORD_HISTORIES set, its history is written to the replay corpus
(histories/service/v2_revisit_customer_service.json, replayed by test_service_replay.py)."""

from __future__ import annotations

import json
import os
from datetime import UTC, timedelta
from pathlib import Path

import pytest
from temporalio.client import WorkflowUpdateFailedError

from domain.calendar import calendar_for
from domain.commands import Command
from domain.models import Role
from domain.policy import ProjectPolicy, RevisitPolicy
from domain.service_models import RevisitCommand, RevisitIn
from domain.service_results import RevisitRecorded
from tests.workflows.harness import Recorder, actor, harness
from tests.workflows.test_service import complete, near
from workflows import search_attributes as sa
from workflows.revisit import RevisitWorkflow

POLICY = ProjectPolicy(revisit=RevisitPolicy(assignee="customer_service"))
HISTORIES = Path(__file__).parent / "histories" / "service"



async def test_customer_service_owe_the_revisit_are_chased_when_late_and_record_it(own_skip_env):
    skip_env = own_skip_env  # weeks are skipped: a server of its own
    service = actor(Role.customer_service, department="sales")
    async with harness(skip_env, Recorder(policy=POLICY)) as h:
        project = await h.start(POLICY)
        await complete(h, project)
        pid = project.id.removeprefix("project-")
        subject = f"revisit:{pid}"
        revisit = h.client.get_workflow_handle(f"revisit-{pid}")
        await revisit.execute_update(RevisitWorkflow.sync, Command(actor=h.agent))
        state = await revisit.query(RevisitWorkflow.state)
        assert state.assignee_role == Role.customer_service
        cal = calendar_for(POLICY.calendar, state.calendar)

        now = (await h.env.get_current_time()).astimezone(UTC)
        await skip_env.sleep(state.opens_at - now + timedelta(minutes=1))
        (opened,) = h.rec.of(subject, "revisit_opened")
        due = cal.add_working_days(state.opens_at - timedelta(seconds=1), 5)
        assert near(opened.at, state.opens_at)
        assert opened.data == {"assignee_role": "customer_service", "due_at": due.isoformat()}
        (assigned,) = [n for n in h.rec.notes if n.key == "notify.assigned.revisit"]
        assert (assigned.to_role, assigned.to_user_id, assigned.department) == (Role.customer_service, None, "sales")
        assert (await revisit.query(RevisitWorkflow.state)).task.due_at == due

        await skip_env.sleep(due - state.opens_at + timedelta(days=5))
        chased = [(s.kind, s.data.get("to_role")) for s in h.rec.steps if s.project_id == subject]
        assert chased[-3:] == [("reminder", "customer_service"), ("escalation", "dept_head"),
                               ("escalation", "executive")]  # fmt: skip
        sent = [(n.key, n.to_role, n.to_user_id) for n in h.rec.notes if n.key != "notify.assigned.revisit"
                and n.params.get("project_id") == pid and n.key.startswith(("notify.reminder", "notify.escalation"))]
        assert sent[-3:] == [("notify.reminder", Role.customer_service, None),
                             ("notify.escalation", Role.dept_head, None),
                             ("notify.escalation", Role.executive, None)]  # fmt: skip
        assert (await revisit.describe()).typed_search_attributes.get(sa.OVERDUE) is True

        steps = len(h.rec.steps)
        with pytest.raises(WorkflowUpdateFailedError):
            await revisit.execute_update(RevisitWorkflow.submit, RevisitCommand(
                actor=h.agent, body=RevisitIn(rating=5, comments="by the agent")))  # fmt: skip
        assert len(h.rec.steps) == steps

        recorded = await revisit.execute_update(RevisitWorkflow.submit, RevisitCommand(
            actor=service, body=RevisitIn(rating=5, comments="满意", suggestions=["周末也能看房"])))  # fmt: skip
        assert isinstance(recorded, RevisitRecorded) and (recorded.rating, recorded.warning) == (5, False)
        (done,) = h.rec.of(subject, "revisit_done")
        (rated,) = h.rec.of(subject, "rated")
        assert done.actor == service and rated.data["agent_id"] == h.agent.user_id
        assert await revisit.result() is not None  # no later rounds by default: it ends

        if os.environ.get("JINDU_RECORD_HISTORIES"):  # the committed replay corpus
            history = await revisit.fetch_history()
            (HISTORIES / "v2_revisit_customer_service.json").write_text(history.to_json())
            kinds = sorted(set(h.rec.kinds(subject)))
            (HISTORIES / "v2_revisit_customer_service.steps.json").write_text(json.dumps(kinds) + "\n")
