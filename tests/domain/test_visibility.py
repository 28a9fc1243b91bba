"""One view policy (domain/visibility.py): what each role sees of a project and its history,
checked on literal steps."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from domain.models import Role
from domain.visibility import EVERY_PART, ViewPart, history_seen, offered_results, parts_seen, withheld


@dataclass
class S:
    kind: str
    data: dict[str, Any] = field(default_factory=dict)
    comment: str = ""


# A project rejected once at review, accepted on the second submission; with a risk, a
# budget, warnings, reminders to staff and to the customer, and an audit finding's task.
HISTORY = [
    S("intake", {"channel": "visit", "business_type": "loan"}),
    S("assessment", {"in_scope": True, "risk_level": "high", "budget": "88000.00", "difficulty": "low"}, "预算紧"),
    S("stage_changed", {"from": "assessment", "to": "initiation_approval"}),
    S("decision", {"gate": "initiation", "level": "dept_head", "decision": "approve"}, "同意"),
    S("plan_submitted", {"goals": "放款", "milestones": [{"name": "审批", "due_date": "2026-12-20"}],
                         "responsibilities": "王", "resources": "预算 88000"}),
    S("risk_added", {"risk_id": "r1", "level": "high", "description": "银行可能拒贷", "measures": "预审"}),
    S("weekly_report", {"progress": "在办", "next_week_plan": "面签"}),
    S("results_submitted", {"summary": "第一稿", "submission": 1, "attachments": ["a.pdf"]}),
    S("stage_changed", {"from": "execution", "to": "result_review"}),
    S("decision", {"gate": "result_review", "level": "dept_head", "decision": "reject"}, "缺少按揭条款"),
    S("stage_changed", {"from": "result_review", "to": "rectification"}),
    S("task_created", {"task_id": "t1", "source": "review_rejection", "owner_id": "u1", "owner_role": "agent",
                       "department": "d", "due_at": "2026-12-10T10:00:00+08:00"}, "缺少按揭条款"),
    S("reminder", {"what": "task", "task_id": "t1", "due_at": "2026-12-10T10:00:00+08:00", "to_role": "agent"}),
    S("escalation", {"what": "task", "due_at": "2026-12-10T10:00:00+08:00", "to_role": "dept_head"}),
    S("kpis_updated", {"completion_rate": 50.0}),
    S("warning_raised", {"reasons": ["completion 50% < 80%"]}),
    S("results_submitted", {"summary": "第二稿", "submission": 2, "attachments": ["b.pdf"],
                            "completed_milestones": ["审批"], "milestones_done": {"审批": "2026-12-01"}}),
    S("stage_changed", {"from": "rectification", "to": "result_review"}),
    S("decision", {"gate": "result_review", "level": "dept_head", "decision": "approve"}, "可以"),
    S("stage_changed", {"from": "result_review", "to": "customer_acceptance"}),
    S("reminder", {"what": "acceptance", "due_at": "2026-12-12T18:00:00+08:00", "to_role": "customer"}),
    S("objection", {"objections": 1}),
    S("task_created", {"task_id": "t2", "source": "customer_objection", "owner_id": "u1", "owner_role": "agent",
                       "department": "d", "due_at": "2026-12-15T10:00:00+08:00"}, "利率写错了"),
    S("task_created", {"task_id": "t3", "source": "audit_finding", "owner_id": "u1", "owner_role": "agent",
                       "department": "d", "due_at": "2026-12-15T10:00:00+08:00"}, "内审：档案缺页"),
    S("results_submitted", {"summary": "第三稿", "submission": 3}),
    S("stage_changed", {"from": "rectification", "to": "customer_acceptance"}),
    S("accepted", {"rating": 4}, "谢谢"),
    S("archived", {"bundle_id": "b-1", "keywords": ["loan"]}),
    S("cancelled", {}, "客户不配合"),
    S("reset", {}),
    S("some_future_kind", {"secret": 1}),
]


@pytest.mark.parametrize("role", [r for r in Role if r != Role.customer])
def test_staff_and_auditors_see_every_part_and_every_step(role):
    assert parts_seen(role) == EVERY_PART and withheld(role) == []
    seen = history_seen(role, HISTORY)
    assert [(s.step, s.data, s.comment) for s in seen] == [(h, h.data, h.comment) for h in HISTORY]


def test_a_customer_sees_no_internal_part():
    assert parts_seen(Role.customer) == frozenset()
    assert withheld(Role.customer) == list(ViewPart)
    for part in ("assessment", "approvals", "kpis", "warning", "risks", "deadlines", "tasks", "reports"):
        assert ViewPart(part) in withheld(Role.customer)


def test_a_customer_sees_only_the_steps_about_them():
    seen = [(s.step.kind, s.data, s.comment) for s in history_seen(Role.customer, HISTORY)]
    assert seen == [
        ("intake", {"channel": "visit", "business_type": "loan"}, ""),
        ("stage_changed", {"from": "assessment", "to": "initiation_approval"}, ""),
        ("stage_changed", {"from": "execution", "to": "result_review"}, ""),
        ("stage_changed", {"from": "result_review", "to": "rectification"}, ""),
        # the second submission is what the review passed on; the first was sent back
        ("results_submitted", {"summary": "第二稿", "attachments": ["b.pdf"], "completed_milestones": ["审批"],
                               "milestones_done": {"审批": "2026-12-01"}}, ""),
        ("stage_changed", {"from": "rectification", "to": "result_review"}, ""),
        ("stage_changed", {"from": "result_review", "to": "customer_acceptance"}, ""),
        ("reminder", {"what": "acceptance", "due_at": "2026-12-12T18:00:00+08:00"}, ""),
        ("objection", {"objections": 1}, ""),
        ("task_created", {"source": "customer_objection"}, "利率写错了"),
        ("results_submitted", {"summary": "第三稿"}, ""),
        ("stage_changed", {"from": "rectification", "to": "customer_acceptance"}, ""),
        ("accepted", {"rating": 4}, "谢谢"),
        ("archived", {}, ""),
        ("cancelled", {}, ""),
    ]


def test_nothing_internal_reaches_a_customer():
    text = repr([(s.step.kind, s.data, s.comment) for s in history_seen(Role.customer, HISTORY)])
    for internal in ("88000", "预算紧", "缺少按揭条款", "银行可能拒贷", "risk", "decision", "warning", "kpis",
                     "escalation", "dept_head", "第一稿", "内审", "客户不配合", "submission", "secret", "reset",
                     "weekly_report", "task_id", "owner", "b-1"):
        assert internal not in text, internal


def test_results_are_offered_when_the_project_moves_to_acceptance():
    assert offered_results([S("results_submitted"), S("stage_changed", {"to": "result_review"})]) == set()
    assert offered_results([S("results_submitted"), S("stage_changed", {"to": "customer_acceptance"})]) == {0}
    # sent back, resubmitted, then passed: only the second
    steps = [S("results_submitted"), S("stage_changed", {"to": "rectification"}), S("results_submitted"),
             S("decision"), S("stage_changed", {"to": "customer_acceptance"})]
    assert offered_results(steps) == {2}
    assert offered_results([S("stage_changed", {"to": "customer_acceptance"})]) == set()
