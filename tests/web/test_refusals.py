from web.errors import Problem
from web.refusals import said


def test_refusals_are_retold_in_the_readers_language() -> None:
    role = Problem(403, "", "only dept_head or executive may see appraisals, not a agent")
    assert said(role, "zh") == "只有部门负责人、上级领导可以执行此操作，您的角色是业务人员。"
    assert said(role, "en") == "Only Department head or Executive may do this; you are signed in as Agent."
    heads = Problem(403, "", "Li Qiang heads sales, not loans")
    names = {"sales": "销售部", "loans": "贷款部"}
    assert said(heads, "zh", names.__getitem__) == "Li Qiang 负责销售部，此事项属于贷款部。"
    gate = Problem(403, "", "the plan gate awaits the dept_head, not the executive")
    assert said(gate, "zh") == "方案审批等待部门负责人处理，您的角色是上级领导。"


def test_field_errors_read_as_sentences_per_field() -> None:
    invalid = Problem(422, "", "invalid request: body.budget: Input should be a valid decimal",
                      fields={"budget": "请填写数字", "rating": "此项必填"})
    assert said(invalid, "zh") == "预算：请填写数字；满意度评分：此项必填"
    route = Problem(422, "", "to: no staff member named 'Wu'", fields={"to": "填写有误"})
    assert said(route, "zh") == "接手人：找不到 Wu。"
    unknown = Problem(409, "", "something new")
    assert said(unknown, "zh") == "something new"  # not retold yet: shown as the API gave it
