"""Process templates as data (issue 15): valid and invalid templates with their error paths,
and the condition language, escapes included."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from domain.process_conditions import ConditionError, check, evaluate
from domain.process_template import TemplateInvalid, parse
from tests.domain.process_data import EXPENSE

SHIPPED = sorted((Path(__file__).parents[2] / "processes").glob("*.json"))


def errors(data: dict) -> list[str]:  # type: ignore[type-arg]
    with pytest.raises(TemplateInvalid) as err:
        parse(data)
    return err.value.errors


def with_node(i: int, **node: object) -> dict:  # type: ignore[type-arg]
    nodes = [dict(n) for n in EXPENSE["nodes"]]
    nodes[i] = {**nodes[i], **node}
    return {**EXPENSE, "nodes": nodes}


def test_a_valid_template_gets_ids_and_defaults():
    t = parse({**EXPENSE, "nodes": [{"type": "approval", "approvers": [{"role": "dept_head"}]}]})
    assert t.nodes[0].id == "n1" and t.nodes[0].mode == "any" and t.nodes[0].timeout == "remind"
    assert t.version == 0 and "agent" in t.starters


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_shipped_template_is_valid(path):
    t = parse(json.loads(path.read_text("utf-8")))
    assert t.key == path.stem


@pytest.mark.parametrize(("data", "expected"), [
    (with_node(3, approvers=[{"role": "hr"}]), 'nodes[3].approvers: unknown role "hr"'),
    (with_node(0, approvers=[]), "nodes[0].approvers: List should have at least 1 item after validation, not 0"),
    (with_node(0, approvers=[{"role": "agent", "level": 1}]),
     "nodes[0].approvers[0]: an approver is one of role, level, user, department_head or person_field"),
    (with_node(0, mode="majority"), "nodes[0].mode: Input should be 'all', 'any' or 'sequence'"),
    (with_node(0, sla={"working_days": 1, "minutes": 5}),
     "nodes[0].sla: a deadline is one of working_days, working_hours or minutes"),
    (with_node(0, sla=None, timeout="auto_reject"), "nodes[0]: sla: escalation and timeout need a deadline"),
    (with_node(2, when="amount >"), "nodes[2].when: not an expression: invalid syntax"),
    (with_node(2, when="salary > 5"), 'nodes[2].when: unknown name "salary"'),
    (with_node(2, **{"else": "head"}), 'nodes[2].else: "head" is not a node after this one'),
    (with_node(1, id="head"), 'nodes[1].id: "head" is used twice'),
    (with_node(3, type="vote"), "nodes[3]: Input tag 'vote' found using 'type' does not match any of the expected "
                                "tags: 'approval', 'task', 'condition', 'cc'"),
    ({**EXPENSE, "key": "Bad Key"}, "key: String should match pattern '^[a-z][a-z0-9_-]{1,63}$'"),
    ({**EXPENSE, "form": [{"key": "kind", "label": "类别", "type": "choice"}]},
     "form[0]: options: a choice field needs options, and only a choice field has them"),
    ({**EXPENSE, "nodes": [{"type": "cc", "approvers": [{"role": "executive"}]}]},
     "nodes: a process needs at least one approval or task"),
    (with_node(0, approvers=[{"person_field": "purpose"}]),
     'nodes[0].approvers[0]: "purpose" is not a person field of the form'),
])  # fmt: skip
def test_an_invalid_template_says_which_node_and_why(data, expected):
    assert expected in errors(data)


def test_a_task_cannot_be_approved_by_the_clock():
    task = {"type": "task", "approvers": [{"role": "agent"}], "sla": {"working_days": 1}, "timeout": "auto_approve"}
    assert errors({**EXPENSE, "nodes": [task]}) == ["nodes[0]: timeout: a task is not decided by the clock"]


# --------------------------------------------------------------------------- the condition language

VALUES = {"amount": Decimal("60000"), "kind": "travel", "department": "sales", "applicant": "Wang",
          "applicant_role": "agent", "note": None}  # fmt: skip


@pytest.mark.parametrize(("expression", "expected"), [
    ("amount > 50000", True),
    ("amount > 50000 and department == 'sales'", True),
    ('kind in ["meal", "travel"] and not applicant_role == "executive"', True),
    ("amount * 2 <= 100000 or department != 'sales'", False),
    ("-amount < 0", True),
    ("note > 5", False),  # an empty optional field compares as false, not as an error
    ("amount / 0 > 1", False),
])  # fmt: skip
def test_conditions_evaluate_on_the_form_and_the_applicant(expression, expected):
    assert evaluate(expression, VALUES) is expected


@pytest.mark.parametrize(("expression", "message"), [
    ('__import__("os").system("true")', "call is not allowed"),
    ("().__class__.__bases__[0].__subclasses__()", "call is not allowed"),
    ("amount.__class__", "attribute is not allowed"),
    ("kind[0] == 't'", "subscript is not allowed"),
    ("(lambda: 1)()", "call is not allowed"),
    ("[x for x in [1]]", "listcomp is not allowed"),
    ("open('/etc/passwd')", "call is not allowed"),
    ("eval('1')", "call is not allowed"),
    ("amount ** 999999999", "pow is not allowed"),
    ("(amount := 1)", "namedexpr is not allowed"),
    ("b'x' == b'x'", "only numbers, text, true/false and None are allowed as values"),
    ("x" * 600, "a condition has at most 500 characters"),
    ("secret == 1", 'unknown name "secret"'),
    ("amount >", "not an expression"),
])  # fmt: skip
def test_attempts_to_escape_the_language_are_refused_before_anything_runs(expression, message):
    with pytest.raises(ConditionError) as err:
        check(expression, VALUES)
    assert message in str(err.value)
    with pytest.raises(ConditionError):
        evaluate(expression, VALUES)


def test_a_condition_with_a_nul_character_is_a_template_error_not_a_crash():
    with pytest.raises(ConditionError, match="cannot be stored"):
        check("amount > 1\x00", VALUES)


@pytest.mark.parametrize("value", ["NaN", "1e999999", "-0.001", "12.345", "abc", [1], {"a": 1}, True, "1E-999999"])
def test_form_numbers_out_of_the_ordinary_are_refused_by_field(value):
    from domain.errors import Invalid
    from domain.process_form import check_form
    from domain.process_template import FormField

    with pytest.raises(Invalid, match="form.amount"):
        check_form([FormField(key="amount", label="金额", type="money")], {"amount": value})
