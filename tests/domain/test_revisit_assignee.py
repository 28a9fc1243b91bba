"""Who a revisit is for (issue 14; 003 四, 4.1, 4.3 route after-sales through 客服): with
`revisit.assignee` customer_service, each round goes to customer service of the project's
department (or the whole company), by role like a complaint, reminded and escalated to the
dept_head and the executive as the agent's; the rating still counts for the project's agent.
Literal dates (docs/service.md §Revisits): completed Wed 30 Sep 2026, opens Sat 10 Oct 18:00,
due Fri 16 Oct 18:00."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from domain import revisits
from domain.errors import Forbidden
from domain.models import Actor, Role
from domain.policy import ProjectPolicy, RevisitPolicy
from domain.service_models import RevisitStatus
from tests.domain.lifecycle_data import AGENT, HEAD, at, ctx
from tests.domain.lifecycle_data import utc_due as due
from tests.domain.service_data import WED_SEP_30, kinds, notices, revisit, revisited

SERVICE = ProjectPolicy(revisit=RevisitPolicy(assignee="customer_service"))
CS_SALES = Actor(user_id="u-zhou", name="Zhou Min", role=Role.customer_service, department="sales")
CS_COMPANY = Actor(user_id="u-sun", name="Sun Li", role=Role.customer_service, department=None)
CS_LOANS = Actor(user_id="u-qian", name="Qian Hui", role=Role.customer_service, department="loans")
DUE = "2026-10-16T10:00:00+00:00"  # Friday 16 October 18:00 in Shanghai, as a step records it
OTHER_AGENT = Actor(user_id="u-other", name="Other", role=Role.agent, department="sales")


def scheduled(policy: ProjectPolicy = SERVICE, follow_up: bool = False):  # type: ignore[no-untyped-def]
    return revisits.schedule(revisit(), ctx(WED_SEP_30, policy), follow_up, False,
                             revisits.for_customer_service(policy)).state  # fmt: skip


def opened(policy: ProjectPolicy = SERVICE):  # type: ignore[no-untyped-def]
    return revisits.tick(scheduled(policy), ctx(due(2026, 10, 10), policy)).state


def test_the_policy_says_agent_by_default_and_accepts_customer_service_only_besides():
    assert ProjectPolicy().revisit.assignee == "agent" and not revisits.for_customer_service(ProjectPolicy())
    policy = ProjectPolicy.model_validate({"revisit": {"assignee": "customer_service"}})
    assert revisits.for_customer_service(policy)
    with pytest.raises(ValidationError):
        ProjectPolicy.model_validate({"revisit": {"assignee": "dept_head"}})


def test_a_revisit_for_customer_service_has_no_single_assignee_until_and_after_it_opens():
    s = scheduled()
    assert s.assignee_role == Role.customer_service
    assert (s.read_view()["assignee_role"], s.read_view()["assignee_user_id"]) == ("customer_service", None)
    agent = scheduled(ProjectPolicy())
    assert (agent.read_view()["assignee_role"], agent.read_view()["assignee_user_id"]) == ("agent", AGENT.user_id)


def test_it_opens_for_customer_service_of_the_department_with_its_deadline():
    out = revisits.tick(scheduled(), ctx(due(2026, 10, 10)))
    task = out.state.task
    assert (task.role, task.user_id, task.department, task.due_at) == (
        Role.customer_service, None, "sales", due(2026, 10, 16))
    assert kinds(out) == ["revisit_opened"]
    assert out.steps[0].data == {"assignee_role": "customer_service", "due_at": DUE}
    assert notices(out) == [("notify.assigned.revisit", Role.customer_service, None)]
    assert out.notices[0].department == "sales" and out.notices[0].params["due_at"] == due(2026, 10, 16)


def test_the_agents_revisit_opens_as_before():
    out = revisits.tick(scheduled(ProjectPolicy()), ctx(due(2026, 10, 10)))
    assert out.steps[0].data == {"assignee_id": AGENT.user_id, "due_at": DUE}
    assert notices(out) == [("notify.assigned.revisit", Role.agent, AGENT.user_id)]


def test_a_missed_revisit_of_customer_service_is_reminded_then_escalated_to_the_dept_head_and_the_executive():
    out = revisits.tick(opened(), ctx(due(2026, 10, 16)))
    assert notices(out) == [("notify.reminder", Role.customer_service, None)]
    out = revisits.tick(out.state, ctx(due(2026, 10, 19)))
    assert notices(out) == [("notify.escalation", Role.dept_head, None)]
    assert out.steps[0].data["assignee"] == "customer_service"
    out = revisits.tick(out.state, ctx(due(2026, 10, 20)))
    assert notices(out) == [("notify.escalation", Role.executive, None)]
    assert out.state.is_overdue() and revisits.next_due(out.state, ctx(due(2026, 10, 20))) is None


@pytest.mark.parametrize(("who", "may"), [
    (CS_SALES, True), (CS_COMPANY, True), (CS_LOANS, False), (AGENT, False), (HEAD, False)])  # fmt: skip
def test_customer_service_of_the_department_or_the_company_is_the_assignee(who: Actor, may: bool):
    assert revisits.is_assignee(Role.customer_service, None, "sales", who) is may


@pytest.mark.parametrize(("who", "may"), [(AGENT, True), (OTHER_AGENT, False), (CS_SALES, False), (HEAD, False)])
def test_the_agent_alone_is_the_assignee_of_an_agents_revisit(who: Actor, may: bool):
    assert revisits.is_assignee(Role.agent, AGENT.user_id, "sales", who) is may


def test_the_agent_may_not_record_customer_services_revisit():
    s = opened()
    for who in (AGENT, CS_LOANS):
        with pytest.raises(Forbidden) as refused:
            revisits.record(s, revisited(by=who), ctx(at(2026, 10, 12)))
        assert refused.value.key == "revisit_customer_service"
        assert refused.value.params == {"project_id": "flat-001", "department": "sales"}
    assert s.status == RevisitStatus.open


def test_customer_service_records_it_and_the_rating_counts_for_the_projects_agent():
    out = revisits.record(opened(), revisited(2, CS_COMPANY), ctx(at(2026, 10, 12)))
    assert out.state.status == RevisitStatus.done
    assert kinds(out) == ["revisit_done", "rated", "satisfaction_warning"]
    assert out.steps[0].actor == CS_COMPANY
    assert (out.steps[1].data["agent_id"], out.steps[2].data["agent_id"]) == (AGENT.user_id, AGENT.user_id)


def test_customer_service_may_record_it_before_it_opens():
    out = revisits.record(scheduled(), revisited(5, CS_SALES), ctx(at(2026, 10, 9)))
    assert (out.state.status, out.state.task, out.state.opens_at) == (RevisitStatus.done, None, at(2026, 10, 9))


def test_every_later_round_is_customer_services_too():
    policy = ProjectPolicy(revisit=RevisitPolicy(assignee="customer_service", later_days=[30]))
    s = revisits.tick(scheduled(policy, follow_up=True), ctx(due(2026, 10, 10), policy)).state
    s = revisits.record(s, revisited(5, CS_SALES), ctx(at(2026, 10, 12), policy)).state
    assert (s.round, s.status, s.opens_at) == (2, RevisitStatus.scheduled, due(2026, 10, 30))
    out = revisits.tick(s, ctx(due(2026, 10, 30), policy))
    assert (out.state.task.role, out.state.task.user_id) == (Role.customer_service, None)
    assert notices(out) == [("notify.assigned.revisit", Role.customer_service, None)]
