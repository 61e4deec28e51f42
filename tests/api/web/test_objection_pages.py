"""异议申诉 on the pages, without a browser: the form on /my for a shown record (its facts, the grounds, the refusal
preselected when the progress page of a denied repair leads there), a refusal coming back next to its fields
with everything typed kept, and a filing redirected to its progress; the counter's form for the walk-in it
serves; the caseworker's case page of an objection offering 更正信息, 维持原信息 and 同意修复, never 不予修复; the
correction decided on the page (a bad amount refused next to its field) and shown on the progress page with
the 异议处理决定书. The filings and decisions run their workflows on a time-skipping server (the routes' `api`)."""

from __future__ import annotations

import asyncio
import re
import uuid
from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from api.web.objections import refusals_of
from api.web.session import session_token
from config.rules import rules_for
from config.settings import get_settings
from domain.access import Principal
from domain.model import Role
from store import cases as store_cases
from store.db import engine_for, session_scope
from store.models import Application, CaseEventRow, Objection, RepairCase
from tests import factories
from tests.api.routes.conftest import api, routes_env  # noqa: F401 - the routes' app on a time-skipping server
from tests.api.web.test_payment_page import registered
from tests.api.web.test_rating_page import csrf_of, signed_in
from tests.materials import elf_bytes, png_bytes

ISSUER = "320100-market_regulation"  # factories.record_body's issuer, the record's handler
STATEMENT = "罚款金额登记有误，处罚决定书载明罚款500元"


def _case(app_id: str, record_id: str, state: str, request: str = "repair", at: datetime | None = None) -> str:
    """A case of the record in `state`, written to the store directly (no workflow: the page only reads it);
    `at`: when it last changed."""
    case_id = "case_" + uuid.uuid4().hex[:20]
    now = at or datetime.now(UTC)
    policy = rules_for(get_settings().config_dir).policy
    track = {"objection": policy.objection.key, "restructuring": policy.restructuring.key}.get(request)
    with session_scope(engine_for(get_settings().db_url)) as s:
        s.add(RepairCase(id=case_id, application_id=app_id, record_id=record_id, handler=ISSUER,
                         handler_region=ISSUER[:6], repair_channel="gsxt_js", state=state, request=request, track=track,
                         deadline=now.date(), deadline_kind="decision", updated_at=now))
        if state == "denied":
            s.add(CaseEventRow(id=f"{case_id}:1", case_id=case_id, seq=1, at=now, actor_role="caseworker", actor="x",
                               action="deny", state=state, message="不予修复", reason="未提交罚款缴纳凭证"))
    return case_id


def _application(subject: str, filed_by: str = "applicant:x") -> str:
    """An application of `subject`; `filed_by` "window:t": filed by the clerk test_rating_page.signed_in signs in."""
    app_id = "app_" + uuid.uuid4().hex[:20]
    by_clerk = filed_by.startswith("window:")
    with session_scope(engine_for(get_settings().db_url)) as s:
        s.add(Application(id=app_id, subject_key=subject, subject_name="江苏某某商贸有限公司",
                          channel="window" if by_clerk else "online", filed_by=filed_by,
                          filed_by_role="window" if by_clerk else "applicant", contact_phone="13912345678",
                          filed_at=datetime.now(UTC), query_code=store_cases.free_query_code(s),
                          workflow_started=True))
    return app_id


def _form(page: str, record_id: str, **over: str) -> dict[str, str]:
    return {"csrf": csrf_of(page), "record_id": record_id, "ground": "content", "statement": STATEMENT,
            "claimed-fine_amount": "500", "contact_phone": "13912345678", **over}


