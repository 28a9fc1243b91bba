"""`jindu project reassign|extend|decide` as operations run them: subprocesses of the real
`jindu` command against the stack's Temporal dev server, worker and PostgreSQL. They act as
the named operations user only, go through the project's rules, print one line, and the
project's history records who acted on whose behalf."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from datetime import datetime
from pathlib import Path

import pytest

import cli
from tests.fixtures_stack import STACK_TASK_QUEUE
from tests.web.conftest import Visitor
from tests.web.helpers import call, project_at


@pytest.fixture
def jindu(pg_url, local_env):
    env = {**os.environ, "JINDU_DATABASE_URL": pg_url, "JINDU_TASK_QUEUE": STACK_TASK_QUEUE,
           "JINDU_TEMPORAL_ADDRESS": local_env.client.service_client.config.target_host,
           "JINDU_LOG_JSON": "true"}  # fmt: skip
    command = str(Path(sys.executable).with_name("jindu"))

    async def run(*args: str) -> tuple[int, str, str]:
        child = await asyncio.create_subprocess_exec(command, "project", *args, env=env,
                                                     stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        out, err = await asyncio.wait_for(child.communicate(), 60)
        return child.returncode or 0, out.decode(), err.decode()

    return run


async def events(stack, pid: str, kind: str) -> list[dict]:
    rows = await stack.pool.fetch("SELECT actor_name, actor_role, comment, data FROM events "
                                  "WHERE project_id = $1 AND kind = $2 ORDER BY seq", pid, kind)  # fmt: skip
    return [{**dict(r), "data": r["data"] if isinstance(r["data"], dict) else json.loads(r["data"])} for r in rows]


def one_line(text: str) -> str:
    assert text.endswith("\n") and text.count("\n") == 1, repr(text)
    return text.strip()


@pytest.mark.parametrize("words, says", [
    (["project"], "reassign work, extend a deadline, decide for an absent approver"),
    (["project", "reassign"], "another user of the same role"),
    (["project", "extend"], "working days"),
    (["project", "decide"], "on behalf of an absent approver"),
])  # fmt: skip
def test_each_command_describes_itself(words, says, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main([*words, "--help"])
    assert exit_.value.code == 0
    out = " ".join(capsys.readouterr().out.split())
    assert says in out and "administrator" in out
    if len(words) == 2:
        assert "--by OPERATOR" in out and "PROJECT" in out


async def test_reassign_a_pending_approval_to_another_head_who_then_decides(stack, jindu):
    team = await stack.team()
    head, ops = team["dept_head"], team["operations"]
    deputy = await stack.person("dept_head", head.department)
    pid = await project_at(stack, team, "initiation_approval")

    code, out, err = await jindu("reassign", pid, "--target", "pending", "--to", deputy.name,
                                 "--reason", "李强休假", "--by", ops.name)  # fmt: skip
    assert code == 0, err
    assert one_line(out) == (f"project {pid}: pending reassigned by {ops.name} from dept_head@{head.department} "
                             f"to {deputy.name}; stage initiation_approval")  # fmt: skip
    [step] = await events(stack, pid, "reassigned")
    assert (step["actor_name"], step["actor_role"], step["comment"]) == (ops.name, "operations", "李强休假")
    assert (step["data"]["previous"], step["data"]["to"]) == (f"dept_head@{head.department}", deputy.name)

    inbox = await call(stack, "GET", "/v1/tasks", deputy)
    assert [i["kind"] for i in inbox["items"] if i["project_id"] == pid] == ["approval"]
    assert [i for i in (await call(stack, "GET", "/v1/tasks", head))["items"] if i["project_id"] == pid] == []
    r = await stack.http.post(f"/v1/projects/{pid}/decisions", headers=head.headers,
                              json={"gate": "initiation", "decision": "approve"})
    assert r.status_code == 403, r.text  # it is the deputy's now
    view = await call(stack, "POST", f"/v1/projects/{pid}/decisions", deputy, {"gate": "initiation",
                                                                              "decision": "approve"})
    assert view["stage"] == "planning" and view["approvals"][0]["by_name"] == deputy.name


async def test_extend_the_pending_deadline(stack, jindu):
    team = await stack.team()
    ops = team["operations"]
    pid = await project_at(stack, team, "initiation_approval")
    before = (await call(stack, "GET", f"/v1/projects/{pid}", ops))["pending"]["due_at"]

    code, out, err = await jindu("extend", pid, "--target", "pending", "--working-days", "3",
                                 "--reason", "等待银行材料", "--by", ops.name)  # fmt: skip
    assert code == 0, err
    after = (await call(stack, "GET", f"/v1/projects/{pid}", ops))["pending"]["due_at"]
    assert datetime.fromisoformat(after) > datetime.fromisoformat(before)
    [step] = await events(stack, pid, "deadline_extended")
    assert (step["actor_name"], step["comment"], step["data"]["working_days"]) == (ops.name, "等待银行材料", 3)
    assert datetime.fromisoformat(step["data"]["due_at"]) == datetime.fromisoformat(after)
    local = datetime.fromisoformat(after).astimezone(__import__("zoneinfo").ZoneInfo("Asia/Shanghai"))
    assert one_line(out).startswith(f"project {pid}: pending deadline extended by {ops.name} from ")
    assert f" to {local:%Y-%m-%d %H:%M} (3 working days, Asia/Shanghai)" in out


async def test_decide_on_behalf_of_an_absent_approver_is_recorded_as_such(stack, jindu):
    team = await stack.team()
    head, ops = team["dept_head"], team["operations"]
    pid = await project_at(stack, team, "initiation_approval")

    code, out, err = await jindu("decide", pid, "--gate", "initiation", "--decision", "approve", "--comment",
                                 "李强出差，电话确认同意", "--on-behalf-of", head.name, "--by", ops.name)  # fmt: skip
    assert code == 0, err
    assert one_line(out) == (f"project {pid}: initiation approved by {ops.name} on behalf of {head.name} "
                             f"(dept_head); stage now planning")  # fmt: skip
    [step] = await events(stack, pid, "decision")
    assert (step["actor_name"], step["actor_role"], step["comment"]) == (
        ops.name,
        "operations",
        "李强出差，电话确认同意",
    )
    assert (step["data"]["on_behalf_of"]["name"], step["data"]["level"]) == (head.name, "dept_head")
    view = await call(stack, "GET", f"/v1/projects/{pid}", team["agent"])
    [approval] = view["approvals"]
    assert (approval["by_name"], approval["on_behalf_of_name"]) == (ops.name, head.name)
    reader = Visitor(stack.app)
    try:
        assert (await reader.sign_in_with_token(team["agent"].token)).status_code == 303
        page = (await reader.http.get(f"/projects/{pid}")).text
        assert f"由 {ops.name} 代 {head.name}（部门负责人）审批" in page  # the workspace's timeline
        page = (await reader.http.get(f"/projects/{pid}?lang=en")).text
        assert f"by {ops.name} on behalf of {head.name} (Department head)" in page
    finally:
        await reader.close()


async def test_mistakes_are_one_line_exit_2_and_change_nothing(stack, jindu):
    team = await stack.team()
    head, ops, agent = team["dept_head"], team["operations"], team["agent"]
    pid = await project_at(stack, team, "initiation_approval")
    retired = await stack.person("operations")
    await stack.pool.execute("UPDATE users SET deactivated_at = now() WHERE id = $1", retired.id)
    stranger = await stack.person("dept_head", "another-dept")
    decide = ["decide", pid, "--gate", "initiation", "--decision", "approve", "--on-behalf-of", head.name]
    cases = [
        (decide + ["--by", head.name], f"jindu project decide: --by: no active operations user named {head.name!r}"),
        (decide + ["--by", agent.name], f"jindu project decide: --by: no active operations user named {agent.name!r}"),
        (decide + ["--by", retired.name],
         f"jindu project decide: --by: no active operations user named {retired.name!r}"),
        (["decide", pid, "--gate", "plan", "--decision", "approve", "--on-behalf-of", head.name, "--by", ops.name],
         f"jindu project decide: wrong_stage: project {pid} is in stage initiation_approval, not awaiting plan"),
        (["decide", pid, "--gate", "initiation", "--decision", "approve", "--on-behalf-of", agent.name,
          "--by", ops.name], f"jindu project decide: on_behalf_of: no dept_head or executive named {agent.name!r}"),
        (["decide", "no-such-project", "--gate", "initiation", "--decision", "approve", "--on-behalf-of", head.name,
          "--by", ops.name], "jindu project decide: no project no-such-project"),
        (["decide", pid, "--gate", "initiation", "--decision", "reject", "--on-behalf-of", head.name, "--by", ops.name],
         "jindu project decide: --comment: Value error, a rejection needs a reason: say in comment what must change"),
        (["extend", pid, "--target", "pending", "--working-days", "0", "--reason", "r", "--by", ops.name],
         "jindu project extend: --working-days: Input should be greater than 0"),
        (["extend", pid, "--target", "task:nope", "--working-days", "1", "--reason", "r", "--by", ops.name],
         f"jindu project extend: not_found: project {pid} has no open task:nope"),
        (["reassign", pid, "--target", "pending", "--to", stranger.name, "--reason", "r", "--by", ops.name],
         f"jindu project reassign: to: {stranger.name!r} works in another-dept, not in the project's department "
         f"{head.department}"),
        (["reassign", pid, "--target", "pending", "--to", agent.name, "--reason", "r", "--by", ops.name],
         f"jindu project reassign: invalid: {agent.name} is a agent; this work needs a dept_head"),
        (["reassign", pid, "--target", "pending", "--to", head.name, "--reason", "", "--by", ops.name],
         "jindu project reassign: --reason: String should have at least 1 character"),
    ]  # fmt: skip
    for args, expected in cases:
        code, out, err = await jindu(*args)
        assert (code, out) == (2, ""), (args, code, out, err)
        assert one_line(err) == expected, args
    for kind in ("decision", "reassigned", "deadline_extended"):
        assert await events(stack, pid, kind) == []
    assert (await call(stack, "GET", f"/v1/projects/{pid}", agent))["stage"] == "initiation_approval"


def test_the_documented_commands_parse_and_raw_updates_are_not_recommended():
    import shlex

    root = Path(__file__).resolve().parents[1]
    readme, workspace = (root / "README.md").read_text("utf-8"), (root / "docs" / "workspace.md").read_text("utf-8")
    documented = []
    for text in (readme, workspace):
        joined = text.replace("\\\n", " ")
        documented += [line.split("jindu ", 1)[1] if "jindu " in line else line.split("$J ", 1)[1]
                       for line in joined.splitlines() if line.lstrip().startswith(("$J project", "$ jindu project"))]
    assert {shlex.split(c)[1] for c in documented} == {"reassign", "extend", "decide"}
    for command in documented:
        cli.build_parser().parse_args(shlex.split(command.replace("$J ", "")))
    for text in (readme, workspace):
        for line_no, line in enumerate(text.splitlines()):
            if "temporal workflow update" in line:
                around = " ".join(text.splitlines()[max(line_no - 3, 0):line_no + 3])
                assert "administrator access" in around, line
