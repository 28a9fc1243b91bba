"""How many of Jindu's own source files one approval decision runs through, from the route
to PostgreSQL and back (issue 13: the count should go down, not up). Every Python call in
the API's request, the workflow task (its sandbox thread) and the `record` local activity
is profiled while `POST /v1/projects/{id}/decisions` is answered; the files are Jindu's
(not the libraries'). The bound keeps a layer from creeping back in; the list is printed
(`pytest -s`) so a change's effect can be read off."""

from __future__ import annotations

import sys
import threading
import uuid
from pathlib import Path
from types import FrameType
from typing import Any

import httpx

from api.app import create_app
from domain.policy import ProjectPolicy
from jindu.settings import Settings
from worker import build_outbox, build_worker

ROOT = Path(__file__).resolve().parents[2]
OWN = tuple(str(ROOT / d) for d in ("api", "domain", "jindu", "store", "workflows", "activities", "web"))
INTAKE = {"customer": {"name": "黄蓉"}, "channel": "phone", "requirement": "二手房买卖", "business_type": "real_estate"}
ASSESS = {"in_scope": True, "difficulty": "low", "risk_level": "low", "expected_cycle_days": 20, "budget": "80000"}
BOUND = 48  # files; 48 measured 2026-12-05 (README "One decision's path")


class Touched:
    def __init__(self) -> None:
        self.files: set[str] = set()

    def __call__(self, frame: FrameType, event: str, arg: Any) -> None:
        if event == "call":
            name = frame.f_code.co_filename
            if name.startswith(OWN):
                self.files.add(str(Path(name).relative_to(ROOT)))

    def __enter__(self) -> Touched:
        sys.setprofile(self)
        threading.setprofile(self)
        return self

    def __exit__(self, *exc: object) -> None:
        sys.setprofile(None)
        threading.setprofile(None)  # type: ignore[arg-type]


async def test_one_decision_runs_through_a_bounded_number_of_files(stack, local_env, pool, cipher):
    team = await stack.team()
    agent, head = team["agent"].headers, team["dept_head"].headers
    queue = f"decision-path-{uuid.uuid4().hex[:6]}"
    settings = Settings(task_queue=queue)
    # Profiling set before the worker starts, so its workflow threads are profiled too.
    with Touched() as touched:
        app = create_app(settings, client=local_env.client, pool=pool, cipher=cipher, policy=ProjectPolicy())
        worker = build_worker(local_env.client, pool=pool, task_queue=queue, outbox=build_outbox(settings, pool,
                                                                                              cipher=cipher))
        async with worker, app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://jindu.test") as http:
                pid = (await http.post("/v1/projects", json=INTAKE, headers=agent)).json()["id"]
                r = await http.post(f"/v1/projects/{pid}/assessment", json=ASSESS, headers=agent)
                assert r.status_code == 200, r.text
                touched.files.clear()  # warm: from here on, one decision
                r = await http.post(f"/v1/projects/{pid}/decisions", headers=head,
                                    json={"gate": "initiation", "decision": "approve"})  # fmt: skip
                files = sorted(touched.files)
    assert r.status_code == 200 and r.json()["stage"] == "planning", r.text
    print(f"\n{len(files)} files:", *files, sep="\n  ")
    assert any(f.startswith("workflows/") for f in files), "the workflow task was not profiled"
    assert any(f.startswith("store/") for f in files) and "api/routes/actions.py" in files
    assert len(files) <= BOUND, files
