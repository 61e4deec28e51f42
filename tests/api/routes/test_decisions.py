"""The repair decision downloaded through the route, after a real approval: saved as a file named by the
record's number, carrying its decision number and the caseworker's reason with one full stop."""

from __future__ import annotations

import re
from urllib.parse import unquote

from api.routes.decisions import attachment
from tests import factories
from tests.api.conftest import token
from tests.api.routes.test_cases import CASEWORKER, filed, registered
from tests.pdf import pdf_text
from tests.workflows.test_deadline import eventually


async def test_an_approved_case_s_decision_downloads_as_a_numbered_document(api):
    uscc = factories.uscc()
    record = await registered(api, uscc)
    app = await filed(api, uscc, [record["id"]])
    case_id = app["cases"][0]["id"]
    for action in ("accept", "approve"):
        r = await api.post(f"/api/v1/cases/{case_id}/decisions", json={"action": action, "reason": "同意修复。"},
                           headers=CASEWORKER)
        assert r.status_code == 200, r.text
    applicant = token("applicant", subject=uscc)

    async def repaired() -> None:
        progress = await api.get(f"/api/v1/applications/{app['id']}", headers=applicant)
        assert progress.json()["cases"][0]["state"] == "repaired"

    await eventually(repaired, seconds=60)
    r = await api.get(f"/api/v1/cases/{case_id}/decision.pdf", headers=applicant)
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    disposition = r.headers["content-disposition"]
    assert disposition.startswith("attachment; ") and disposition.isascii()
    assert f'filename="decision-{case_id}.pdf"' in disposition
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == f"信用修复决定书-{record['record_no']}.pdf"
    text = pdf_text(r.content)
    assert re.search(r"宁市监信修决〔\d{4}〕第[1-9]\d*号", text)
    assert "审核意见：同意修复。自本决定" in text and "。。" not in text
    assert case_id not in text and app["id"] not in text
    again = await api.get(f"/api/v1/cases/{case_id}/decision.pdf", headers=applicant)
    assert again.content == r.content  # kept: the same document, the same number


async def test_decisions_are_numbered_in_the_order_of_their_approvals_before_any_download(api):
    """The number is the approval's (the case workflow renders the decision when it approves), so two cases
    approved one after the other are numbered in that order, whichever is downloaded first."""
    cases = []
    for _ in range(2):
        uscc = factories.uscc()
        record = await registered(api, uscc)
        app = await filed(api, uscc, [record["id"]])
        cases.append((app["id"], app["cases"][0]["id"], token("applicant", subject=uscc)))
    for _, case_id, _ in cases:
        for action in ("accept", "approve"):
            r = await api.post(f"/api/v1/cases/{case_id}/decisions", json={"action": action}, headers=CASEWORKER)
            assert r.status_code == 200, r.text
    numbers: dict[str, str] = {}

    async def numbered() -> None:
        for app_id, case_id, applicant in cases:
            progress = await api.get(f"/api/v1/applications/{app_id}", headers=applicant)
            numbers[case_id] = progress.json()["cases"][0]["decision_no"]
            assert numbers[case_id]

    await eventually(numbered, seconds=60)
    first, second = (int(re.search(r"第(\d+)号", numbers[c]).group(1)) for _, c, _ in cases)
    assert second == first + 1
    later = await api.get(f"/api/v1/cases/{cases[1][1]}/decision.pdf", headers=cases[1][2])
    assert numbers[cases[1][1]] in pdf_text(later.content)


def test_the_file_name_takes_the_record_number_and_no_folder():
    header = attachment("case_x", "宁市监罚/2026/88号")
    assert header == ("attachment; filename=\"decision-case_x.pdf\"; filename*=UTF-8''"
                      "%E4%BF%A1%E7%94%A8%E4%BF%AE%E5%A4%8D%E5%86%B3%E5%AE%9A%E4%B9%A6-%E5%AE%81%E5%B8%82%E7%9B%91%E7%BD%9A"
                      "-2026-88%E5%8F%B7.pdf")
    assert unquote(header.split("''")[1]) == "信用修复决定书-宁市监罚-2026-88号.pdf"
    assert unquote(attachment("case_x", "").split("''")[1]) == "信用修复决定书.pdf"
