"""The `jindu` command: honest help, one-line user errors, and a real `jindu dev` run twice."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import uuid
from pathlib import Path

import httpx
import psutil
import pytest
from temporalio.client import Client, WorkflowExecutionStatus

import cli

SUBCOMMANDS = {
    ("dev",): "Temporal dev server",
    ("worker",): "Temporal worker",
    ("api",): "HTTP API",
    ("migrate",): "migrations",
    ("user",): "people who use the API",
    ("user", "create"): "token, alone on the last line",
    ("rollups", "rebuild"): "Every month before this one is summed again",
}


def test_help_names_every_command(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    for name in ("dev", "worker", "api", "migrate", "user"):
        assert f"\n    {name} " in out


@pytest.mark.parametrize("words", list(SUBCOMMANDS), ids=" ".join)
def test_each_command_describes_itself(words, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main([*words, "--help"])
    assert exit_.value.code == 0
    assert SUBCOMMANDS[words] in " ".join(capsys.readouterr().out.split())


def test_unknown_role_is_one_clear_line(capsys):
    assert cli.main(["user", "create", "--name", "Li", "--role", "boss"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == (
        "jindu user create: unknown role 'boss'; use one of: "
        "agent, dept_head, executive, customer, operations, auditor, customer_service"
    )


def test_an_agent_needs_a_department(capsys):
    assert cli.main(["user", "create", "--name", "Li", "--role", "agent"]) == 2
    assert "needs --department" in capsys.readouterr().err


def test_no_database_is_a_clear_error_not_a_traceback(tmp_path):
    env = {**os.environ, "JINDU_DATA_DIR": str(tmp_path / "nothing-here")}
    env.pop("JINDU_DATABASE_URL", None)
    done = _run_jindu(["migrate"], env)
    assert done.returncode == 2
    assert "JINDU_DATABASE_URL is not set" in done.stderr
    assert "Traceback" not in done.stderr


# --------------------------------------------------------------------------- jindu dev


def _free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def _run_jindu(args: list[str], env: dict[str, str]):
    import subprocess

    return subprocess.run(
        [sys.executable, "-m", "cli", *args], env=env, capture_output=True, text=True, timeout=60,
        cwd=Path(__file__).resolve().parents[1],
    )  # fmt: skip


class DevProcess:
    """`jindu dev` in a subprocess; `processes` are every process it started."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env, self.log = env, log
        self.processes: list[psutil.Process] = []

    async def start(self) -> None:
        with open(self.log, "ab") as log:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "cli", "dev", env=self.env, stdout=asyncio.subprocess.PIPE, stderr=log,
                cwd=Path(__file__).resolve().parents[1],
            )  # fmt: skip
        banner = b""
        while b"Jindu is running" not in banner:
            line = await asyncio.wait_for(self.proc.stdout.readline(), 45)
            if not line:
                tail = self.log.read_text(errors="replace")[-3000:]
                raise AssertionError(f"jindu dev exited ({await self.proc.wait()}) before it was ready:\n{tail}")
            banner += line
        me = psutil.Process(self.proc.pid)
        self.processes = [me, *me.children(recursive=True)]
        pid_file = Path(self.env["JINDU_DATA_DIR"]) / "pg" / "postmaster.pid"
        if "JINDU_DATABASE_URL" not in self.env:
            # pg_ctl detaches the postmaster, so it is not a child: find it by its pid file.
            self.processes.append(psutil.Process(int(pid_file.read_text().split()[0])))

    async def interrupt(self) -> int:
        self.proc.send_signal(signal.SIGINT)
        code = await asyncio.wait_for(self.proc.wait(), 30)
        await self.proc.stdout.read()
        return code

    def still_running(self) -> list[str]:
        alive = []
        for p in self.processes:
            try:
                if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                    alive.append(f"{p.pid} {p.name()}")
            except psutil.NoSuchProcess:
                pass
        return alive


@pytest.mark.timeout(120)
async def test_dev_starts_stops_cleanly_and_restarts_with_its_projects(tmp_path):
    api_port, temporal_port, ui_port = _free_ports(3)
    env = {
        **os.environ,
        "JINDU_DATA_DIR": str(tmp_path / "jindu"),
        "JINDU_API_PORT": str(api_port),
        "JINDU_TEMPORAL_PORT": str(temporal_port),
        "JINDU_TEMPORAL_UI_PORT": str(ui_port),
        "JINDU_TEMPORAL_ADDRESS": f"127.0.0.1:{temporal_port}",
        "JINDU_LOG_JSON": "true",
    }
    env.pop("JINDU_DATA_KEY", None)  # the dev stack must make and keep its own
    api = f"http://127.0.0.1:{api_port}"
    project_id = f"smoke-{uuid.uuid4().hex[:8]}"
    dev = DevProcess(env, tmp_path / "dev.log")

    await dev.start()
    temporal = await Client.connect(f"127.0.0.1:{temporal_port}")
    assert await temporal.service_client.check_health()
    # `jindu user create` finds the running dev stack's database without JINDU_DATABASE_URL.
    made = await asyncio.to_thread(
        _run_jindu, ["user", "create", "--name", f"agent-{project_id}", "--role", "agent", "--department", "sales"], env
    )
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip().splitlines()[-1]
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=api, timeout=20) as http:
        assert (await http.get("/healthz")).status_code == 200
        created = await http.post("/v1/projects", headers=headers, json={
            "id": project_id, "customer": {"name": "Chen Jing", "phone": "13800000000"}, "channel": "visit",
            "requirement": "Sell a two-bedroom flat", "business_type": "property_sale",
        })  # fmt: skip
        assert created.status_code == 201, created.text
    assert (tmp_path / "jindu" / "data.key").stat().st_mode & 0o777 == 0o600

    assert await dev.interrupt() == 0
    assert dev.still_running() == []
    assert not (tmp_path / "jindu" / "dev.json").exists()

    await dev.start()
    try:
        async with httpx.AsyncClient(base_url=api, timeout=20) as http:
            again = await http.get(f"/v1/projects/{project_id}", headers=headers)
        assert again.status_code == 200, again.text
        # Same users, same data key: the customer's encrypted name reads back.
        assert again.json()["customer"]["name"] == "Chen Jing"
        temporal = await Client.connect(f"127.0.0.1:{temporal_port}")
        described = await temporal.get_workflow_handle(f"project-{project_id}").describe()
        assert described.status == WorkflowExecutionStatus.RUNNING
    finally:
        assert await dev.interrupt() == 0
    assert dev.still_running() == []


def test_a_bad_setting_names_its_variable():
    done = _run_jindu(["migrate"], {**os.environ, "JINDU_API_PORT": "eighty"})
    assert done.returncode == 2
    assert done.stderr.startswith("jindu: JINDU_API_PORT: Input should be a valid integer")
    assert "Traceback" not in done.stderr
