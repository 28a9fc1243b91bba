from domain.errors import Forbidden, Invalid
from web.errors import Problem
from web.refusals import said


def test_refusals_are_told_in_the_readers_language_by_their_key() -> None:
    err = Forbidden("only dept_head or executive may see appraisals, not a agent", "role_may",
                    roles=["dept_head", "executive"], role="agent")  # fmt: skip
    role = Problem(403, "", err.message, key=err.key, params=err.params)
    assert said(role, "zh") == "只有部门负责人、上级领导可以执行此操作，您的角色是业务人员。"
    assert said(role, "en") == "Only Department head or Executive may do this; you are signed in as Agent."
    gate = Problem(403, "", "x", key="gate_awaits", params={"gate": "plan", "role": "dept_head", "mine": "executive"})
    assert said(gate, "zh") == "方案审批等待部门负责人处理，您的角色是上级领导。"


def test_field_errors_read_as_sentences_per_field() -> None:
    invalid = Problem(422, "", "invalid request: body.budget: Input should be a valid decimal",
                      fields={"budget": "请填写数字", "rating": "此项必填"})
    assert said(invalid, "zh") == "预算：请填写数字；满意度评分：此项必填"
    err = Invalid("to: no staff member named 'Wu'", "no_one_named", who="Wu")
    route = Problem(422, "", err.message, fields={"to": "填写有误"}, key=err.key, params=err.params)
    assert said(route, "zh") == "接手人：找不到 Wu。"
    assert said(route, "en") == "Hand over to: No one found named Wu."


def test_a_reason_without_a_key_is_shown_as_given() -> None:
    assert said(Problem(403, "", "表单已失效，请刷新页面后重试。"), "zh") == "表单已失效，请刷新页面后重试。"
    assert said(None, "zh") == ""
