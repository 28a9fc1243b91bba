"""Liveness, metrics, request ids and the OpenAPI document."""

from __future__ import annotations

import re

CONTRACT = {
    ("post", "/v1/projects"), ("get", "/v1/projects"), ("get", "/v1/projects/{project_id}"),
    ("post", "/v1/projects/{project_id}/assessment"), ("post", "/v1/projects/{project_id}/plan"),
    ("post", "/v1/projects/{project_id}/decisions"), ("post", "/v1/projects/{project_id}/reports"),
    ("post", "/v1/projects/{project_id}/results"), ("post", "/v1/projects/{project_id}/acceptance"),
    ("post", "/v1/projects/{project_id}/warning-analysis"), ("post", "/v1/projects/{project_id}/cancel"),
    ("get", "/v1/tasks"), ("post", "/v1/tasks/{task_id}/complete"), ("get", "/v1/kpis"),
    ("get", "/healthz"), ("get", "/metrics"),
    # Additions (issue 6 and operations): not in DESIGN's first table, fixed since.
    ("post", "/v1/projects/{project_id}/reassign"), ("post", "/v1/projects/{project_id}/deadline"),
    ("post", "/v1/projects/{project_id}/customer/dispose"), ("get", "/v1/calendar"), ("put", "/v1/calendar/{year}"),
}


async def test_healthz(api):
    r = await api.http.get("/healthz")
    assert r.status_code == 200 and r.json() == {"status": "ok"}
    assert re.fullmatch(r"[0-9a-f]{32}", r.headers["x-request-id"])


async def test_metrics_count_requests_by_route_template_and_status(api, users):
    await api.http.get("/v1/projects/metrics-probe", headers=users["agent"].headers)
    await api.http.get("/v1/projects/metrics-probe-2", headers=users["agent"].headers)
    r = await api.http.get("/metrics", headers=users["operations"].headers)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    line = re.search(r'^jindu_http_requests_total\{method="GET",route="/v1/projects/\{project_id\}",status="404"\} '
                     r"(\d+)\.0$", r.text, re.M)
    assert line and int(line.group(1)) >= 2, r.text[:3000]
    count = re.search(r'^jindu_http_request_duration_seconds_count\{method="GET",route="/v1/projects/\{project_id\}",'
                      r'status="404"\} (\d+)\.0$', r.text, re.M)
    assert count and int(count.group(1)) >= 2
    assert "metrics-probe" not in r.text  # ids never become label values


async def test_openapi_lists_every_contract_path_with_descriptions(api):
    doc = (await api.http.get("/openapi.json")).json()
    found = {(method, path) for path, ops in doc["paths"].items() for method in ops}
    assert CONTRACT <= found, CONTRACT - found
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            assert op.get("summary") and op.get("description"), (method, path)
            if path.startswith("/v1/"):
                assert "401" in op["responses"], (method, path)
    create = doc["paths"]["/v1/projects"]["post"]
    assert {"200", "201", "403", "409", "422"} <= set(create["responses"])
    assert "bearer" in str(doc["components"]["securitySchemes"]).lower()


async def test_openapi_documents_idempotency_keys_and_outages(api):
    """DESIGN §Additions: every action takes an Idempotency-Key; outages are 503 with
    Retry-After and `may_have_applied` — all of it in the OpenAPI document."""
    doc = (await api.http.get("/openapi.json")).json()
    actions = [(path, op) for path, ops in doc["paths"].items() for method, op in ops.items()
               if method == "post" and path.startswith(("/v1/projects", "/v1/tasks"))]  # fmt: skip
    assert len(actions) >= 13
    for path, op in actions:
        headers = {p["name"]: p for p in op.get("parameters", []) if p["in"] == "header"}
        assert "Idempotency-Key" in headers, path
        assert headers["Idempotency-Key"]["schema"]["anyOf"][0]["pattern"], path
        assert "422" in op["responses"], path
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            if path.startswith("/v1/"):
                outage = op["responses"].get("503")
                assert outage and "Retry-After" in outage["headers"], (method, path)
    detail = doc["components"]["schemas"]["ErrorDetail"]["properties"]
    assert {"code", "message", "details", "may_have_applied"} <= set(detail)
    listing = {p["name"]: p["schema"] for p in doc["paths"]["/v1/projects"]["get"]["parameters"]}
    assert listing["offset"]["maximum"] == 100_000 and listing["limit"]["maximum"] == 100
