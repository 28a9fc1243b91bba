"""Process rules with literal data (issue 15): approver resolution, 会签/或签/依次, reject,
return, withdraw, transfer, add-signer, urge, comment, tasks, and timeouts."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.errors import Forbidden, Invalid, WrongStage
from domain.models import Actor, Role
from domain.process_clock import next_due, tick
from domain.process_conditions import evaluate
from domain.process_models import ProcessActionIn, ProcessStatus
from domain.process_people import above, resolve
from domain.process_template import Approver
from tests.domain.lifecycle_data import AGENT, BOSS, HEAD, MONDAY, OPS, OTHER_HEAD, at, ctx
from tests.domain.process_data import (
    AUDITOR,
    CLERK,
    EXPENSE,
    FINANCE,
    LEGAL,
    PEOPLE,
    do,
    flow,
    kinds,
    started,
    template,
)


def test_approvers_resolve_against_the_applicant():
    def slot(**a: object) -> tuple[str, str | None, str | None]:
        s = resolve(Approver(**a), "s1", AGENT, {"owner": "Sun Li"}, PEOPLE)  # type: ignore[arg-type]
        return s.role.value, s.department, s.user_id

    assert slot(role="dept_head") == ("dept_head", "sales", None)  # in the applicant's department
    assert slot(role="agent", department="finance") == ("agent", "finance", None)
    assert slot(role="executive") == ("executive", None, None)  # company-wide
    assert slot(level=1) == ("dept_head", "sales", None)
    assert slot(level=2) == ("executive", None, None)
    assert slot(user="Qian Yu") == ("dept_head", "finance", "u-qian")
    assert slot(department_head="legal") == ("dept_head", "legal", None)
    assert slot(person_field="owner") == ("agent", "finance", "u-sun")
    assert above(Role.dept_head, 1) == Role.executive and above(Role.executive, 2) == Role.executive
    with pytest.raises(Invalid, match='no user named "Nobody"'):
        resolve(Approver(user="Nobody"), "s1", AGENT, {}, PEOPLE)


def test_the_expense_flow_goes_head_then_finance_and_ends_under_the_threshold():
    f = flow()
    out = started(f)
    assert kinds(out) == ["process_started", "node_entered"]
    s = out.state
    assert s.current and s.current.node_id == "head" and s.current.due_at == at(2026, 11, 24, 18)
    told = [(n.to_role, n.department, n.key) for n in out.notices]
    assert told == [("dept_head", "sales", "process.assigned.approval")]
    with pytest.raises(Forbidden):
        do(f, s, OTHER_HEAD, "approve")  # heads another department
    s = do(f, s, HEAD, "approve", comment="同意").state
    assert s.current and s.current.node_id == "finance"
    out = do(f, s, FINANCE, "approve")
    assert kinds(out) == ["node_decided", "node_passed", "condition_evaluated", "process_ended"]
    assert out.state.status == ProcessStatus.completed and out.state.visited == ["head", "finance"]


def test_a_large_expense_goes_to_the_executive_too():
    f = flow(form={"amount": "80000.50", "purpose": "设备"})
    s = do(f, do(f, started(f).state, HEAD, "approve").state, FINANCE, "approve").state
    assert s.current and s.current.node_id == "boss" and s.current.due_at == MONDAY + timedelta(hours=4)


def nodes(mode: str, n: int = 3) -> dict:  # type: ignore[type-arg]
    approvers = [{"user": p.name} for p in (HEAD, FINANCE, LEGAL)][:n]
    return {**EXPENSE, "nodes": [{"id": "sign", "type": "approval", "approvers": approvers, "mode": mode}]}


def test_all_needs_every_approver_any_needs_one_sequence_goes_in_turn():
    f = flow(template(nodes("all")))
    s = started(f).state
    s = do(f, s, FINANCE, "approve").state
    assert s.status == ProcessStatus.running and {x.user_id for x in s.current.open_slots()} == {"u-li", "u-he"}
    s = do(f, do(f, s, HEAD, "approve").state, LEGAL, "approve").state
    assert s.status == ProcessStatus.completed

    f = flow(template(nodes("any")))
    assert do(f, started(f).state, LEGAL, "approve").state.status == ProcessStatus.completed

    f = flow(template(nodes("sequence")))
    s = started(f).state
    with pytest.raises(WrongStage, match="not waiting on Qian Yu"):
        do(f, s, FINANCE, "approve")
    out = do(f, s, HEAD, "approve")
    assert [n.to_user_id for n in out.notices] == ["u-qian"]  # the next in turn is told
    s = do(f, do(f, out.state, FINANCE, "approve").state, LEGAL, "approve").state
    assert s.status == ProcessStatus.completed


def test_a_rejection_needs_a_reason_and_ends_the_process():
    with pytest.raises(ValueError, match="a rejection needs a reason"):
        ProcessActionIn(action="reject")
    f = flow()
    out = do(f, started(f).state, HEAD, "reject", comment="票据不全")
    assert out.state.status == ProcessStatus.rejected and out.steps[0].comment == "票据不全"
    assert out.notices[-1].to_user_id == AGENT.user_id and out.notices[-1].key == "process.rejected"
    with pytest.raises(WrongStage):
        do(f, out.state, FINANCE, "approve")


def test_return_goes_back_to_a_passed_node_which_starts_afresh():
    f = flow()
    s = do(f, started(f).state, HEAD, "approve").state
    with pytest.raises(WrongStage, match="not one this process has passed"):
        do(f, s, FINANCE, "return", to_node="boss")
    out = do(f, s, FINANCE, "return", comment="请部门再核")
    assert kinds(out) == ["returned", "node_entered"] and out.state.current.node_id == "head"
    assert out.state.visited == [] and out.state.current.open_slots()[0].decision is None
    with pytest.raises(WrongStage, match="no earlier node"):
        do(f, out.state, HEAD, "return")


def test_withdraw_by_the_applicant_before_the_first_decision_only():
    f = flow()
    s = started(f).state
    with pytest.raises(Forbidden):
        do(f, s, HEAD, "withdraw")
    assert do(f, s, AGENT, "withdraw").state.status == ProcessStatus.withdrawn
    with pytest.raises(WrongStage, match="can no longer be withdrawn"):
        do(f, do(f, s, HEAD, "approve").state, AGENT, "withdraw")


def test_transfer_hands_the_slot_to_another_person():
    f = flow()
    s = started(f).state
    with pytest.raises(Invalid):
        do(f, s, HEAD, "transfer", to_user="Nobody")  # the API found nobody by that name
    out = do(f, s, HEAD, "transfer", CLERK, to_user="Sun Li")
    assert out.notices[0].to_user_id == "u-sun" and out.steps[0].data["to"] == "Sun Li"
    with pytest.raises(Forbidden):
        do(f, out.state, HEAD, "approve")
    assert do(f, out.state, CLERK, "approve").state.current.node_id == "finance"


def test_add_signer_before_decides_first_and_after_decides_after():
    f = flow()
    s = started(f).state
    out = do(f, s, HEAD, "add_signer", LEGAL, to_user="He Ping", position="before")
    s = out.state
    assert out.notices[0].to_user_id == "u-he"
    with pytest.raises(WrongStage):
        do(f, s, HEAD, "approve")  # the signer added before decides first
    s = do(f, s, LEGAL, "approve").state
    assert s.current.node_id == "head"
    s = do(f, s, HEAD, "add_signer", BOSS, to_user="Zhao Min", position="after").state
    s = do(f, s, HEAD, "approve").state
    assert s.current.node_id == "head"  # 或签: the head's place waits for the signer after him
    assert do(f, s, BOSS, "approve").state.current.node_id == "finance"


def test_urge_and_comment_are_recorded_and_told():
    f = flow()
    s = started(f).state
    out = do(f, s, AGENT, "urge", comment="急用")
    assert kinds(out) == ["urged"] and out.notices[0].kind == "reminder" and out.notices[0].department == "sales"
    with pytest.raises(Forbidden):
        do(f, s, FINANCE, "urge")
    assert kinds(do(f, s, AUDITOR, "comment", comment="已阅")) == ["commented"]
    assert kinds(do(f, s, OPS, "urge")) == ["urged"]
    with pytest.raises(Forbidden):
        do(f, s, CLERK, "comment", comment="?")


AUDIT = {
    "key": "audit-fix", "name": "审计发现整改", "starters": ["auditor"],
    "form": [{"key": "finding", "label": "发现", "type": "text", "required": True},
             {"key": "owner", "label": "责任人", "type": "person", "required": True}],
    "nodes": [
        {"id": "fix", "type": "task", "approvers": [{"person_field": "owner"}], "sla": {"working_days": 5},
         "fields": [{"key": "measures", "label": "整改措施", "type": "text", "required": True},
                    {"key": "evidence", "label": "证明材料", "type": "attachment"}]},
        {"id": "verify", "type": "approval", "approvers": [{"role": "auditor"}]},
    ],
}  # fmt: skip


def test_a_task_is_completed_with_its_fields_and_then_the_auditor_verifies():
    f = flow(template(AUDIT), form={"finding": "发票未核对", "owner": "Sun Li"}, applicant=AUDITOR)
    s = started(f).state
    assert s.current.slots[0].user_id == "u-sun"
    with pytest.raises(WrongStage, match="is a task"):
        do(f, s, CLERK, "approve")
    with pytest.raises(Invalid, match="fields.measures"):
        do(f, s, CLERK, "complete", fields={})
    out = do(f, s, CLERK, "complete", fields={"measures": "逐笔核对", "evidence": ["核对表.xlsx"]})
    assert out.steps[0].data["fields"] == {"measures": "逐笔核对", "evidence": ["核对表.xlsx"]}
    other_auditor = Actor(user_id="u-aud2", name="Wu", role=Role.auditor)
    assert do(f, out.state, other_auditor, "approve").state.status == ProcessStatus.completed


def test_a_timed_out_node_runs_its_timeout_action_then_its_chain():
    t = template(EXPENSE, nodes=[{**EXPENSE["nodes"][0], "timeout": "escalate",
                                  "escalation": [{"after_working_days": 1, "action": "remind"}]}, EXPENSE["nodes"][1]])
    f = flow(t)
    s = started(f).state
    due = next_due(f, s, ctx())
    assert due == at(2026, 11, 24, 18)
    out = tick(f, s, ctx(due))
    assert kinds(out) == ["node_timed_out"] and out.notices[0].to_role == "executive" and out.state.is_overdue()
    assert next_due(f, out.state, ctx()) == at(2026, 11, 25, 18)
    out = tick(f, out.state, ctx(at(2026, 11, 25, 18)))
    assert kinds(out) == ["node_escalated"] and out.notices[0].kind == "reminder"
    assert next_due(f, out.state, ctx()) is None


def test_auto_approve_and_auto_reject_decide_in_the_approvers_place():
    f = flow(form={"amount": "90000", "purpose": "x"})
    s = do(f, do(f, started(f).state, HEAD, "approve").state, FINANCE, "approve").state
    out = tick(f, s, ctx(MONDAY + timedelta(hours=4)))
    assert kinds(out) == ["node_timed_out", "node_passed", "process_ended"]
    assert out.state.status == ProcessStatus.completed
    t = template(EXPENSE, nodes=[{**EXPENSE["nodes"][0], "timeout": "auto_reject"}])
    out = tick(flow(t), started(flow(t)).state, ctx(at(2026, 11, 25, 9)))
    assert out.state.status == ProcessStatus.rejected


def test_a_condition_that_cannot_be_computed_is_false():
    assert evaluate("amount * 100000000 > 'x'", {"amount": 1}) is False
