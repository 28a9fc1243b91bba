"""GET /v1/service-kpis over the seeded records, against hand-computed values (RULES
§Complaints and feedback; docs/appraisal.md), and the OpenAPI of both endpoints."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from tests.api.appraisal_seed import XLSX, seed


@pytest.fixture
async def seeded(api):
    return await seed(api)


async def test_service_kpis_match_hand_computed_values(api, seeded):
    s = seeded
    r = await api.http.get("/v1/service-kpis", params={"period": "2025-11"}, headers=s["head"].headers)
    assert r.status_code == 200, r.text
    body = r.json()
    # Of C1–C4 (department D): answered C1, C2, C4, resolved C1, C4 → 66.67; first replies due
    # C1–C4 (C3's deadline passed), on time C1, C4 → 50; resolutions due C1, C2, C4 (C3's
    # deadline is ahead), on time C1, C4 → 66.67; confirmations 5, 2, 4 → 73.33, satisfied 2 of
    # 3; suggestions 3, decided 2, adopted 1 → 50.
    expected = {
        "department": s["dept"], "complaints_received": 4, "complaints_answered": 3, "complaints_resolved": 2,
        "first_replies_due": 4, "first_replies_on_time": 2, "resolutions_due": 3, "resolutions_on_time": 2,
        "confirmations": 3, "confirmation_rating_sum": 11, "confirmations_satisfied": 2,
        "suggestions": 3, "suggestions_decided": 2, "suggestions_adopted": 1,
        "resolution_rate": 66.67, "first_reply_on_time_rate": 50.0, "resolution_on_time_rate": 66.67,
        "satisfaction_after_resolution": 73.33, "satisfied_rate": 66.67, "suggestion_adoption_rate": 50.0,
    }  # fmt: skip
    assert body["items"] == [expected] and body["total"] == expected
    assert (body["period"], body["department"]) == ("2025-11", s["dept"])

    executive = await api.person("executive")
    r = await api.http.get("/v1/service-kpis", params={"period": "2025-11"}, headers=executive.headers)
    items = {item["department"]: item for item in r.json()["items"]}
    assert items[s["dept"]] == expected
    assert items[None]["complaints_received"] >= 1  # C5 names no project, so no department
    assert r.json()["total"]["complaints_received"] >= 5

    r = await api.http.get("/v1/service-kpis", params={"period": "2025-11", "format": "csv"},
                           headers=s["head"].headers)  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert [row["部门"] for row in rows] == [s["dept"], "合计"]
    assert (rows[0]["问题解决率（%）"], rows[0]["首次回复及时率（%）"], rows[0]["处理后满意度得分"],
            rows[0]["建议采纳率（%）"]) == ("66.67", "50.0", "73.33", "50.0")  # fmt: skip

    r = await api.http.get("/v1/service-kpis", params={"period": "2025-11", "format": "xlsx"},
                           headers=s["head"].headers)  # fmt: skip
    assert r.headers["content-type"] == XLSX
    book = openpyxl.load_workbook(io.BytesIO(r.content))
    table = list(book["客户服务指标"].iter_rows(values_only=True))
    row = dict(zip(table[0], table[1], strict=True))
    assert (row["收到投诉"], row["按时办结率（%）"], row["满意率（%）"], row["已采纳建议"]) == (4, 66.67, 66.67, 1)
    assert table[2][0] == "合计"


async def test_openapi_documents_both_endpoints_with_units(api):
    doc = (await api.http.get("/openapi.json")).json()
    for path in ("/v1/appraisal", "/v1/service-kpis"):
        op = doc["paths"][path]["get"]
        assert {"200", "401", "403", "422", "503"} <= set(op["responses"])
        assert {"application/json", "text/csv", XLSX} <= set(op["responses"]["200"]["content"])
    row = doc["components"]["schemas"]["ScorecardRow"]["properties"]
    assert "yuan" in row["risk_loss"]["description"] and "percent" in row["completion_rate"]["description"]
    assert "percent" in doc["components"]["schemas"]["ServiceKpis"]["properties"]["resolution_rate"]["description"]
