"""The process pages read in the reader's language (issue 15), with tests/web/language_check.py:
nodes the template names are shown by their names, unnamed ones by a catalogue sentence of
their type and position — never by their ids (`n1`) — and no code word (`process`) on a
Chinese page, no Chinese but the company's own texts on an English one. Walked for the
applicant, the approver (inbox, instance, the confirmation page of a message's button) and
operations (the template page)."""

from __future__ import annotations

import json
import uuid
from typing import Any

from domain.process_template import parse
from store import action_links, process_templates
from tests.web.language_check import out_of_place, visible


def unnamed_template() -> dict[str, Any]:
    return {"key": f"leave-{uuid.uuid4().hex[:6]}", "name": "请假申请", "starters": ["agent"],
            "form": [{"key": "reason", "label": "请假事由", "type": "text", "required": True}],
            "nodes": [{"type": "approval", "approvers": [{"level": 1}]},
                      {"type": "cc", "approvers": [{"role": "operations"}]}]}  # fmt: skip


def company_texts(body: Any) -> set[str]:
    """What a company wrote in its templates (names, labels, options): its own words, any language."""
    if isinstance(body, dict):
        own = {str(v) for k, v in body.items() if k in ("name", "label", "description") and v}
        return own | {x for v in body.values() for x in company_texts(v)} | set(body.get("options") or [])
    if isinstance(body, list):
        return {x for v in body for x in company_texts(v)}
    return set()


async def test_process_pages_name_nodes_in_the_readers_language(own_stack, own_browserless):
    # On a database of its own: operations' pages (通知记录) list every test's deliveries,
    # with the platforms' own error texts.
    stack, browserless = own_stack, own_browserless
    await process_templates.load_dir(stack.pool)
    team = await stack.team()
    agent, head, ops = team["agent"], team["dept_head"], team["operations"]
    template = parse(unnamed_template())
    await process_templates.upload(stack.pool, template, ops.id, ops.name)
    r = await stack.http.post("/v1/processes", headers=agent.headers,
                              json={"template": template.key, "form": {"reason": "家中有事"}})  # fmt: skip
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    token = await action_links.issue(stack.pool, outbox_id=f"walk-{pid}", project_id=None, action="approve",
                                     gate="n1", user_ids=[head.id], process_id=pid)  # fmt: skip
    bodies = [t["body"] for t in await stack.pool.fetch("SELECT body::jsonb AS body FROM process_templates")]
    own = {*company_texts([json.loads(b) if isinstance(b, str) else b for b in bodies]), "家中有事",
           pid, *(p.name for p in team.values())}  # fmt: skip
    walk = [(agent, ["/processes", f"/processes/new/{template.key}", f"/processes/{pid}"]),
            (head, ["/", f"/processes/{pid}", f"/act/{token}"]),
            (ops, [f"/process-templates/{template.key}", "/processes", "/notifications"])]
    problems: dict[str, list[str]] = {}
    expected = {"zh": ("第 1 步审批", "第 2 步抄送"), "en": ("Step 1: approval", "Step 2: copy")}
    for person, paths in walk:
        v = await browserless(person)
        for path in paths:
            for lang in ("zh", "en"):
                r = await v.http.get(path, params={"lang": lang})
                assert r.status_code == 200, (path, r.status_code)
                text = visible(r.text)
                if path in ("/", f"/processes/{pid}", f"/act/{token}"):  # where the process waits: at its first node
                    assert expected[lang][0] in text, (lang, path)
                wrong = out_of_place(text, lang, tuple(own | {person.department or ""}), codes=("n1", "n2"))
                if wrong:
                    problems[f"{person.role} {lang} {path}"] = wrong
    assert not problems, problems
    zh = visible((await (await browserless(agent)).http.get(f"/processes/{pid}")).text)
    assert all(label in zh for label in expected["zh"])


def test_a_process_message_names_its_node_in_the_readers_language() -> None:
    from zoneinfo import ZoneInfo

    from activities.render import render

    brief = {"process_id": "pr-1", "template_name": "请假申请", "applicant_name": "王", "form": {}, "fields": [],
             "nodes": [{"id": "n1", "type": "approval"}, {"id": "n2", "type": "cc"}]}
    row = {"id": "x", "kind": "reminder", "key": "process.reminder", "to_role": "dept_head",
           "params": {"process_id": "pr-1", "template": "请假申请", "node": "n1", "name": "n1",
                      "due_at": "2026-12-03T10:00:00+00:00"}}  # fmt: skip
    for lang, label in (("zh", "第 1 步审批"), ("en", "Step 1: approval")):
        message = render(row, lang, [], tz=ZoneInfo("Asia/Shanghai"), public_url="http://jindu.test", brief=brief)
        assert label in message.text and "n1" not in message.text.replace("pr-1", ""), message.text
