"""End to end over HTTP: a penalty registered, applied for, accepted, approved, synced to every site and
repaired; the worker SIGKILLed mid-sync and restarted loses nothing and applies no delivery twice."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import httpx
import pytest

from api import clock
from domain.periods import add_months
from tests import factories
from tests.system.steps import apply, decide, eventually, progress, register, texts_about

pytestmark = pytest.mark.system


def test_penalty_applied_for_decided_and_repaired_on_every_site(stack):
    uscc = factories.uscc(9001)
    transport = register(stack, "320500-transport", uscc)
    market = register(stack, "320500-market_regulation", uscc)
    started = time.monotonic()
    r = apply(stack, uscc, [transport["id"], market["id"]])
    assert r.status_code == 201, r.text
    created = r.json()
    by_record = {c["record_id"]: c for c in created["cases"]}
    assert by_record[transport["id"]]["handler"] == "320500-transport"
    assert by_record[market["id"]]["handler"] == "320500-market_regulation"
    for record, authority in ((transport, "320500-transport"), (market, "320500-market_regulation")):
        case_id = by_record[record["id"]]["id"]
        assert decide(stack, case_id, authority, "accept").json()["state"] == "under_review"
        assert decide(stack, case_id, authority, "approve").json()["state"] == "approved"
    done = eventually(lambda: (p := progress(stack, created["id"], uscc)) and all(
        c["state"] == "repaired" for c in p["cases"]) and p)
    print(f"\napplication to repaired with instant decisions: {time.monotonic() - started:.2f} s")
    case = done["cases"][0]
    assert len(case["deliveries"]) == 16
    assert [e["action"] for e in case["timeline"]][:3] == ["file", "accept", "approve"]
    assert all(e["message"] and not e["message"].isascii() for e in case["timeline"])
    records = httpx.get(stack.api + f"/api/v1/subjects/{uscc}/records",
                        headers=stack.token("--role", "applicant", "--subject", uscc)).json()
    assert {r["state"] for r in records} == {"repaired"}
    assert all(r["eligibility"]["reason_codes"] == ["ALREADY_REPAIRED"] for r in records)
    site = httpx.get(stack.simulator + f"/sites/creditchina_js/records/{transport['id']}").json()
    assert site["published"] is False
    history = httpx.get(stack.api + f"/api/v1/cases/{case['id']}/history",
                        headers=stack.token("--role", "auditor")).json()
    decisions = [(e["action"], e["actor_role"], e["outcome"]) for e in history["events"]
                 if e["event_type"] == "decision"]
    assert decisions == [("accept", "caseworker", "under_review"), ("approve", "caseworker", "approved")]
    assert history["run_id"] and history["workflow_id"] in history["temporal_ui_url"]
    code = created["query_code"]
    shown = f"{code[:4]} {code[4:7]} {code[7:]}"
    assert done["query_code"] == code and len(code) == 10
    case_ids = [c["id"] for c in created["cases"]]
    texts = eventually(lambda: (t := texts_about(stack, created["id"], case_ids)) and len(t) == 5 and t)
    purposes = sorted(k.split(":")[0] for k in texts)
    assert purposes == ["approved", "approved", "filed", "repaired", "repaired"], purposes
    assert all(n == 1 and shown in text and "【江苏信用修复】" in text for n, text in texts.values())
    assert "（2项）" in texts[f"filed:{created['id']}"][1]
    # each key names the event it reports (its number in the case's history), so a workflow task run again
    # asks for the same key rather than a new message: a key drawn at random would fail here
    for case in done["cases"]:
        steps = [e["action"] for e in case["timeline"]]
        assert f"approved:{case['id']}:{steps.index('approve') + 1}" in texts
        assert f"repaired:{case['id']}:{steps.index('repaired') + 1}" in texts


def test_worker_killed_mid_sync_loses_nothing_and_applies_no_delivery_twice(stack):
    uscc = factories.uscc(9002)
    record = register(stack, "320600-transport", uscc)
    app = apply(stack, uscc, [record["id"]]).json()
    case_id = app["cases"][0]["id"]
    decide(stack, case_id, "320600-transport", "accept")
    for site in ("creditchina_js", "gsxt_js", "city_320600"):  # slow sites keep deliveries in flight
        httpx.post(stack.simulator + f"/control/{site}", json={"delay_s": 1.5})
    assert decide(stack, case_id, "320600-transport", "approve").json()["state"] == "approved"
    eventually(lambda: any(e["action"] == "sync_ack" for e in progress(stack, app["id"], uscc)["cases"][0][
        "timeline"]) or httpx.get(stack.simulator + "/sites/creditchina_js/deliveries").json()["received"])
    stack.kill("worker")  # SIGKILL: no graceful shutdown, activities cut off mid-request
    assert progress(stack, app["id"], uscc)["cases"][0]["state"] in ("approved", "syncing")
    stack.start_worker()
    done = eventually(lambda: (p := progress(stack, app["id"], uscc))["cases"][0]["state"] == "repaired" and p,
                      timeout=120)
    assert len(done["cases"][0]["deliveries"]) == 16
    for site in ("creditchina_js", "gsxt_js", "public_data_js", "city_320600", "city_320100"):
        log = httpx.get(stack.simulator + f"/sites/{site}/deliveries").json()
        key = f"{case_id}:{site}:repair"
        assert log["applied"].get(key) == 1, (site, log["applied"])
    for site in ("creditchina_js", "gsxt_js", "city_320600"):
        httpx.post(stack.simulator + f"/control/{site}", json={})
    # the applicant's SMS of each step, once: the workflow tasks the worker's death made run again asked for
    # the same messages, not new ones
    texts = eventually(lambda: (t := texts_about(stack, app["id"], [case_id])) and len(t) == 3 and t)
    assert sorted(k.split(":")[0] for k in texts) == ["approved", "filed", "repaired"]
    assert all(n == 1 for n, _ in texts.values())


def test_the_worker_killed_while_an_sms_is_in_flight_sends_it_once(stack):
    uscc = factories.uscc(9007)
    record = register(stack, "320600-transport", uscc)
    app = apply(stack, uscc, [record["id"]]).json()
    case_id = app["cases"][0]["id"]
    eventually(lambda: texts_about(stack, app["id"], [case_id]))  # the filing's SMS
    httpx.post(stack.simulator + "/message-centre/control", json={"delay_s": 2})  # each SMS takes 2 s
    try:
        assert decide(stack, case_id, "320600-transport", "request_supplement",
                      "请补充缴款凭证").status_code == 200
        time.sleep(0.5)  # the SMS is on its way to the message centre, which holds it 2 s
        assert len(texts_about(stack, app["id"], [case_id])) == 1, "the supplement's SMS arrived before the kill"
        stack.kill("worker")
        stack.start_worker()
        texts = eventually(lambda: (t := texts_about(stack, app["id"], [case_id])) and len(t) == 2 and t,
                           timeout=90)
    finally:
        httpx.post(stack.simulator + "/message-centre/control", json={})
    time.sleep(3)  # an SMS sent again would have arrived by now
    texts = texts_about(stack, app["id"], [case_id])
    assert sorted(k.split(":")[0] for k in texts) == ["filed", "supplement_requested"]
    assert all(n == 1 for n, _ in texts.values())
    (asked,) = [text for k, (_, text) in texts.items() if k.startswith("supplement_requested")]
    assert "南通市交通运输局要求补正" in asked and "请补充缴款凭证" in asked and "时限暂停计算" in asked


def test_refusals(stack):
    uscc, other = factories.uscc(9003), factories.uscc(9004)
    record = register(stack, "320700-transport", uscc)
    recent = factories.record_body(issuer="320700-transport", subject={"uscc": uscc, "name": "连云港某某公司"},
                                   decided_on=str(clock.today() - timedelta(days=3)))
    fresh = httpx.post(stack.api + "/api/v1/records", json=recent, headers=stack.token(
        "--role", "integrator", "--authority", "320700-transport")).json()
    # 403: applying for another subject; 422: commitment not signed, record not eligible yet
    assert apply(stack, uscc, [record["id"]], stack.token("--role", "applicant", "--subject", other)).status_code == 403
    r = httpx.post(stack.api + "/api/v1/applications", json={"subject": uscc, "record_ids": [record["id"]],
                   "contact_phone": "13912345678", "commitment_signed": False},
                   headers=stack.token("--role", "applicant", "--subject", uscc))
    assert (r.status_code, r.json()["code"]) == (422, "COMMITMENT_REQUIRED")
    r = apply(stack, uscc, [fresh["id"]])
    assert (r.status_code, r.json()["code"]) == (422, "NOT_ELIGIBLE")
    assert "最短公示期未满" in r.json()["message"]
    # a counter files on the subject's behalf; a second application for the same record is 409
    r = apply(stack, uscc, [record["id"]], stack.token("--role", "window", "--sub", "window:nanjing-1"))
    assert r.status_code == 201, r.text
    app = r.json()
    r = apply(stack, uscc, [record["id"]])
    assert (r.status_code, r.json()["code"]) == (409, "CASE_OPEN")
    case_id = app["cases"][0]["id"]
    # 404 for those who may not see it; 403 for a supervisor who sees but may not decide
    assert httpx.get(stack.api + f"/api/v1/applications/{app['id']}", headers=stack.token(
        "--role", "applicant", "--subject", other)).status_code == 404
    assert httpx.get(stack.api + f"/api/v1/applications/{app['id']}", headers=stack.token(
        "--role", "caseworker", "--authority", "320100-transport")).status_code == 404
    assert decide(stack, case_id, "320100-transport", "accept").status_code == 404
    r = httpx.post(stack.api + f"/api/v1/cases/{case_id}/decisions", json={"action": "accept"},
                   headers=stack.token("--role", "supervisor", "--region", "320700"))
    assert (r.status_code, r.json()["code"]) == (403, "FORBIDDEN")
    # 409 from the workflow's validator: approving before accepting
    r = decide(stack, case_id, "320700-transport", "approve")
    assert (r.status_code, r.json()["code"]) == (409, "ACTION_NOT_ALLOWED")
    # the caseworker's queue and the supervisor's region
    queue = httpx.get(stack.api + "/api/v1/cases?state=pending_acceptance", headers=stack.token(
        "--role", "caseworker", "--authority", "320700-transport")).json()
    assert case_id in {c["id"] for c in queue}
    assert case_id not in {c["id"] for c in httpx.get(stack.api + "/api/v1/cases", headers=stack.token(
        "--role", "supervisor", "--region", "320100")).json()}
    # the counter that filed withdraws before a decision; the record is free again
    r = httpx.post(stack.api + f"/api/v1/applications/{app['id']}/withdraw",
                   headers=stack.token("--role", "window", "--sub", "window:nanjing-1"))
    assert r.status_code == 200 and r.json()["cases"][0]["state"] == "withdrawn"
    assert r.json()["channel"] == "window"
    assert apply(stack, uscc, [record["id"]]).status_code == 201


def test_the_reminder_letter_is_ready_for_the_enforcement_system_and_only_for_its_readers(stack):
    from tests.pdf import pdf_fonts, pdf_text

    uscc, other = factories.uscc(9005), factories.uscc(9006)
    record = register(stack, "321100-tax", uscc)
    # rendered at registration, before anyone asks (two documents served together: 两书同达)
    eventually(lambda: list((stack.var / "letters").rglob(f"{record['id']}.pdf")), timeout=60)
    url = stack.api + f"/api/v1/records/{record['id']}/letter.pdf"
    r = eventually(lambda: (resp := httpx.get(url, headers=stack.token(
        "--role", "integrator", "--authority", "321100-tax"), timeout=40)).status_code == 200 and resp)
    assert r.headers["content-type"] == "application/pdf"
    text = pdf_text(r.content)
    assert "行政处罚信息信用修复告知书" in text and uscc in text and "国家税务总局镇江市税务局" in text
    assert all(f["emb"] == "yes" for f in pdf_fonts(r.content))
    assert httpx.get(url, headers=stack.token("--role", "applicant", "--subject", uscc)).status_code == 200
    for stranger in (stack.token("--role", "applicant", "--subject", other),
                     stack.token("--role", "caseworker", "--authority", "321100-transport"),
                     stack.token("--role", "window", "--sub", "window:nanjing-2")):
        r = httpx.get(url, headers=stranger)
        assert (r.status_code, r.json()["code"]) == (404, "NOT_FOUND")
    assert httpx.get(url).status_code == 401
    # the subject was told by SMS; the issuer (and admin) see that message, the phone masked
    notes_url = stack.api + f"/api/v1/records/{record['id']}/notifications"
    notes = eventually(lambda: httpx.get(notes_url, headers=stack.token("--role", "admin")).json())
    assert [(n["purpose"], n["status"], n["phone_masked"]) for n in notes] == [("letter_ready", "sent", "139****5678")]
    assert "13912345678" not in httpx.get(notes_url, headers=stack.token(
        "--role", "integrator", "--authority", "321100-tax")).text
    assert httpx.get(notes_url, headers=stack.token("--role", "applicant", "--subject", other)).status_code == 404


def test_a_bulk_import_gets_its_letters_in_the_background(stack):
    issuer = "321200-transport"
    rows = [factories.record_body(issuer=issuer, subject={"uscc": factories.uscc(9400 + n), "name": f"泰州{n}公司"},
                                  decided_on=str(add_months(clock.today(), -2))) for n in range(3)]
    r = httpx.post(stack.api + "/api/v1/records/batch", json={"records": rows},
                   headers=stack.token("--role", "integrator", "--authority", issuer), timeout=30)
    assert r.status_code == 200 and r.json()["created"] == 3, r.text
    ids = [row["id"] for row in r.json()["results"]]
    # rendered by the worker without anyone asking: the files appear under the letters directory
    eventually(lambda: all(list((stack.var / "letters").rglob(f"{i}.pdf")) for i in ids), timeout=60)
    letter = httpx.get(stack.api + f"/api/v1/records/{ids[1]}/letter.pdf",
                       headers=stack.token("--role", "integrator", "--authority", issuer))
    assert letter.status_code == 200 and letter.content.startswith(b"%PDF-")


def test_an_abnormal_list_and_a_serious_list_record_are_repaired_on_their_own_tracks(stack):
    """One application for the two other kinds (issue 11): each case takes its track's limits (the abnormal
    list's removal within 5 working days of the filing, the court's deletion within 3), is decided by the
    unit that listed it, and is taken off every site; the decision document carries the track's name."""
    from config.rules import rules_for
    from config.settings import get_settings
    from domain.clock import beijing_date
    from tests.pdf import pdf_text

    uscc = factories.uscc(9010)
    bodies = {
        "320500-market_regulation": factories.record_body(
            issuer="320500-market_regulation", kind="abnormal_list", penalty_types=[], fine_amount=None,
            summary="未按规定报送2025年度年度报告", decided_on=str(add_months(clock.today(), -2)),
            subject={"uscc": uscc, "name": "苏州某某科技有限公司", "contact_phone": "13912345678"}),
        "320500-court": factories.record_body(
            issuer="320500-court", kind="serious_list", severity="serious", penalty_types=[], fine_amount=None,
            record_no="（2025）苏05执123号", summary="有履行能力而拒不履行生效法律文书确定的义务",
            decided_on=str(add_months(clock.today(), -13)),
            subject={"uscc": uscc, "name": "苏州某某科技有限公司", "contact_phone": "13912345678"}),
    }
    records = {}
    for issuer, body in bodies.items():
        r = httpx.post(stack.api + "/api/v1/records", json=body,
                       headers=stack.token("--role", "integrator", "--authority", issuer))
        assert r.status_code == 201, r.text
        records[issuer] = r.json()
    r = apply(stack, uscc, [rec["id"] for rec in records.values()])
    assert r.status_code == 201, r.text
    created = r.json()
    cases = {c["handler"]: c for c in created["cases"]}
    assert set(cases) == set(bodies)  # 谁认定、谁修复: each goes to the unit that listed it
    calendar = rules_for(get_settings().config_dir).calendar
    filed_on = beijing_date(datetime.fromisoformat(progress(stack, created["id"], uscc)["filed_at"]))
    for issuer, days in (("320500-market_regulation", 5), ("320500-court", 3)):
        accepted = decide(stack, cases[issuer]["id"], issuer, "accept").json()
        assert accepted["deadline"] == calendar.add_workdays(filed_on, days).due.isoformat(), issuer
        assert decide(stack, cases[issuer]["id"], issuer, "approve").json()["state"] == "approved"
    done = eventually(lambda: (p := progress(stack, created["id"], uscc)) and all(
        c["state"] == "repaired" for c in p["cases"]) and p)
    by_handler = {c["handler"]: c for c in done["cases"]}
    assert by_handler["320500-market_regulation"]["track"] == "abnormal_list_market_regulation"
    assert by_handler["320500-court"]["track"] == "serious_list_court"
    assert all(len(c["deliveries"]) == 16 for c in done["cases"])
    site = httpx.get(stack.simulator + f"/sites/gsxt_js/records/{records['320500-market_regulation']['id']}")
    assert site.json()["published"] is False
    decision = httpx.get(stack.api + f"/api/v1/cases/{by_handler['320500-market_regulation']['id']}/decision.pdf",
                         headers=stack.token("--role", "applicant", "--subject", uscc), timeout=60)
    text = pdf_text(decision.content)
    assert "移出经营异常名录决定书" in text and "市场监管总局令第107号" in text


