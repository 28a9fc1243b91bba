"""What a person may do next (domain/allowed_actions.py), asked of the guards with literal
projects as their view shows them."""

from __future__ import annotations

from domain.allowed_actions import LIFECYCLE, ProjectFacts, allowed_actions, ask_guards, candidates, handovers, targets
from domain.models import Actor, Role, Stage

AGENT = Actor(user_id="u-agent", name="王芳", role=Role.agent, department="sales")
OTHER_AGENT = Actor(user_id="u-agent2", name="刘洋", role=Role.agent, department="sales")
HEAD = Actor(user_id="u-head", name="李强", role=Role.dept_head, department="sales")
OTHER_HEAD = Actor(user_id="u-head2", name="周杰", role=Role.dept_head, department="loans")
EXEC = Actor(user_id="u-exec", name="赵敏", role=Role.executive)
OPS = Actor(user_id="u-ops", name="运营小刘", role=Role.operations)
AUDITOR = Actor(user_id="u-aud", name="审计", role=Role.auditor)
CUSTOMER = Actor(user_id="u-cust", role=Role.customer)
EVERYONE = (AGENT, OTHER_AGENT, HEAD, OTHER_HEAD, EXEC, OPS, AUDITOR, CUSTOMER)
DUE = "2026-12-03T10:00:00+00:00"


def project(**fields) -> ProjectFacts:
    return ProjectFacts.model_validate({"id": "p1", "stage": "execution", "department": "sales",
                                        "agent_id": AGENT.user_id, "customer_user_id": CUSTOMER.user_id} | fields)


def pending(kind: str, role: str, **fields) -> dict:
    return {"kind": kind, "role": role, "department": "sales"} | fields


def by_person(view: ProjectFacts) -> dict[str, list[str]]:
    return {p.user_id: allowed_actions(view, p) for p in EVERYONE}


def test_the_assessment_is_the_projects_agents_alone():
    view = project(stage="assessment", pending=pending("assessment", "agent", user_id=AGENT.user_id))
    assert by_person(view) == {
        AGENT.user_id: ["assessment", "risk_add", "risk_update"], OTHER_AGENT.user_id: [],
        HEAD.user_id: ["risk_add", "risk_update"], OTHER_HEAD.user_id: [], EXEC.user_id: [],
        OPS.user_id: ["reassign", "extend", "cancel"], AUDITOR.user_id: [], CUSTOMER.user_id: [],
    }  # fmt: skip


def test_an_approval_waits_on_its_level_of_its_department_and_operations_may_decide_for_it():
    view = project(stage="initiation_approval", pending=pending("approval", "dept_head", gate="initiation"))
    assert allowed_actions(view, HEAD)[0] == "decision"
    assert "decision" not in allowed_actions(view, OTHER_HEAD)
    assert "decision" not in allowed_actions(view, EXEC)
    assert allowed_actions(view, OPS) == ["decide_for", "reassign", "extend", "cancel"]
    to_exec = project(stage="initiation_approval", pending=pending("approval", "executive", gate="initiation"))
    assert allowed_actions(to_exec, EXEC) == ["decision"]
    assert "decision" not in allowed_actions(to_exec, HEAD)
    assigned = project(stage="plan_approval", pending=pending("approval", "dept_head", gate="plan",
                                                              user_id="u-head3"))  # fmt: skip
    assert "decision" not in allowed_actions(assigned, HEAD)  # handed to another head


def test_reports_in_execution_and_rectification_results_once_no_blocking_task_is_open():
    assert allowed_actions(project(), AGENT) == ["report", "results", "risk_add", "risk_update"]
    assert allowed_actions(project(), OTHER_AGENT) == []
    task = {"id": "p1-t1", "source": "review_rejection", "owner_user_id": AGENT.user_id, "owner_role": "agent",
            "department": "sales", "status": "open"}  # fmt: skip
    blocked = project(stage="rectification", pending=pending("rectification", "agent"), tasks=[task])
    assert allowed_actions(blocked, AGENT) == ["report", "risk_add", "risk_update", "task:p1-t1"]
    done = project(stage="rectification", pending=pending("rectification", "agent"), tasks=[task | {"status": "done"}])
    assert allowed_actions(done, AGENT) == ["results", "report", "risk_add", "risk_update"]


def test_the_acceptance_is_the_customers_or_without_an_account_the_agents():
    view = project(stage="customer_acceptance", pending=pending("acceptance", "customer", user_id=CUSTOMER.user_id))
    assert allowed_actions(view, CUSTOMER) == ["acceptance"]
    assert "acceptance" not in allowed_actions(view, AGENT)
    assert allowed_actions(view, OPS) == ["extend", "cancel"]  # a customer's answer: more time only
    signed = project(stage="customer_acceptance", customer_user_id=None, pending=pending("acceptance", "agent"))
    assert allowed_actions(signed, AGENT)[0] == "acceptance"


