"""OpenAPI that works offline and documents every field (with units) and 400/503."""

from __future__ import annotations

import re


async def test_every_field_has_a_description_and_every_action_documents_400_and_503(stack):
    doc = (await stack.http.get("/openapi.json")).json()
    undocumented = [f"{name}.{field}" for name, schema in doc["components"]["schemas"].items()
                    for field, prop in (schema.get("properties") or {}).items() if not prop.get("description")]
    assert undocumented == []
    props = doc["components"]["schemas"]
    assert "yuan" in props["AssessmentIn"]["properties"]["budget"]["description"]
    assert "working days" in props["MeasureIn"]["properties"]["deadline_working_days"]["description"]
    assert "calendar days" in props["AssessmentIn"]["properties"]["expected_cycle_days"]["description"]
    for path, operations in doc["paths"].items():
        if path.startswith("/v1/"):
            for method, op in operations.items():
                assert {"400", "503"} <= set(op["responses"]), (method, path)
                assert "Retry-After" in op["responses"]["503"]["headers"], (method, path)
    assert doc["paths"]["/v1/projects/{project_id}/decisions"]["post"]["responses"]["503"]["content"][
        "application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorBody"}


async def test_docs_pages_load_only_assets_served_here(stack):
    for page in ("/docs", "/redoc"):
        r = await stack.http.get(page)
        assert r.status_code == 200
        assert "default-src 'self'" in r.headers["content-security-policy"]
        urls = re.findall(r"""(?:src|href)=["']([^"']+)""", r.text) + re.findall(r"url: ?'([^']+)'", r.text)
        assert urls and all(u.startswith("/") for u in urls), urls
        for asset in urls:
            if asset.startswith("/static/"):
                assert (await stack.http.get(asset)).status_code == 200, asset