def test_a_revoked_penalty_is_withdrawn_from_every_site_once_though_the_worker_is_killed(stack):
    """The issuer withdraws a record whose penalty a court annulled (市场监管总局令第45号 第十一条): the applicant's
    open case is closed and texted, every site takes it off once although the worker is SIGKILLed while
    the deliveries are in flight, and the subject is texted that it is off everywhere."""
    uscc = factories.uscc(9011)
    issuer = "320700-transport"
    record = register(stack, issuer, uscc)
    app = apply(stack, uscc, [record["id"]]).json()
    integrator = stack.token("--role", "integrator", "--authority", issuer)
    for site in ("creditchina_js", "city_320700"):  # slow sites keep deliveries in flight
        httpx.post(stack.simulator + f"/control/{site}", json={"delay_s": 1.5})
    started = httpx.post(stack.api + f"/api/v1/records/{record['id']}/withdrawal", headers=integrator, json={
        "cause": "litigation", "basis": "（2026）苏07行初3号", "reason": "法院判决撤销原处罚决定"}, timeout=30)
    assert started.status_code == 202, started.text
    eventually(lambda: httpx.get(stack.simulator + "/sites/creditchina_js/deliveries").json()["received"], timeout=30)
    stack.kill("worker")
    stack.start_worker()

    def status() -> dict:
        return httpx.get(stack.api + f"/api/v1/records/{record['id']}/withdrawal", headers=integrator).json()

    done = eventually(lambda: (s := status())["withdrawal"] and s["withdrawal"]["done_at"] and s, timeout=120)
    assert done["state"] == "withdrawn" and len(done["acknowledged"]) == 16
    for site in ("creditchina_js", "city_320700", "gsxt_js"):
        httpx.post(stack.simulator + f"/control/{site}", json={})
        log = httpx.get(stack.simulator + f"/sites/{site}/deliveries").json()
        assert log["applied"][f"record:{record['id']}:{site}:withdraw"] == 1
    # the case is closed by a signal its own workflow takes: after a worker's death, maybe after the sites
    case = eventually(lambda: (c := progress(stack, app["id"], uscc)["cases"][0])["state"] == "closed" and c,
                      timeout=60)
    assert "（2026）苏07行初3号" in case["timeline"][-1]["message"]

    def sent() -> dict:
        return httpx.get(stack.simulator + "/message-centre/messages").json()

    centre = eventually(lambda: (m := sent()) and any(k.startswith(f"closed:{case['id']}") for k in m["sent"]) and m,
                        timeout=60)
    keys = [k for k in centre["sent"] if record["id"] in k or case["id"] in k]
    assert f"record_withdrawn:{record['id']}" in keys and any(k.startswith("closed:") for k in keys)
    assert all(centre["delivered"][k] == 1 for k in keys)
    again = httpx.post(stack.api + f"/api/v1/records/{record['id']}/withdrawal", headers=integrator, json={
        "cause": "litigation", "basis": "（2026）苏07行初3号"})
    assert again.status_code == 200
