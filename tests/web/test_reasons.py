"""Every refusal a person can meet reads as a sentence in their language (issue 17): each
domain error raised in domain/, jindu/, api/, web/ and workflows/ names its catalogue
sentence (`key=`, `refusal.reason.<key>` in Chinese and English) and passes every parameter
the sentence uses; a page retells it by that key, codes named in the reader's language."""

from __future__ import annotations

import ast
import string
from pathlib import Path

from domain.errors import Forbidden, Invalid
from jindu.i18n import catalogue
from tests.web.language_check import out_of_place
from web.errors import Problem
from web.reasons import known, sentence
from web.refusals import said

ROOT = Path(__file__).resolve().parents[2]
ERRORS = {"Unauthorized", "Forbidden", "NotFound", "WrongStage", "AlreadyDecided", "Conflict", "Invalid",
          "Unavailable", "JinduError", "Refused"}  # fmt: skip
WHERE = ("domain", "jindu", "api", "web", "workflows", "activities", "store")


def _name(func: ast.expr) -> str:
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _placeholders(key: str) -> set[str]:
    return {f for lang in ("zh", "en") for _, f, _, _ in string.Formatter().parse(catalogue(lang)[key]) if f}


def unkeyed(source: str, where: str) -> list[str]:
    """The errors made in `source` without a catalogue sentence, or without its parameters."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and _name(node.func) in ERRORS):
            continue
        given = {k.arg: k.value for k in node.keywords if k.arg}
        key = given.get("key")
        if len(node.args) > 1 and isinstance(node.args[1], ast.Constant):
            key = node.args[1]
        if not (isinstance(key, ast.Constant) and isinstance(key.value, str) and known(key.value)):
            found.append(f"{where}:{node.lineno}: no catalogue sentence ({ast.unparse(node)[:90]})")
            continue
        missing = _placeholders(f"refusal.reason.{key.value}") - set(given)
        if missing:
            found.append(f"{where}:{node.lineno}: {key.value} needs {sorted(missing)}")
    return found


def test_the_check_finds_a_refusal_with_no_sentence() -> None:
    assert unkeyed('raise Forbidden("not yours")', "x.py") == ['x.py:1: no catalogue sentence '
                                                               "(Forbidden('not yours'))"]  # fmt: skip
    assert unkeyed('raise errors.Invalid("x", key="no_such_reason")', "x.py")
    assert unkeyed('raise WrongStage("x", key="wrong_stage")', "x.py") == ["x.py:1: wrong_stage needs "
                                                                          "['project_id', 'stage', 'wanted']"]
    assert unkeyed('raise WrongStage("x", key="wrong_stage", project_id="p", stage="s", wanted="w")', "x") == []


def test_every_refusal_raised_has_its_sentence_in_both_languages() -> None:
    problems = []
    for top in WHERE:
        for path in sorted((ROOT / top).rglob("*.py")):
            where = str(path.relative_to(ROOT))
            if where != "domain/errors.py":
                problems += unkeyed(path.read_text(encoding="utf-8"), where)
    assert not problems, "\n".join(problems)


def _problem(err: Forbidden | Invalid, status: int, fields: dict[str, str] | None = None) -> Problem:
    return Problem(status, "", err.message, fields=fields or {}, key=err.key, params=err.params)


def test_a_keyed_refusal_reads_in_the_readers_language_with_codes_named() -> None:
    err = Forbidden("x", key="role_may", roles=["dept_head", "executive"], action="see appraisals", role="agent")
    assert said(_problem(err, 403), "zh") == "只有部门负责人、上级领导可以执行此操作，您的角色是业务人员。"
    english = "Only Department head or Executive may do this; you are signed in as Agent."
    assert said(_problem(err, 403), "en") == english
    heads = Forbidden("x", key="heads_other", who="李强", department="sales", theirs="loans")
    names = {"sales": "销售部", "loans": "贷款部"}
    assert said(_problem(heads, 403), "zh", names.__getitem__) == "李强 负责销售部，此事项属于贷款部。"
    future = Invalid("deal_date: in the future", key="in_future")
    assert said(_problem(future, 422, {"deal_date": "x"}), "zh") == "成交日期：不能晚于今天。"


def test_an_unkeyed_refusal_is_shown_as_the_api_gave_it() -> None:
    assert said(Problem(409, "", "something new", key="no_such_reason"), "zh") == "something new"


# A code for each parameter the sentences name by catalogue, a neutral value for the rest.
CODES = {"role": "agent", "mine": "executive", "roles": ["dept_head", "executive"], "needs": "dept_head",
         "stage": "execution", "wanted": ["planning", "plan_approval"], "gate": "plan", "decision": "approve",
         "kind": "contract", "kinds": ["acceptance", "complaint"], "department": "sales",
         "theirs": "sales"}  # fmt: skip


def test_every_sentence_reads_in_its_language_with_its_codes_named() -> None:
    """No English word in a Chinese sentence, no Chinese in an English one, no raw code."""
    wrong = {}
    for key in sorted(k.removeprefix("refusal.reason.") for k in catalogue("zh") if k.startswith("refusal.reason.")):
        params = {name: CODES.get(name, "7") for name in _placeholders(f"refusal.reason.{key}")}
        for lang in ("zh", "en"):
            said_ = sentence(key, params, lang, {"zh": "销售部", "en": "Sales"}[lang].format)
            found = out_of_place(said_, lang)
            if found:
                wrong[f"{lang} {key}"] = (found, said_)
    assert not wrong, wrong
