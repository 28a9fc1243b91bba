"""The condition language of process templates (issue 15): `amount > 50000`,
`department == "sales" and kind in ["travel", "meal"]`.

A company writes these in its own templates, so they are data, never code: an expression is
parsed with `ast` and every node checked against a short list (comparisons, and/or/not,
+ - * /, names, literals, lists), and only then evaluated by simpleeval with no functions
and only the form's values and the applicant as names. Attribute access, calls, subscripts,
lambdas and comprehensions are refused before anything runs, so `__import__("os")` or
`().__class__` is a template error, not an escape.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from typing import Any

from simpleeval import EvalWithCompoundTypes, InvalidExpression  # type: ignore[import-untyped]

from domain.text import UNSTORABLE

MAX_CHARS = 500
MAX_NODES = 100
# Names every condition may use besides the form's keys (a form may not reuse them).
APPLICANT_NAMES = ("applicant", "applicant_role", "department")

_ALLOWED: tuple[type[ast.AST], ...] = (
    ast.Expression, ast.BoolOp, ast.And, ast.Or, ast.UnaryOp, ast.Not, ast.USub, ast.UAdd, ast.Compare,
    ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn, ast.BinOp, ast.Add, ast.Sub,
    ast.Mult, ast.Div, ast.Name, ast.Load, ast.Constant, ast.List, ast.Tuple,
)  # fmt: skip


class ConditionError(ValueError):
    """An expression outside the language, or naming something the process does not have."""


def check(expression: str, names: Iterable[str]) -> None:
    """Refuse an expression that is not in the language or uses an unknown name."""
    if len(expression) > MAX_CHARS:
        raise ConditionError(f"a condition has at most {MAX_CHARS} characters")
    if UNSTORABLE.search(expression):
        raise ConditionError("a condition contains a character that cannot be stored")
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except (SyntaxError, ValueError) as err:
        raise ConditionError(f"not an expression: {getattr(err, 'msg', err)}") from None
    known = set(names)
    nodes = list(ast.walk(tree))
    if len(nodes) > MAX_NODES:
        raise ConditionError("a condition is too long")
    for node in nodes:
        if not isinstance(node, _ALLOWED):
            raise ConditionError(f"{type(node).__name__.lower()} is not allowed in a condition")
        if isinstance(node, ast.Constant) and not isinstance(node.value, (str, int, float, bool, type(None))):
            raise ConditionError("only numbers, text, true/false and None are allowed as values")
        if isinstance(node, ast.Name) and node.id not in known:
            raise ConditionError(f'unknown name "{node.id}"')


def evaluate(expression: str, values: Mapping[str, Any]) -> bool:
    """The expression's truth for these values; a comparison that cannot be made (an empty
    optional field) is False."""
    check(expression, values.keys())
    evaluator = EvalWithCompoundTypes(names=dict(values), functions={})
    try:
        return bool(evaluator.eval(expression.strip()))
    except (TypeError, ArithmeticError, InvalidExpression):
        return False  # simpleeval's own limits (a string grown too long) count as not met
