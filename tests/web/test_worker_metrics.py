"""The worker exports the Temporal SDK's own metrics on JINDU_WORKER_METRICS_ADDRESS."""

from __future__ import annotations

import asyncio
import socket

import httpx
from temporalio.client import Client

from jindu.settings import Settings
from jindu.temporal import data_converter as pydantic_data_converter
from worker import build_worker, sdk_metrics_runtime


def free_address() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{s.getsockname()[1]}"


async def test_worker_serves_temporal_sdk_metrics(local_env, pool, cipher):
    address = free_address()
    assert sdk_metrics_runtime(Settings()) is None
    runtime = sdk_metrics_runtime(Settings(worker_metrics_address=address))
    client = await Client.connect(local_env.client.service_client.config.target_host, runtime=runtime,
                                  data_converter=pydantic_data_converter)
    worker = build_worker(client, pool=pool, task_queue="jindu-sdk-metrics-test")
    async with worker, httpx.AsyncClient(trust_env=False) as http:
        for _ in range(50):
            text = (await http.get(f"http://{address}/metrics")).text
            if "temporal_" in text:
                break
            await asyncio.sleep(0.1)
    assert "temporal_worker_start" in text or "temporal_request" in text, text[:500]


def test_the_grafana_dashboard_charts_both_metric_sets():
    import json
    from pathlib import Path

    dashboard = json.loads((Path(__file__).parents[2] / "deploy/grafana/jindu.json").read_text("utf-8"))
    exprs = " ".join(t["expr"] for p in dashboard["panels"] for t in p.get("targets", []))
    for name in ("jindu_projects", "jindu_projects_overdue", "jindu_projects_warning", "jindu_rectification_tasks_open",
                 "jindu_escalations_total", "jindu_notification_failures_total", "jindu_api_update_duration_seconds",
                 "temporal_workflow_task_schedule_to_start_latency", "temporal_worker_task_slots_available"):
        assert name in exprs, name
    ids = [p["id"] for p in dashboard["panels"]]
    assert len(ids) == len(set(ids))
