"""Bulk registration from a spreadsheet over the API: the template, then a filled sheet answered row by row,
registered through the batch's own path (visible on the subject, idempotent on a second import)."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from services import importing
from tests import factories
from tests.api.conftest import ADMIN, token
from tests.xlsx import filled, row_of

MR = token("integrator", authority="320100-market_regulation")
XLSX = importing.XLSX_TYPE


def upload(client, data: bytes, headers=MR, **form):
    return client.post("/api/v1/records/import", files={"file": ("records.xlsx", data, XLSX)}, data=form,
                       headers=headers)


def test_the_template_is_an_xlsx_for_integrators(client):
    r = client.get("/api/v1/records/import-template.xlsx", headers=MR)
    assert r.status_code == 200 and r.headers["content-type"] == XLSX
    assert "attachment" in r.headers["content-disposition"]
    book = load_workbook(io.BytesIO(r.content))
    assert [c.value for c in book[importing.SHEET][1]][:3] == ["信息类别", "决定文书号", "失信程度"]
    assert client.get("/api/v1/records/import-template.xlsx",
                      headers=token("applicant", subject="91350100M000100Y43")).status_code == 403
    assert client.get("/api/v1/records/import-template.xlsx").status_code == 401


def test_a_sheet_is_registered_row_by_row_and_again_answers_existing(client):
    good = [factories.record_body() for _ in range(2)]
    bad_uscc = row_of(factories.record_body(), 统一社会信用代码="91320100MA1XXXXXX0")
    rows = [row_of(good[0]), row_of(决定日期="2026-02-30"), bad_uscc, row_of(good[1]), row_of(信息类别="红名单")]
    r = upload(client, filled(rows))
    assert r.status_code == 200, r.text
    out = r.json()
    assert (out["created"], out["existing"], out["failed"]) == (2, 0, 3)
    by_row = {row["row"]: row for row in out["rows"]}
    assert [by_row[n]["status"] for n in range(2, 7)] == ["created", "error", "error", "created", "error"]
    assert by_row[3]["code"] == "INVALID_DATE" and by_row[3]["column"] == "决定日期"
    assert by_row[4]["code"] == "INVALID_USCC" and by_row[4]["column"] == "统一社会信用代码"
    assert by_row[6]["code"] == "INVALID_KIND" and "红名单" in by_row[6]["message"]
    for body, n in ((good[0], 2), (good[1], 5)):
        seen = client.get(f"/api/v1/subjects/{body['subject']['uscc']}/records", headers=ADMIN).json()
        assert [x["id"] for x in seen] == [by_row[n]["id"]]
        assert seen[0]["record_no"] == body["record_no"]

    again = upload(client, filled(rows)).json()
    assert (again["created"], again["existing"], again["failed"]) == (0, 2, 3)
    assert {row["row"]: row.get("id") for row in again["rows"] if row["status"] == "existing"} == \
        {2: by_row[2]["id"], 5: by_row[5]["id"]}


def test_rows_refused_by_the_rules_answer_as_in_the_batch(client):
    body = factories.record_body()
    changed = row_of(body, 失信程度="严重")
    future = row_of(决定日期="2099-01-01")
    abnormal_with_penalty = row_of(信息类别="经营异常名录", 处罚种类="罚款")
    out = upload(client, filled([row_of(body), changed, future, abnormal_with_penalty])).json()
    codes = [row.get("code") for row in out["rows"]]
    assert codes == [None, "RECORD_CONFLICT", "DECIDED_IN_FUTURE", "PENALTY_TYPES_NOT_ALLOWED"]
    assert out["rows"][2]["column"] == "决定日期" and out["rows"][3]["column"] == "处罚种类"


def test_only_the_issuers_own_integrator_or_the_admin_imports(client):
    data = filled([row_of()])
    other = upload(client, data, issuer="320200-market_regulation")
    assert other.status_code == 403 and other.json()["code"] == "FORBIDDEN"
    assert upload(client, data, headers=ADMIN).status_code == 403  # the admin names the issuer
    admin = upload(client, data, headers=ADMIN, issuer="320100-market_regulation")
    assert admin.status_code == 200 and admin.json()["created"] == 1
    assert upload(client, data, headers=token("caseworker", authority="320100-market_regulation")).status_code == 403


def test_a_file_that_is_no_sheet_or_too_long_is_refused_whole(client):
    r = upload(client, b"%PDF-1.7\n")
    assert r.status_code == 422 and r.json()["code"] == "IMPORT_NOT_XLSX" and "xlsx" in r.json()["message"]
    too_many = upload(client, filled([row_of()] * 1001))
    assert too_many.status_code == 422 and too_many.json()["code"] == "IMPORT_TOO_MANY_ROWS"
    empty = upload(client, importing.template([]))
    assert empty.status_code == 422 and empty.json()["code"] == "IMPORT_NO_ROWS"
    assert client.post("/api/v1/records/import", headers=MR).status_code == 422  # no file at all
    assert client.post("/api/v1/records/import", files={"file": ("x.xlsx", b"x", XLSX)}).status_code == 401


def test_the_openapi_declares_the_template_as_binary_xlsx_and_the_upload_as_multipart(client):
    spec = client.get("/openapi.json").json()
    template = spec["paths"]["/api/v1/records/import-template.xlsx"]["get"]
    assert template["responses"]["200"]["content"][XLSX]["schema"] == {"type": "string", "format": "binary"}
    upload_op = spec["paths"]["/api/v1/records/import"]["post"]
    assert "multipart/form-data" in upload_op["requestBody"]["content"]
    assert "IMPORT_NOT_XLSX" in upload_op["responses"]["422"]["description"]
    assert "IMPORT_TOO_MANY_ROWS" in upload_op["responses"]["422"]["description"]
