"""Killing the API or the Temporal server at a bad moment loses no application and applies no delivery twice.

The worker's SIGKILL is in test_repair_flow.py; here the API dies while applications are being filed, and
the Temporal server dies while a case is open and another is being filed.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlmodel import Session, select

from store.db import make_engine
from store.models import Application
from tests import factories
from tests.system.steps import apply, decide, eventually, progress, register

pytestmark = pytest.mark.system


def stored_applications(stack) -> dict[str, Application]:
    engine = make_engine(f"sqlite:///{stack.var / 'xiufu.db'}")
    try:
        with Session(engine) as s:
            return {a.subject_key: a for a in s.exec(select(Application)).all()}
    finally:
        engine.dispose()


def case_answers(stack, app_id: str, uscc: str) -> bool:
    """The application's case workflow exists: a caseworker's accept reaches it."""
    case = progress(stack, app_id, uscc)["cases"][0]
    if case["state"] != "pending_acceptance":
        return True
    return decide(stack, case["id"], case["handler"], "accept").status_code == 200


def test_api_killed_while_filing_loses_no_application(stack):
    issuer = "320800-transport"
    subjects = [factories.uscc(9100 + n) for n in range(12)]
    records = {u: register(stack, issuer, u)["id"] for u in subjects}
    answered: dict[str, int] = {}

    def file(uscc: str) -> None:
        try:
            answered[uscc] = apply(stack, uscc, [records[uscc]], stack.signed("applicant", subject=uscc)).status_code
        except httpx.HTTPError:
            answered[uscc] = 0  # the connection died with the API: the applicant does not know

    with ThreadPoolExecutor(max_workers=6) as pool:
        futures = [pool.submit(file, u) for u in subjects]
        eventually(lambda: len(answered) >= 3, timeout=30, every=0.01)
        stack.kill("api")  # SIGKILL while the other filings are in flight
        for f in futures:
            f.result()
    stack.restart("api")
    print(f"\nanswers when the API was killed: {sorted(answered.values())}")
    ok = [u for u, status in answered.items() if status == 201]
    assert ok, answered
    stored = stored_applications(stack)
    assert set(ok) <= set(stored), "an application answered 201 is missing"
    # every stored filing gets its workflow (the outbox sweep starts the ones the kill interrupted)
    eventually(lambda: all(a.workflow_started for a in stored_applications(stack).values() if a.subject_key
                           in records), timeout=60)
    for uscc, app in stored_applications(stack).items():
        if uscc in records:
            eventually(lambda a=app, u=uscc: case_answers(stack, a.id, u), timeout=30)
    # the filings that never reached the store can simply be made again; the stored ones are not doubled
    for uscc in subjects:
        r = apply(stack, uscc, [records[uscc]], stack.signed("applicant", subject=uscc))
        assert r.status_code == (409 if uscc in stored else 201), (uscc, r.text)


def test_temporal_server_killed_loses_nothing(stack):
    uscc = factories.uscc(9200)
    first = register(stack, "320900-transport", uscc)
    second = register(stack, "320900-market_regulation", uscc)
    app = apply(stack, uscc, [first["id"]]).json()
    case_id = app["cases"][0]["id"]
    # accepted as soon as its workflow answers (on a loaded machine the start may take a few seconds)
    eventually(lambda: case_answers(stack, app["id"], uscc), timeout=60)
    eventually(lambda: progress(stack, app["id"], uscc)["cases"][0]["state"] == "under_review", timeout=30)

    stack.kill("temporal")  # SIGKILL: the dev server's SQLite file is all that remains
    # progress is read from the store and still answers; a decision cannot be taken now and says so
    assert progress(stack, app["id"], uscc)["cases"][0]["state"] == "under_review"
    r = decide(stack, case_id, "320900-transport", "approve")
    assert (r.status_code, r.json()["code"]) == (503, "TEMPORAL_UNAVAILABLE")
    # an application filed meanwhile is kept, not turned away; its workflow starts when Temporal is back
    r = apply(stack, uscc, [second["id"]])
    assert r.status_code == 201 and r.json()["started"] is False, r.text
    later = r.json()
    stack.kill("api")  # and the API dies too: the start must come from the restarted API's outbox
    stack.restart("temporal")
    stack.restart("api")

    assert eventually(lambda: decide(stack, case_id, "320900-transport", "approve").status_code == 200,
                      timeout=60)
    later_case = later["cases"][0]["id"]
    eventually(lambda: decide(stack, later_case, "320900-market_regulation", "accept").status_code == 200,
               timeout=60)
    assert decide(stack, later_case, "320900-market_regulation", "approve").status_code == 200
    eventually(lambda: progress(stack, app["id"], uscc)["cases"][0]["state"] == "repaired", timeout=120)
    eventually(lambda: progress(stack, later["id"], uscc)["cases"][0]["state"] == "repaired", timeout=120)
    for site in ("creditchina_js", "gsxt_js", "city_320900"):
        applied = httpx.get(stack.simulator + f"/sites/{site}/deliveries").json()["applied"]
        assert applied[f"{case_id}:{site}:repair"] == 1
        assert applied[f"{later_case}:{site}:repair"] == 1
