"""The raw-SDK baseline behind HTTP, as processes like Jindu's: `api` (FastAPI under uvicorn)
and `worker`. No auth, no validation beyond JSON: the least an HTTP front of a Temporal
workflow writing PostgreSQL can do.

    python bench/baseline_http.py api --address A --database-url U --task-queue Q --port P [--search-attributes]
    python bench/baseline_http.py worker --address A --database-url U --task-queue Q
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
from contextlib import asynccontextmanager

import asyncpg
import common  # noqa: F401  (puts the repository on sys.path)
from baseline_pg import TABLE, BaselineProject, RowWriter
from fastapi import FastAPI, Request
from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.worker import Worker


def make_app(args) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.pool = await asyncpg.create_pool(args.database_url, min_size=1, max_size=10)
        await app.state.pool.execute(TABLE)
        app.state.client = await Client.connect(args.address)
        yield
        await app.state.pool.close()

    app = FastAPI(lifespan=lifespan)

    @app.post("/v1/projects", status_code=201)
    async def create(request: Request) -> dict:
        body = await request.json()
        client, pool = request.app.state.client, request.app.state.pool
        handle = await client.start_workflow(BaselineProject.run, args=[body["id"], args.search_attributes],
                                             id=f"base-{body['id']}",
                                             task_queue=args.task_queue,
                                             id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING)
        seq = await handle.execute_update(BaselineProject.sync)
        return {"id": body["id"], "seq": seq, "rows": await pool.fetchval(
            "SELECT count(*) FROM bench_rows WHERE project_id = $1", body["id"])}

    @app.post("/v1/projects/{project_id}/decisions")
    async def decide(project_id: str, request: Request) -> dict:
        body = await request.json()
        client, pool = request.app.state.client, request.app.state.pool
        handle = client.get_workflow_handle(f"base-{project_id}")
        seq = await handle.execute_update(BaselineProject.decide, {"project_id": project_id, "body": json.dumps(body)})
        return {"id": project_id, "seq": seq, "rows": await pool.fetchval(
            "SELECT count(*) FROM bench_rows WHERE project_id = $1", project_id)}

    return app


async def worker(args) -> None:
    client = await Client.connect(args.address)
    pool = await asyncpg.create_pool(args.database_url, min_size=1, max_size=10)
    await pool.execute(TABLE)
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    async with Worker(client, task_queue=args.task_queue, workflows=[BaselineProject],
                      activities=[RowWriter(pool).write_row]):
        print("worker starting", flush=True)
        await stop.wait()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("role", choices=["api", "worker"])
    parser.add_argument("--address", required=True)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--task-queue", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--search-attributes", action="store_true",
                        help="each write also upserts three Web UI search attributes, as Jindu's updates do")
    args = parser.parse_args()
    if args.role == "worker":
        asyncio.run(worker(args))
    else:
        import uvicorn

        uvicorn.run(make_app(args), host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
