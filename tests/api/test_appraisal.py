"""GET /v1/appraisal over seeded records (tests/api/appraisal_seed.py), against hand-computed values
(RULES §Performance appraisal, §Complaints and feedback; docs/appraisal.md).

The rows are inserted as the project, complaint, revisit and risk record activities leave
them; the period is November 2025 in Asia/Shanghai, with facts just outside it (October,
December, a completion at 00:30 local on 1 December) that must not count.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal

import openpyxl
import pytest

from tests.api.appraisal_seed import XLSX, seed
from tests.api.conftest import assert_error
from tests.appraisal_rows import SH


@pytest.fixture
async def seeded(api):
    return await seed(api)


# A: completion 2 of 3 = 66.67; deviation mean(10, −20) = −5, score mean(90, 100) = 95;
# satisfaction (4 + 5 + 2) / 3 / 5 × 100 = 73.33; first pass 1 of 2 = 50; reports 3 of 4 = 75;
# complaints 1 on time of 2 due (3 received) = 50; risk 100 − 20 − 3 = 77.
# total = (20·66.67 + 15·95 + 25·73.33 + 10·50 + 10·75 + 10·50 + 10·77) / 100 = 71.1165
A_ROW = {
    "milestones_due": 3, "milestones_done": 2, "completion_rate": 66.67,
    "projects_completed": 2, "cycle_deviation_rate": -5.0, "deviation_score": 95.0,
    "ratings": 3, "satisfaction_score": 73.33,
    "reviews": 2, "first_review_pass_rate": 50.0,
    "reports_due": 4, "reports_on_time": 3, "report_timeliness_rate": 75.0,
    "complaints_received": 3, "complaints_due": 2, "complaints_on_time": 1, "complaints_on_time_rate": 50.0,
    "risk_events": 1, "risk_loss": "30000.00", "risk_score": 77.0,
    "total_score": 71.12, "rank": 2,
}
# B: completion 100, satisfaction 100, reports 1 of 2 = 50, risk 100 (no events);
# total = (20·100 + 25·100 + 10·50 + 10·100) / 65 = 92.31.
B_ROW = {
    "milestones_due": 2, "milestones_done": 2, "completion_rate": 100.0,
    "projects_completed": 0, "cycle_deviation_rate": None, "deviation_score": None,
    "ratings": 1, "satisfaction_score": 100.0,
    "reviews": 0, "first_review_pass_rate": None,
    "reports_due": 2, "reports_on_time": 1, "report_timeliness_rate": 50.0,
    "complaints_received": 0, "complaints_due": 0, "complaints_on_time": 0, "complaints_on_time_rate": None,
    "risk_events": 0, "risk_loss": "0", "risk_score": 100.0,
    "total_score": 92.31, "rank": 1,
}
# None of them has a deal or a follow-up (issue 14): those figures are left out of the totals.
NO_DEALS = {"deals": 0, "deal_value": "0", "commission": "0", "deals_score": None, "deal_value_score": None,
            "commission_score": None, "follow_ups": 0, "follow_ups_on_time": 0, "follow_up_on_time_rate": None,
            "lost_to_pool": 0}
C_ROW = {**{k: 0 for k in B_ROW if isinstance(B_ROW[k], int) and k != "rank"}, **{
    k: None for k in ("completion_rate", "cycle_deviation_rate", "deviation_score", "satisfaction_score",
                      "first_review_pass_rate", "report_timeliness_rate", "complaints_on_time_rate", "risk_score",
                      "total_score", "rank")}, "risk_loss": "0"}  # fmt: skip


def by_name(rows: list[dict]) -> dict[str, dict]:
    return {row["name"]: row for row in rows}


async def test_scorecard_rows_match_hand_computed_values(api, seeded):
    s = seeded
    r = await api.http.get("/v1/appraisal", params={"period": "2025-11"}, headers=s["head"].headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["period"], body["first_day"], body["last_day"], body["department"]) == (
        "2025-11", "2025-11-01", "2025-11-30", s["dept"])
    assert body["weights"] == {"completion": 20, "deviation": 15, "satisfaction": 25, "first_pass": 10,
                               "report_timeliness": 10, "complaints_on_time": 10, "risk": 10, "deals": 10,
                               "deal_value": 10, "commission": 10, "follow_up_timeliness": 10}
    rows = body["rows"]
    assert [row["name"] for row in rows] == [s["b"].name, s["a"].name, s["formula"]]  # by rank, unranked last
    got = by_name(rows)
    base = lambda p: {"department": s["dept"], "user_id": p.id}  # noqa: E731
    assert {**got[s["a"].name], "risk_loss": str(Decimal(got[s["a"].name]["risk_loss"]))} == {
        **base(s["a"]), "name": s["a"].name, **A_ROW, **NO_DEALS}
    assert {**got[s["b"].name], "risk_loss": str(Decimal(got[s["b"].name]["risk_loss"]).normalize())} == {
        **base(s["b"]), "name": s["b"].name, **B_ROW, **NO_DEALS}
    assert {**got[s["formula"]], "risk_loss": str(Decimal(got[s["formula"]]["risk_loss"]).normalize())} == {
        **base(s["c"]), "name": s["formula"], **C_ROW, **NO_DEALS}


async def test_quarter_and_year_take_in_every_month(api, seeded):
    s = seeded
    for period in ("2025-Q4", "2025"):
        r = await api.http.get("/v1/appraisal", params={"period": period}, headers=s["head"].headers)
        a = by_name(r.json()["rows"])[s["a"].name]
        # Key nodes m1–m5 due, m1, m2 (done 2 December) and m3 done by the close: 3 of 5.
        assert (a["milestones_due"], a["milestones_done"], a["completion_rate"]) == (5, 3, 60.0)
        # P4 (+50%) completes in the quarter: mean(10, −20, 50) = 13.33, score mean(90, 100, 50) = 80.
        assert (a["projects_completed"], a["cycle_deviation_rate"], a["deviation_score"]) == (3, 13.33, 80.0)
        assert (a["ratings"], a["satisfaction_score"]) == (4, 70.0)  # (4 + 5 + 2 + 3) / 4 / 5
        assert (a["reviews"], a["first_review_pass_rate"]) == (3, 66.67)  # P1's October approval counts now
        assert (a["reports_due"], a["reports_on_time"]) == (5, 3)
        assert (a["complaints_received"], a["complaints_due"], a["complaints_on_time"]) == (4, 3, 1)
        assert (a["risk_events"], Decimal(a["risk_loss"]), a["risk_score"]) == (2, Decimal("129999.00"), 47.0)
    r = await api.http.get("/v1/appraisal", params={"period": "2025-10"}, headers=s["head"].headers)
    a = by_name(r.json()["rows"])[s["a"].name]
    assert (a["milestones_due"], a["milestones_done"], a["reports_due"], a["reports_on_time"]) == (1, 0, 1, 0)


async def test_xlsx_workbook_has_chinese_headers_and_the_hand_computed_figures(api, seeded):
    s = seeded
    executive = await api.person("executive")
    r = await api.http.get("/v1/appraisal", params={"period": "2025-11", "department": s["dept"], "format": "xlsx"},
                           headers=executive.headers)  # fmt: skip
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == XLSX
    assert r.headers["content-disposition"].startswith('attachment; filename="appraisal-2025-11-')
    book = openpyxl.load_workbook(io.BytesIO(r.content))
    assert book.sheetnames == ["考核结果", "说明"]
    sheet = book["考核结果"]
    table = [list(row) for row in sheet.iter_rows(values_only=True)]
    headers = table[0]
    assert headers[:5] == ["部门", "姓名", "应完成关键节点", "已完成关键节点", "关键节点完成率（%）"]
    assert {"总分", "部门排名", "风险损失金额（元）", "客户满意度得分", "周报及时率（%）", "投诉按时办结率（%）",
            "首次审核通过率（%）", "平均业务周期偏差率（%）", "风险事件数", "收到投诉"} <= set(headers)
    rows = {row[1]: dict(zip(headers, row, strict=True)) for row in table[1:]}
    assert set(rows) == {s["a"].name, s["b"].name, s["formula"]}
    a = rows[s["a"].name]
    assert (a["部门"], a["应完成关键节点"], a["已完成关键节点"], a["关键节点完成率（%）"]) == (s["dept"], 3, 2, 66.67)
    assert (a["完成项目数"], a["平均业务周期偏差率（%）"], a["周期偏差得分"]) == (2, -5, 95)
    assert (a["客户评价数"], a["客户满意度得分"], a["首次审核数"], a["首次审核通过率（%）"]) == (3, 73.33, 2, 50)
    assert (a["应交周报"], a["按时周报"], a["周报及时率（%）"]) == (4, 3, 75)
    assert (a["收到投诉"], a["应办结投诉"], a["按时办结投诉"], a["投诉按时办结率（%）"]) == (3, 2, 1, 50)
    assert (a["风险事件数"], a["风险损失金额（元）"], a["风险得分"]) == (1, 30000, 77)
    assert (a["总分"], a["部门排名"]) == (71.12, 2)
    b = rows[s["b"].name]
    assert (b["总分"], b["部门排名"], b["平均业务周期偏差率（%）"]) == (92.31, 1, None)
    formula_cell = next(row for row in sheet.iter_rows(min_row=2) if row[1].value == s["formula"])[1]
    assert formula_cell.data_type == "s"  # a name typed like a formula stays text
    notes = {row[0]: row[1] for row in book["说明"].iter_rows(values_only=True) if row and row[0]}
    assert notes["考核期间"] == "2025-11" and notes["部门"] == s["dept"]
    assert (notes["关键节点完成率"], notes["客户满意度"], notes["每起风险事件扣分"]) == (20, 25, 20)
    assert (notes["成交数"], notes["跟进及时率"], notes["成交指标的基准"]) == (10, 10, "本部门本期人均（未设成交目标）")

    r = await api.http.get("/v1/appraisal", params={"period": "2025-11", "format": "xlsx", "lang": "en"},
                           headers=s["head"].headers)  # fmt: skip
    book = openpyxl.load_workbook(io.BytesIO(r.content))
    assert book.sheetnames == ["Scorecard", "Notes"]
    assert next(book["Scorecard"].iter_rows(values_only=True))[:2] == ("Department", "Name")


async def test_csv_by_accept_header(api, seeded):
    s = seeded
    r = await api.http.get("/v1/appraisal", params={"period": "2025-11"},
                           headers={**s["head"].headers, "Accept": "text/csv"})  # fmt: skip
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "text/csv; charset=utf-8"
    assert r.content.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert [row["姓名"] for row in rows] == [s["b"].name, s["a"].name, "'" + s["formula"]]
    a = rows[1]
    assert (a["关键节点完成率（%）"], a["平均业务周期偏差率（%）"], a["客户满意度得分"], a["风险损失金额（元）"]) == (
        "66.67", "-5.0", "73.33", "30000.00")
    assert (a["总分"], a["部门排名"], rows[2]["总分"], rows[2]["部门排名"]) == ("71.12", "2", "", "")
    assert (await api.http.get("/v1/appraisal", params={"period": "2025-11", "format": "csv"},
                               headers=s["head"].headers)).text == r.text  # fmt: skip


async def test_who_may_see_which_appraisal(api, seeded):
    s = seeded
    other_head = await api.person("dept_head", s["other"].department)
    for person in (s["a"], await api.person("auditor"), await api.person("customer")):
        assert_error(await api.http.get("/v1/appraisal", headers=person.headers), 403, "forbidden")
        assert_error(await api.http.get("/v1/service-kpis", headers=person.headers), 403, "forbidden")
    r = await api.http.get("/v1/appraisal", params={"period": "2025-11", "department": s["dept"]},
                           headers=other_head.headers)  # fmt: skip
    assert_error(r, 403, "forbidden")
    assert_error(await api.http.get("/v1/service-kpis", params={"department": s["dept"]},
                                    headers=other_head.headers), 403, "forbidden")  # fmt: skip
    r = await api.http.get("/v1/appraisal", params={"period": "2025-11"}, headers=other_head.headers)
    assert [row["name"] for row in r.json()["rows"]] == [s["other"].name]  # their own department only
    assert_error(await api.http.get("/v1/appraisal"), 401, "unauthorized")
    for role in ("operations", "executive"):
        person = await api.person(role)
        r = await api.http.get("/v1/appraisal", params={"period": "2025-11"}, headers=person.headers)
        assert r.status_code == 200 and r.json()["department"] is None
        names = {row["name"] for row in r.json()["rows"]}
        assert {s["a"].name, s["b"].name, s["other"].name} <= names


@pytest.mark.parametrize("params", [
    {"period": "2025-13"}, {"period": "2025-Q5"}, {"period": "25-11"}, {"period": "2025-11-01"}, {"period": "x"},
    {"format": "pdf"}, {"lang": "fr"}, {"department": "d" * 101}, {"department": " "},
])  # fmt: skip
async def test_bad_input_is_422(api, seeded, params):
    for path in ("/v1/appraisal", "/v1/service-kpis"):
        r = await api.http.get(path, params=params, headers=seeded["head"].headers)
        assert_error(r, 422, "invalid")


async def test_the_current_month_by_default(api, seeded):
    r = await api.http.get("/v1/appraisal", headers=seeded["head"].headers)
    assert r.status_code == 200
    today = datetime.now(UTC).astimezone(SH).date()
    assert r.json()["period"] == f"{today:%Y-%m}" and r.json()["first_day"] == f"{today:%Y-%m}-01"
