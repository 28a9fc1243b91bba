"""Messages that carry the decision (issue 17): the item named, times in Shanghai with the
weekday, money as people write it, what an approval needs, and no customer contact in a group."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from activities.render import for_group, money, render, when

TZ = ZoneInfo("Asia/Shanghai")
BRIEF = {"id": "flat-001", "requirement": "求购三居室，联系 13812345678 或 chen@example.com", "agent_name": "王芳",
         "risk_level": "high", "budget": "2500000"}  # fmt: skip


def row(**changes):
    base = {"id": "flat-001:5:assigned:dept_head", "project_id": "flat-001", "kind": "assigned",
            "key": "notify.assigned.approval", "to_role": "dept_head",
            "params": {"project_id": "flat-001", "gate": "initiation", "due_at": "2026-12-03T10:00:00+00:00"}}
    return base | changes


def test_times_carry_the_weekday_in_the_company_zone():
    assert when("2026-12-03T10:00:00+00:00", "zh", TZ) == "2026-12-03（周四）18:00"
    assert when("2026-12-06T17:00:00+00:00", "en", TZ) == "Mon 2026-12-07 01:00"


def test_money_reads_in_wan_in_chinese():
    assert (money("2500000", "zh"), money("8000", "zh"), money("12345.5", "zh")) == ("250万元", "8,000元", "1.23万元")
    assert money("2500000", "en") == "¥2,500,000"


def test_an_approval_carries_gate_requirement_budget_risk_agent_and_due():
    message = render(row(), "zh", [], tz=TZ, public_url="http://jindu.test", brief=BRIEF)
    assert message.subject == "待审批：项目 flat-001 立项审批"
    assert "截止 2026-12-03（周四）18:00" in message.text
    assert dict(message.facts) == {"项目": "flat-001", "审批事项": "立项审批",
                                   "客户需求": "求购三居室，联系 138****5678 或 ***@example.com",
                                   "预算": "250万元", "风险等级": "高", "业务人员": "王芳"}  # fmt: skip
    assert "13812345678" not in message.markdown and "chen@" not in message.markdown
    english = render(row(), "en", [], tz=TZ, public_url="http://jindu.test", brief=BRIEF)
    assert dict(english.facts)["Budget"] == "¥2,500,000" and dict(english.facts)["Risk level"] == "high"
    assert "due Thu 2026-12-03 18:00" in english.text


def test_a_customer_reads_no_budget_risk_or_agent_and_a_missing_parameter_reads_empty():
    message = render(row(key="notify.assigned.acceptance", to_role="customer", params={}), "zh", [], tz=TZ,
                     public_url="http://jindu.test", brief=BRIEF)  # fmt: skip
    assert message.facts == [] and "预算" not in message.markdown
    assert message.subject == "待验收：项目 flat-001" and "截止 。" in message.text


def test_risk_messages_say_levels_and_amounts_in_words():
    message = render(row(key="notify.risk_attention", params={"project_id": "flat-001", "risk_id": "r1",
                                                              "level": "high", "expected_loss": "30000"}),
                     "zh", [], tz=TZ, public_url="http://jindu.test")  # fmt: skip
    assert "（等级：高，预期损失 3万元）" in message.text
    unknown = render(row(key="notify.risk_attention", params={"risk_id": "r1", "level": "low", "expected_loss": ""}),
                     "zh", [], tz=TZ, public_url="http://jindu.test")  # fmt: skip
    assert "（等级：低，预期损失 未填写）" in unknown.text


def test_warning_reasons_read_as_sentences_in_messages():
    message = render(row(key="notify.warning_raised", params={"reasons": ["cycle_deviation_rate 290.0 > 20.0"],
                                                              "due_at": "2026-12-03T10:00:00+00:00"}),
                     "zh", [], tz=TZ, public_url="http://jindu.test")  # fmt: skip
    assert "周期偏差率 290% 超过阈值 20%" in message.text and "cycle_deviation_rate" not in message.text


def test_contacts_are_masked_for_groups():
    assert for_group("电话 13900001111，邮箱 a.b@x.cn") == "电话 139****1111，邮箱 ***@x.cn"