def test_the_cause_analysis_is_the_departments_heads_or_whom_it_was_handed_to():
    warned = project(warning={"active": True, "cause": None, "analysis_due_at": DUE})
    assert "warning_analysis" in allowed_actions(warned, HEAD)
    assert "warning_analysis" not in allowed_actions(warned, OTHER_HEAD)
    handed = project(warning={"active": True, "analysis_due_at": DUE, "analysis_user_id": OTHER_HEAD.user_id})
    assert "warning_analysis" in allowed_actions(handed, OTHER_HEAD)
    assert "warning_analysis" not in allowed_actions(handed, HEAD)
    analysed = project(warning={"active": True, "cause": "people"})
    assert "warning_analysis" not in allowed_actions(analysed, HEAD)


def test_ended_projects_offer_nothing_but_the_disposal_once():
    for stage in ("completed", "declined", "cancelled"):
        view = project(stage=stage)
        assert {p.user_id: allowed_actions(view, p) for p in EVERYONE if p != OPS} == {
            p.user_id: [] for p in EVERYONE if p != OPS
        }
        assert allowed_actions(view, OPS) == ["dispose"]
        disposed = project(stage=stage, history=[{"kind": "intake"}, {"kind": "customer_data_disposed"}])
        assert allowed_actions(disposed, OPS) == []
    assert allowed_actions(project(stage="archiving"), OPS) == []
    assert allowed_actions(project(stage="archiving"), AGENT) == []


def test_every_open_wait_is_a_target_and_goes_to_the_same_role():
    view = project(
        stage="rectification", pending=pending("rectification", "agent"),
        warning={"active": True, "analysis_due_at": DUE},
        tasks=[{"id": "p1-t1", "source": "review_rejection", "owner_user_id": AGENT.user_id, "owner_role": "agent",
                "department": "sales"},
               {"id": "p1-t2", "source": "progress_warning", "owner_user_id": EXEC.user_id,
                "owner_role": "executive", "status": "done"}],
    )  # fmt: skip
    assert targets(view) == ["pending", "warning_analysis", "task:p1-t1"]
    assert candidates(Role.agent, "sales") == (Role.agent, "sales")
    assert candidates(Role.executive, "sales") == (Role.executive, None)
    assert allowed_actions(view, OPS) == ["reassign", "extend", "cancel"]
    assert "task:p1-t1" in allowed_actions(view, AGENT) and "task:p1-t1" not in allowed_actions(view, OTHER_AGENT)


def test_the_view_may_be_any_object_with_the_fields():
    """The API passes its ProjectView; pages and tests pass its JSON."""
    as_json = {"id": "p1", "stage": "planning", "department": "sales", "agent_id": AGENT.user_id,
               "pending": pending("plan", "agent"), "budget": "100", "history": []}  # fmt: skip
    assert allowed_actions(as_json, AGENT) == ["plan", "risk_add", "risk_update"]
    assert allowed_actions(project(**as_json), AGENT) == allowed_actions(as_json, AGENT)


def test_the_lifecycle_runs_from_intake_to_completion():
    assert LIFECYCLE[0] == Stage.intake and LIFECYCLE[-1] == Stage.completed
    assert not {Stage.declined, Stage.cancelled, Stage.terminated} & set(LIFECYCLE)
    assert allowed_actions(project(stage="terminated"), OPS) == ["dispose"]


def test_operations_may_hand_over_every_wait_but_a_customers_answer():
    view = project(stage="customer_acceptance", pending=pending("acceptance", "customer", user_id=CUSTOMER.user_id),
                   tasks=[{"id": "p1-t1", "source": "complaint", "owner_user_id": AGENT.user_id,
                           "owner_role": "agent"}])  # fmt: skip
    assert handovers(view, OPS) == {"pending": False, "task:p1-t1": True}
    assert handovers(view, HEAD) == {}
    assert handovers(project(stage="cancelled"), OPS) == {}


def test_parts_a_view_withholds_count_as_empty():
    view = {"id": "p1", "stage": "customer_acceptance", "department": "sales", "agent_id": AGENT.user_id,
            "customer_user_id": CUSTOMER.user_id, "pending": pending("acceptance", "customer"), "warning": None,
            "tasks": None, "history": None}  # fmt: skip
    assert allowed_actions(view, CUSTOMER) == ["acceptance"]


def test_answers_are_kept_by_every_fact_and_the_reader_but_not_the_project_id():
    view = project(stage="assessment", pending=pending("assessment", "agent", user_id=AGENT.user_id))
    first = by_person(view)
    assert by_person(project(**{**view.model_dump(), "id": "p2"})) == first == {p.user_id: ask_guards(view, p)
                                                                               for p in EVERYONE}  # fmt: skip
    planning = project(**{**view.model_dump(), "stage": "planning"})
    assert allowed_actions(planning, AGENT) == ["plan", "risk_add", "risk_update"] == ask_guards(planning, AGENT)
    namesake = AGENT.model_copy(update={"user_id": OTHER_AGENT.user_id})  # the agent's name, another person
    assert allowed_actions(view, namesake) == ask_guards(view, namesake) == []
    ended = project(stage="cancelled")
    assert allowed_actions(ended, OPS) == ["dispose"]
    assert allowed_actions(project(stage="cancelled", history=[{"kind": "customer_data_disposed"}]), OPS) == []