def test_the_form_shows_the_record_and_a_refusal_keeps_what_was_typed(client):
    uscc = factories.uscc()
    record = registered(uscc)
    signed_in(client, "applicant", subject=uscc)
    my = client.get("/my")
    assert f'href="/my/objections?record={record["id"]}"' in my.text and "对公示信息有异议" in my.text
    page = client.get(f"/my/objections?record={record['id']}")
    assert page.status_code == 200
    assert record["record_no"] in page.text and "现公示为：5,000.00 元" in page.text
    assert 'value="content"' in page.text and 'value="refusal"' not in page.text  # nothing refused to object to
    assert 'name="statement"' in page.text and 'maxlength="1000"' in page.text and 'name="evidence"' in page.text

    sent = _form(page.text, record["id"], statement="  ", contact_phone="1391234")
    r = client.post("/my/objections", data=sent)
    assert r.status_code == 422
    assert 'id="error-summary"' in r.text and 'href="#statement"' in r.text and 'href="#contact_phone"' in r.text
    assert 'id="statement-error">请写明异议的事实和理由' in r.text
    assert 'id="contact_phone-error">请填写正确的11位手机号码' in r.text
    assert 'id="ground-content" name="ground" value="content" aria-describedby="ground-content-hint" checked' in r.text
    assert 'name="claimed-fine_amount" value="500"' in r.text and 'value="1391234"' in r.text
    assert re.search(r"<title>错误：", r.text)

    none = client.post("/my/objections", data={**sent, "ground": "", "statement": STATEMENT,
                                               "contact_phone": "13912345678"})
    assert none.status_code == 422 and 'id="ground-error">请选择异议类型' in none.text
    assert f'value="{STATEMENT}"' not in none.text and STATEMENT in none.text  # kept, in its textarea

    # evidence: a file refused by its content is named next to its field and never kept; a good one is kept at
    # once and offered again (已保留), so the statement's refusal does not drop it
    files = [("evidence", ("凭证.png", png_bytes(), "image/png")),
             ("evidence", ("x.pdf", elf_bytes(), "application/pdf"))]
    r = client.post("/my/objections", data={**sent, "contact_phone": "13912345678"}, files=files)
    assert r.status_code == 422 and 'id="evidence-error">x.pdf：' in r.text
    kept = re.findall(r'name="kept" value="(mat_\w+)"', r.text)
    assert len(kept) == 1 and "已保留</span> 凭证.png" in r.text
    again = client.post("/my/objections", data={**sent, "kept": kept})
    assert re.findall(r'name="kept" value="(mat_\w+)"', again.text) == kept

    assert client.post("/my/objections", data={**sent, "csrf": ""}).status_code == 403
    theirs = registered(factories.uscc())
    assert client.get(f"/my/objections?record={theirs['id']}").status_code == 404
    assert signed_in(client, "caseworker", authority=ISSUER).get(
        f"/my/objections?record={record['id']}").status_code == 403


def test_a_denied_repair_leads_to_the_form_with_its_refusal_chosen(client):
    uscc = factories.uscc()
    record = registered(uscc)
    app_id = _application(uscc)
    denied = _case(app_id, record["id"], "denied")
    progress = signed_in(client, "applicant", subject=uscc).get(f"/applications/{app_id}")
    href = f"/my/objections?record={record['id']}&amp;refused={denied}"
    assert progress.status_code == 200 and f'href="{href}"' in progress.text and "对该决定提出异议" in progress.text
    page = client.get(href.replace("&amp;", "&"))
    assert page.status_code == 200
    chosen = 'id="ground-refusal" name="ground" value="refusal" aria-describedby="ground-refusal-hint" checked'
    assert chosen in page.text
    assert re.search(f'id="refused-{denied}" name="refused_case_id" value="{denied}"[^>]* checked', page.text)
    assert "未提交罚款缴纳凭证" in page.text and "不予修复决定" in page.text

    # a refusal chosen but not said which: next to the list
    r = client.post("/my/objections", data=_form(page.text, record["id"], ground="refusal"))
    assert r.status_code == 422 and 'id="refused_case_id-error">请选择所针对的不予受理或不予修复决定' in r.text
    assert f'href="#refused-{denied}"' in r.text


