"""Parser errors and validation errors read in the reader's language (issue 17): a template,
a process form or a calendar that is not valid names the place and the kind of flaw from the
catalogue, the parser's English words only in English; pydantic's field errors read as
sentences with their limits. Fast: no servers."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field

from api.errors import install_error_handlers
from domain.calendar import YearDates
from domain.errors import Invalid
from domain.flaws import Flaw, codes
from domain.process_form import check_form
from domain.process_models import ProcessActionIn
from domain.process_template import FormField, TemplateInvalid, parse
from jindu.i18n import catalogue, t
from tests.web.language_check import out_of_place
from web.api import Answer
from web.errors import FIELD_TYPES, Problem, field_message, problem
from web.flaws import sentences, where
from web.reasons import sentence
from web.refusals import said

BAD = {"key": "x1", "name": "报销", "form": [{"key": "kind", "label": "类别", "type": "choice"}],
       "nodes": [{"type": "approval", "approvers": [{"role": "hr"}], "next": "zz"}, {"type": "bogus"}],
       "owner": "me"}  # fmt: skip


def _flaws(data: dict) -> TemplateInvalid:
    with pytest.raises(TemplateInvalid) as err:
        parse(data)
    return err.value


def test_a_template_in_error_names_place_and_kind_in_chinese_and_the_parsers_words_in_english() -> None:
    err = _flaws(BAD)
    zh = sentence("template_invalid", {"errors": err.errors, "flaws": codes(err.flaws)}, "zh")
    assert zh == ("流程模板有误：第 1 个表单字段：选择题需要选项，且只有选择题才有选项；"
                  "第 1 个节点的审批人：不是已知的角色；"
                  "第 2 个节点：节点类型只能是审批、任务、条件或抄送；某一项：不是可填写的项")
    en = sentence("template_invalid", {"errors": err.errors, "flaws": codes(err.flaws)}, "en")
    assert en.startswith("The process template is not valid: form[0]: options: a choice field needs options")
    assert 'nodes[0].approvers: unknown role "hr"' in en and "extra: " not in en and "owner: Extra inputs" in en
    assert err.errors[1] == 'nodes[0].approvers: unknown role "hr"'  # the API's message is unchanged
    later = _flaws({"key": "x1", "name": "X", "nodes": [{"type": "cc", "approvers": [{"user": "a"}], "next": "zz"}]})
    assert sentences(codes(later.flaws), "zh") == ["第 1 个节点的下一步：只能跳转到此节点之后的节点",
                                                  "节点：流程至少需要一个审批或任务节点"]  # fmt: skip
    long = _flaws({"key": "x1", "name": "名" * 101, "nodes": [{"type": "task", "approvers": [{"level": 3}]}]})
    assert sentences(codes(long.flaws), "zh") == ["名称：最多 100 个字", "第 1 个节点的第 1 个审批人的层级：不能大于 2"]


def test_every_flaw_and_place_reads_in_chinese_without_english() -> None:
    wrong = {}
    for key in sorted(k for k in catalogue("zh") if k.startswith("refusal.flaw.")):
        said = sentences([Flaw(key.rsplit(".", 1)[1], "nodes[2].approvers[0]", "7", "English").code()], "zh")[0]
        if out_of_place(said, "zh") or ("7" in said) != ("{limit}" in t(key, "zh", limit="{limit}")):
            wrong[key] = said
    for key in sorted(k for k in catalogue("zh") if k.startswith("refusal.part.") and not k.endswith(".other")):
        said = where(f"nodes[2].{key.rsplit('.', 1)[1]}[0]", "zh")
        if out_of_place(said, "zh") or t("refusal.part.other", "zh") in said:
            wrong[key] = said
    assert not wrong, wrong
    assert where("nodes[2].approvers[0].role", "zh") == "第 3 个节点的第 1 个审批人的角色"
    assert where("报销金额（元）", "zh") == "报销金额（元）"  # a form field's label, as written


FORM = [FormField(key="amount", label="报销金额（元）", type="money", required=True),
        FormField(key="purpose", label="事由", type="text", required=True),
        FormField(key="kind", label="费用类别", type="choice", options=["差旅", "招待"]),
        FormField(key="day", label="日期", type="date")]  # fmt: skip


def test_a_process_form_in_error_says_which_field_and_what_and_each_field_shows_its_own() -> None:
    with pytest.raises(Invalid) as err:
        check_form(FORM, {"amount": "-5", "kind": "吃饭", "day": "2026-02-30", "x": "1"})
    e = err.value
    assert e.message.startswith("form.x: not a field of this form; form.amount: must be an amount of yuan")
    zh = sentence(e.key, e.params, "zh")
    assert zh == ("表单有误：某一项：不是可填写的项；"
                  "报销金额（元）：应为金额（元），最多两位小数，不能为负；事由：此项必填；"
                  "费用类别：不是可选的值；日期：不是正确的日期（年-月-日）")
    assert not out_of_place(zh, "zh")
    assert "费用类别: must be one of 差旅, 招待" in sentence(e.key, e.params, "en")  # the parser's words
    body = {"error": {"code": "invalid", "message": e.message}}
    shown = problem(Answer(422, body, reason=(e.key, e.params)), "zh")
    assert {k: shown.fields[k] for k in ("amount", "purpose", "kind", "day")} == {
        "amount": "应为金额（元），最多两位小数，不能为负", "purpose": "此项必填", "kind": "不是可选的值",
        "day": "不是正确的日期（年-月-日）"}  # fmt: skip
    assert problem(Answer(422, body, reason=(e.key, e.params)), "en").fields["purpose"] == "Required"


def test_a_calendar_with_dates_of_another_year_names_them_in_chinese() -> None:
    dates = YearDates(holidays=[date(2027, 1, 1)], workdays=[date(2026, 12, 27)])
    params = {"detail": "dates outside 2027: ['2026-12-27']", "year": 2027, "dates": dates.outside(2027)}
    err = Invalid("x", "calendar_invalid", **params)
    assert sentence(err.key, err.params, "zh") == "日历有误：2026-12-27 不在 2027 年内。"
    assert sentence(err.key, err.params, "en") == "The calendar is not valid: dates outside 2027: ['2026-12-27']"


class Sample(BaseModel):
    comment: str = Field(max_length=200)
    name: str = Field(min_length=2)
    budget: float = Field(gt=0)
    days: int = Field(lt=366)
    on: date
    kind: int


def _refused(model: type[BaseModel], data: dict, lang: str) -> Problem:
    """The API's 422 for `data` sent as `model`, as a page reads it."""
    app = FastAPI()
    install_error_handlers(app)

    def x(body: BaseModel) -> None:  # pragma: no cover - always refused
        raise AssertionError

    x.__annotations__ = {"body": model, "return": None}  # the model itself, not its name as text
    app.post("/x")(x)
    response = TestClient(app).post("/x", json=data)
    body = response.json()
    assert response.status_code == 422 and body["error"]["message"].startswith("invalid request: body")
    return problem(Answer(422, body), lang)


