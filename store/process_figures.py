"""How the company's processes run (004 intro 4, 6: monitored and improved), per template:
instances by status, median and p90 time per node, overdue instances, and each approver's
response time. Three statements, however many instances; the same figures go to /metrics
(api/process_app.py).
"""

from __future__ import annotations

import asyncpg
from pydantic import BaseModel, Field

Db = asyncpg.Pool | asyncpg.Connection


class NodeTime(BaseModel):
    node: str
    passed: int
    median_seconds: float | None = None
    p90_seconds: float | None = None
    timed_out: int = 0


class ApproverTime(BaseModel):
    user_id: str | None = None
    name: str | None = None
    decisions: int
    median_seconds: float | None = None


class TemplateFigures(BaseModel):
    template: str
    by_status: dict[str, int] = Field(default_factory=dict)
    overdue: int = 0
    nodes: list[NodeTime] = Field(default_factory=list)
    approvers: list[ApproverTime] = Field(default_factory=list)


STATUS = """SELECT template_key, status, count(*) AS n, count(*) FILTER (WHERE overdue AND status = 'running') AS late
            FROM processes WHERE ($1::text IS NULL OR template_key = $1) GROUP BY template_key, status"""
NODES = """SELECT template_key, node_id, count(*) FILTER (WHERE left_at IS NOT NULL) AS passed,
                  percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM left_at - entered_at)) AS median,
                  percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM left_at - entered_at)) AS p90,
                  count(*) FILTER (WHERE timed_out) AS timed_out
           FROM process_node_runs WHERE ($1::text IS NULL OR template_key = $1)
           GROUP BY template_key, node_id ORDER BY template_key, node_id"""
APPROVERS = """SELECT template_key, by_id, max(by_name) AS name, count(*) AS n,
                      percentile_cont(0.5) WITHIN GROUP (ORDER BY waited_seconds) AS median
               FROM process_decisions WHERE ($1::text IS NULL OR template_key = $1)
               GROUP BY template_key, by_id ORDER BY template_key, by_id"""


async def figures(db: Db, template: str | None = None) -> list[TemplateFigures]:
    found: dict[str, TemplateFigures] = {}

    def of(key: str) -> TemplateFigures:
        return found.setdefault(key, TemplateFigures(template=key))

    for r in await db.fetch(STATUS, template):
        f = of(r["template_key"])
        f.by_status[r["status"]] = r["n"]
        f.overdue += r["late"]
    for r in await db.fetch(NODES, template):
        of(r["template_key"]).nodes.append(NodeTime(node=r["node_id"], passed=r["passed"], median_seconds=r["median"],
                                                    p90_seconds=r["p90"], timed_out=r["timed_out"]))  # fmt: skip
    for r in await db.fetch(APPROVERS, template):
        of(r["template_key"]).approvers.append(ApproverTime(user_id=r["by_id"], name=r["name"], decisions=r["n"],
                                                            median_seconds=r["median"]))  # fmt: skip
    return sorted(found.values(), key=lambda f: f.template)
