"""Every page kind and every message kind in both languages (issue 17): no raw enum value, no
English word on a Chinese page, no Chinese on an English one (user data aside). The process
pages are walked in Chinese only: the company's process templates are written in Chinese."""

from __future__ import annotations

import string
from zoneinfo import ZoneInfo

import pytest

from activities.render import render
from jindu.i18n import catalogue
from store import action_links, process_templates
from tests.web.helpers import call, project_at, soon
from tests.web.language_check import out_of_place, visible

TZ = ZoneInfo("Asia/Shanghai")
# A value for each parameter a message may take, as the workflow queues it (codes, not words).
PARAMS = {"gate": "initiation", "level": "high", "what": "approval", "source": "complaint",
          "due_at": "2026-12-03T10:00:00+00:00",
          "reasons": ["cycle_deviation_rate 290.0 > 20.0", "completion_rate 50.0 < 80.0"], "expected_loss": "12000",
          "loss_amount": "30000", "budget": "2500000", "rating": "2", "missed_in_row": "2"}  # fmt: skip
NOTICES = sorted({k.rsplit(".", 1)[0] for k in catalogue("zh") if k.startswith("notify.") and k.endswith(".subject")})


def _placeholders(key: str) -> set[str]:
    names: set[str] = set()
    for lang in ("zh", "en"):
        for part in ("subject", "text"):
            names |= {f for _, f, _, _ in string.Formatter().parse(catalogue(lang)[f"{key}.{part}"]) if f}
    return names


def test_the_check_finds_codes_english_and_chinese_out_of_place() -> None:
    assert out_of_place("风险等级 high · 销售 sales-01 · real_estate", "zh", codes=("sales-01",)) == \
        ["sales-01", "real_estate", "high"]
    assert out_of_place("Risk level 高 · initiation_approval", "en") == ["initiation_approval", "高"]
    assert out_of_place("客户 陈杰 · Jindu 进度 · 中文 | English", "en", user_data=("陈杰",)) == ["客", "户"]
    assert out_of_place("<b>预算</b> ¥250万", "zh") == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_message_kind_reads_in_its_language(lang: str) -> None:
    problems = {}
    for key in NOTICES:
        params = {name: PARAMS.get(name, PARAMS["due_at"] if name.endswith("_at") else "7")
                  for name in _placeholders(key)}  # fmt: skip
        message = render({"id": "n1", "project_id": "p-1", "kind": "k", "key": key, "to_role": "dept_head",
                          "params": params}, lang, [], tz=TZ, public_url="http://jindu.test",
                         brief={"id": "p-1", "requirement": "7", "agent_name": "7", "risk_level": "high",
                                "budget": "2500000"})  # fmt: skip
        wrong = out_of_place(f"{message.subject} {message.markdown}", lang)
        if wrong:
            problems[key] = wrong
    assert not problems, problems


PAGES = ("/", "/projects", "/projects/new", "/projects/{pid}", "/projects/{later}",
         "/dashboard", "/kpis", "/appraisal", "/users", "/me",
         "/notifications", "/archive", "/processes", "/complaints", "/complaints/new", "/complaints/{complaint}",
         "/suggestions", "/processes/new/expense", "/act/{approve}", "/act/{reject}",
         "/projects/{pid}/revisit", "/projects/no-such-project", "/signin")  # fmt: skip
RISK = {"category": "credit", "description": "银行可能拒贷", "likelihood": "high", "impact": "medium",
        "probability": "0.3", "loss_amount": "50000", "response": "reduce", "measures": "先做预审"}
USER_DATA = ("陈杰", "陈", "银行可能拒贷", "先做预审", "合同已起草", "业务员带看",
             "徐汇区学区两居室", "13812345678", "chen@example.com", "带看", "签约", "签订购房合同")


async def test_every_page_kind_reads_in_its_language(own_stack, own_browserless):
    """On a database of its own: company-wide pages show only this test's (Chinese) data."""
    stack, browserless = own_stack, own_browserless
    team = await stack.team()
    dept = team["agent"].department
    await call(stack, "PUT", f"/v1/departments/{dept}", team["operations"],
               {"name_zh": "测试事业部", "name_en": "Test division"})  # fmt: skip
    pid = await project_at(stack, team, "initiation_approval", risk="high", budget="2500000")
    later = await project_at(stack, team, "customer_acceptance")  # a longer history, a risk register
    await call(stack, "POST", f"/v1/projects/{later}/risks", team["agent"],
               RISK | {"owner": team["agent"].name, "review_on": soon(5)}, 201)  # fmt: skip
    await process_templates.load_dir(stack.pool)  # the company's templates: written in Chinese only
    complaint = (await stack.http.post("/v1/complaints", headers=team["customer"].headers, json={
        "content": "带看时间一再推迟", "channel": "online", "project_id": pid})).json()["id"]  # fmt: skip
    links = {action: await action_links.issue(stack.pool, outbox_id=f"walk-{pid}", project_id=pid, action=action,
                                              gate="initiation", user_ids=[team["dept_head"].id])
             for action in ("approve", "reject")}  # the confirmation pages a message's buttons open
    user_data = (*USER_DATA, "带看时间一再推迟", pid, later, complaint, *(p.name for p in team.values()))
    problems: dict[str, list[str]] = {}
    seen: set[tuple[str, str, int]] = set()
    for role, person in team.items():
        v = await browserless(person)
        for path in PAGES:
            for lang in ("zh", "en") if not path.startswith("/processes") else ("zh",):
                shown = path.format(pid=pid, later=later, complaint=complaint, **links)
                r = await v.http.get(shown, params={"lang": lang})
                seen.add((role, path, r.status_code))
                if r.status_code >= 300 and r.status_code != 403:
                    continue
                text = visible(r.text)
                wrong = out_of_place(text, lang, user_data, codes=(dept,))
                if wrong:
                    at = text.find(wrong[0])  # the words, then where the first one stands
                    problems[f"{role} {lang} {path}"] = [*sorted(set(wrong)), text[max(at - 60, 0) : at + 40]]
    assert {("dept_head", "/act/{approve}", 200), ("agent", "/projects/{later}", 200)} <= seen
    assert not problems, "\n".join(f"{k}: {v}" for k, v in problems.items())