def _field_errors(data: dict, lang: str) -> dict[str, str]:
    return _refused(Sample, data, lang).fields


def test_pydantic_errors_read_as_sentences_with_their_limits() -> None:
    sent = {"comment": "字" * 201, "name": "a", "budget": "二", "days": 400, "on": "2026-13-01", "extra": 1}
    assert _field_errors(sent, "zh") == {"comment": "最多 200 个字", "name": "至少 2 个字",
                                         "budget": "请填写数字", "days": "必须小于 366",
                                         "on": "请填写正确的日期", "kind": "此项必填"}  # fmt: skip
    assert _field_errors(sent, "en")["comment"] == "At most 200 characters"
    for kind in FIELD_TYPES:
        for lang in ("zh", "en"):
            said = field_message(kind, "at most 7", lang)
            assert not out_of_place(said, lang), (kind, lang, said)
            assert "{" not in said and ("7" in said) == ("{limit}" in t(f"web.errors.field.{kind}", lang))


def test_a_rule_of_the_whole_body_reads_as_a_sentence_on_its_field() -> None:
    reject = _refused(ProcessActionIn, {"action": "reject", "comment": " "}, "zh")
    assert said(reject, "zh") == "意见：驳回需要填写理由（说明需要修改什么）。"
    transfer = _refused(ProcessActionIn, {"action": "transfer"}, "zh")
    assert said(transfer, "zh") == "接手人：转交或加签需要指定人员。"
    assert said(_refused(ProcessActionIn, {"action": "transfer"}, "en"), "en") == (
        "Hand over to: Transferring or adding a signer needs the person.")