def test_the_case_page_of_an_objection_offers_its_own_decisions(client):
    uscc = factories.uscc()
    record = registered(uscc)
    app_id = _application(uscc)
    case_id = _case(app_id, record["id"], "under_review", request="objection")
    with session_scope(engine_for(get_settings().db_url)) as s:
        s.add(Objection(case_id=case_id, record_id=record["id"], ground="content", statement=STATEMENT,
                        claimed={"fine_amount": "500"}, filed_at=datetime.now(UTC)))
    page = signed_in(client, "caseworker", authority=ISSUER).get(f"/cases/{case_id}")
    assert page.status_code == 200
    offered = re.findall(r'name="action" value="([a-z_]+)"', page.text)
    assert {"correct", "keep", "approve"} <= set(offered) and "deny" not in offered
    assert "<h1>异议申诉：" in page.text and STATEMENT in page.text and "信息内容有误" in page.text
    assert "罚款金额：500.00 元" in page.text and "现公示为：5,000.00 元" in page.text
    assert 'name="changes-fine_amount"' in page.text and "申请人认为应为：500.00 元" in page.text
    assert "信用承诺书：申请时已在线签署" not in page.text  # an objection signs no commitment
    queue = signed_in(client, "caseworker", authority=ISSUER).get("/workbench")
    assert "（异议申诉）" in queue.text  # the queue tells an objection from a repair

    progress = signed_in(client, "applicant", subject=uscc).get(f"/applications/{app_id}")
    assert "异议申诉：" in progress.text and "提交异议" in progress.text and "核查" in progress.text
    assert "作出异议处理决定" in progress.text and STATEMENT in progress.text
    # what the line says comes of it: the three outcomes, and what the sites are told of the two that reach them
    assert ("前作出异议处理决定：更正信息、维持原信息或同意修复；更正的，随即将更正后的信息推送各信用网站，"
            "同意修复的，随即通知各信用网站撤下。") in progress.text


def test_my_and_the_counter_mark_an_objection_among_the_applications(client):
    uscc = factories.uscc()
    record = registered(uscc)
    repair = _application(uscc)
    _case(repair, record["id"], "denied")
    objection = _application(uscc, filed_by="window:t")
    _case(objection, record["id"], "under_review", request="objection")
    my = signed_in(client, "applicant", subject=uscc).get("/my")
    assert my.status_code == 200
    assert re.search(rf'href="/applications/{objection}">[^<]* 提交的申请（异议申诉）</a>', my.text)
    assert re.search(rf'href="/applications/{repair}">[^<（]* 提交的申请</a>', my.text)  # a repair: not marked
    window = signed_in(client, "window", authority="320100-service_centre").get("/window")
    assert window.status_code == 200
    assert re.search(rf'href="/applications/{objection}">江苏某某商贸有限公司 · [^<]*（异议申诉）</a>', window.text)


def test_the_form_offers_the_records_refusals_not_objected_to_newest_first(client):
    uscc = factories.uscc()
    record, other = registered(uscc), registered(uscc)
    start = datetime.now(UTC)
    older = _case(_application(uscc), record["id"], "denied", at=start)
    objected = _case(_application(uscc), record["id"], "not_accepted", at=start + timedelta(days=1))
    newer = _case(_application(uscc), record["id"], "not_accepted", at=start + timedelta(days=2))
    _case(_application(uscc), record["id"], "withdrawn", at=start + timedelta(days=3))  # not a refusal
    elsewhere = _case(_application(uscc), other["id"], "denied")  # another record's
    objection = _case(_application(uscc), record["id"], "kept", request="objection", at=start + timedelta(days=4))
    with session_scope(engine_for(get_settings().db_url)) as s:
        s.add(Objection(case_id=objection, record_id=record["id"], ground="refusal", refused_case_id=objected,
                        statement=STATEMENT, claimed={}, filed_at=start))
    with Session(engine_for(get_settings().db_url)) as s:
        assert [c.id for c in store_cases.refused_cases_of(s, record["id"])] == [newer, objected, older]
        found = refusals_of(s, rules_for(get_settings().config_dir), record["id"])
    assert [r.case_id for r in found] == [newer, older]  # the one objected to already is not offered again
    assert [r.state_label for r in found] == ["不予受理", "不予修复"]
    assert found[1].reason == "未提交罚款缴纳凭证" and found[1].handler_name and found[1].decided_at

    page = signed_in(client, "applicant", subject=uscc).get(f"/my/objections?record={record['id']}").text
    offered = re.findall(r'id="refused-(case_\w+)" name="refused_case_id"', page)
    assert offered == [newer, older] and objected not in page and elsewhere not in page


