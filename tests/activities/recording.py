"""Recording batches through the `record` activity, for the activity tests."""

from temporalio.testing import ActivityEnvironment

from domain.steps import RecordBatch
from tests.fixtures_db import intake_step, new_project_id, record_batch


async def record(acts, batch: RecordBatch) -> None:
    await ActivityEnvironment().run(acts.record, batch)


async def count(pool, table, project_id):
    return await pool.fetchval(f"SELECT count(*) FROM {table} WHERE project_id = $1", project_id)


async def started(acts, project_id: str | None = None) -> str:
    """A project whose intake (batch 1) is recorded."""
    pid = project_id or new_project_id()
    await record(acts, record_batch(pid, 1, intake_step(), view={"stage": "assessment"}))
    return pid


DECISION = {"gate": "plan", "level": "dept_head", "decision": "approve", "round": 2}
