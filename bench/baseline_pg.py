"""The raw-SDK baseline of the HTTP benchmark: a workflow whose start and each update run one
activity writing one row with asyncpg. In its own module: the workflow sandbox re-imports it."""

from __future__ import annotations

from datetime import timedelta

from temporalio import activity, workflow

with workflow.unsafe.imports_passed_through():
    import asyncpg

    from workflows.search_attributes import ASSIGNEES, DUE_AT, STAGE

TABLE = """CREATE TABLE IF NOT EXISTS bench_rows (
    project_id text NOT NULL, seq integer NOT NULL, body jsonb NOT NULL, PRIMARY KEY (project_id, seq))"""


class RowWriter:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    @activity.defn(name="baseline_write_row")
    async def write_row(self, row: dict) -> None:
        await self.pool.execute(
            "INSERT INTO bench_rows (project_id, seq, body) VALUES ($1, $2, $3::jsonb) ON CONFLICT DO NOTHING",
            row["project_id"], row["seq"], row["body"],
        )


@workflow.defn
class BaselineProject:
    def __init__(self) -> None:
        self.seq = 0
        self.started = False
        self.search_attributes = False

    @workflow.run
    async def run(self, project_id: str, search_attributes: bool = False) -> None:
        self.search_attributes = search_attributes
        await self._write(project_id, "{}")
        self.started = True
        await workflow.wait_condition(lambda: False)

    async def _write(self, project_id: str, body: str) -> int:
        self.seq += 1
        # With `search_attributes`, each write also sets three of the search attributes Jindu keeps for
        # the Temporal Web UI, in one upsert: the like-for-like baseline of a service whose operations
        # filter its workflows there (bench_http.py --raw-search-attributes).
        if self.search_attributes:
            workflow.upsert_search_attributes([
                STAGE.value_set(f"step-{self.seq}"), ASSIGNEES.value_set([f"role-{self.seq % 2}"]),
                DUE_AT.value_set(workflow.now() + timedelta(days=self.seq))])
        await workflow.execute_activity("baseline_write_row", {"project_id": project_id, "seq": self.seq, "body": body},
                                        start_to_close_timeout=timedelta(seconds=30))
        return self.seq

    @workflow.update
    async def sync(self) -> int:
        await workflow.wait_condition(lambda: self.started)
        return self.seq

    @workflow.update
    async def decide(self, args: dict) -> int:
        return await self._write(args["project_id"], args["body"])