def _sign_in(web, role: str, **scope: str) -> None:
    web.cookies.clear()
    web.cookies.set("xiufu_session", session_token(get_settings(), Principal(sub=f"{role}:p", role=Role(role),
                                                                             **scope)))


async def _until(web, url: str, text: str) -> str:
    for _ in range(300):
        page = (await web.get(url)).text
        if text in page:
            return page
        await asyncio.sleep(0.05)
    raise AssertionError(f"{url} never shows {text}")


async def test_an_objection_filed_on_my_is_corrected_on_the_case_page_and_shown(api):  # noqa: F811
    uscc = factories.uscc()
    record = registered(uscc)
    _sign_in(api, "applicant", subject=uscc)
    page = await api.get(f"/my/objections?record={record['id']}")
    r = await api.post("/my/objections", data=_form(page.text, record["id"]), follow_redirects=False)
    assert r.status_code == 303, r.text
    location = r.headers["location"]
    assert re.fullmatch(r"/applications/app_\w+\?objected=1", location)
    progress = (await api.get(location)).text
    assert "异议申诉已提交" in progress and "异议申诉办理进度" in progress and STATEMENT in progress
    case_id = re.search(r'id="case-(case_\w+)"', progress).group(1)
    again = await api.post("/my/objections", data=_form(page.text, record["id"]))
    assert again.status_code == 422 and "该信息已有正在办理的申请" in again.text  # refused; the page says why

    _sign_in(api, "caseworker", authority=ISSUER)
    case = await api.get(f"/cases/{case_id}")
    assert (await api.post(f"/cases/{case_id}/decisions", data={"csrf": csrf_of(case.text), "action": "accept"},
                           follow_redirects=False)).status_code == 303
    case_page = await _until(api, f"/cases/{case_id}", 'value="correct"')
    bad = await api.post(f"/cases/{case_id}/decisions", data={
        "csrf": csrf_of(case_page), "action": "correct", "reason": "核对处罚决定书原件", "changes-fine_amount": "五百"})
    assert bad.status_code == 422
    assert 'id="changes-fine_amount-error">罚款金额应为大于0的金额' in bad.text and 'value="五百"' in bad.text
    assert "核对处罚决定书原件" in bad.text
    done = await api.post(f"/cases/{case_id}/decisions", data={
        "csrf": csrf_of(case_page), "action": "correct", "reason": "核对处罚决定书原件，金额登记错误",
        "changes-fine_amount": "500"}, follow_redirects=False)
    assert done.status_code == 303, done.text

    _sign_in(api, "applicant", subject=uscc)
    shown = await _until(api, location.split("?")[0], "已更正</strong>")
    assert "由 5,000.00 元 更正为 <strong>500.00 元</strong>" in shown
    assert f'href="/cases/{case_id}/decision.pdf">下载《异议处理决定书》' in shown


async def test_the_counter_objects_for_the_walk_in_and_prints_the_receipt(api):  # noqa: F811
    uscc = factories.uscc()
    record = registered(uscc)
    _sign_in(api, "window", authority="320100-service_centre")
    window = await api.get(f"/window?subject={uscc}")
    href = f"/window/objections?subject={uscc}&amp;record={record['id']}"
    assert f'href="{href}"' in window.text
    page = await api.get(href.replace("&amp;", "&"))
    assert page.status_code == 200 and f'name="subject" value="{uscc}"' in page.text
    r = await api.post("/window/objections", data={**_form(page.text, record["id"]), "subject": uscc},
                       follow_redirects=False)
    assert r.status_code == 303 and re.fullmatch(r"/applications/app_\w+/receipt", r.headers["location"])
    receipt = await api.get(r.headers["location"])
    assert receipt.status_code == 200 and "异议申诉提交回执" in receipt.text and "异议处理决定" in receipt.text
