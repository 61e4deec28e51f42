"""对账 on the real system (issue 12): a site that drops removals while acknowledging them is found by the
reconciliation and mended, each delivery applied once though the worker is SIGKILLed mid-reconciliation and
the run is started again; a site down for a while gets every delivery once it is back."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from api import clock
from contracts.reconciliation import reconciliation_workflow_id
from tests import factories
from tests.system.steps import apply, decide, eventually, progress, register

pytestmark = pytest.mark.system
BIN = Path(sys.executable).parent
SITE = "creditchina_js"


def _applied(stack, site: str) -> dict[str, int]:
    return httpx.get(stack.simulator + f"/sites/{site}/deliveries").json()["applied"]


def _shown(stack, site: str, record_id: str) -> bool:
    return bool(httpx.get(stack.simulator + f"/sites/{site}/records/{record_id}").json().get("published"))


def _repaired(stack, issuer: str, uscc: str, n: int) -> tuple[list[str], list[str]]:
    """n records of one subject registered, fed to Credit China by the department, applied for and repaired;
    answers the record ids and the case ids."""
    records = [register(stack, issuer, uscc)["id"] for _ in range(n)]
    for rid in records:
        httpx.post(stack.simulator + f"/sites/{SITE}/records", json={"record_id": rid, "subject_key": uscc})
    filed = apply(stack, uscc, records)
    assert filed.status_code == 201, filed.text
    cases = [c["id"] for c in filed.json()["cases"]]
    for case_id in cases:
        eventually(lambda c=case_id: decide(stack, c, issuer, "accept").status_code == 200, timeout=30, every=0.5)
        assert decide(stack, case_id, issuer, "approve", "已履行义务，同意修复").status_code == 200
    eventually(lambda: all(len(c["deliveries"]) == 16 for c in progress(stack, filed.json()["id"], uscc)["cases"]),
               timeout=90, every=0.5)
    return records, cases


def test_removals_dropped_by_a_site_are_mended_once_though_the_worker_is_killed_mid_run(stack):
    issuer, uscc = "320500-transport", factories.uscc(9601)
    httpx.post(stack.simulator + f"/control/{SITE}", json={"drop_next": 4})  # acknowledged, never written
    records, cases = _repaired(stack, issuer, uscc, 4)
    keys = [f"{c}:{SITE}:repair" for c in cases]
    assert all(_shown(stack, SITE, r) for r in records)  # every site said yes; Credit China still shows them
    assert not any(k in _applied(stack, SITE) for k in keys)

    httpx.post(stack.simulator + f"/control/{SITE}", json={"delay_s": 1.0})  # slow: the kill lands mid-run
    day = str(clock.today())
    first = subprocess.Popen([str(BIN / "xiufu"), "reconcile", "--today", day], env=stack.env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    eventually(lambda: sum(_applied(stack, SITE).get(k, 0) for k in keys) >= 1, timeout=120, every=0.1)
    stack.kill("worker")
    first.kill()

    async def terminate() -> None:
        from temporalio.client import Client

        client = await Client.connect(stack.env["TEMPORAL_ADDRESS"])
        await client.get_workflow_handle(reconciliation_workflow_id(clock.today())).terminate("killed, for the test")

    asyncio.run(terminate())
    assert sum(_applied(stack, SITE).get(k, 0) for k in keys) < 4  # the run was cut short
    httpx.post(stack.simulator + f"/control/{SITE}", json={})
    stack.start_worker()
    again = subprocess.run([str(BIN / "xiufu"), "reconcile", "--today", day], env=stack.env, capture_output=True,
                           text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert not any(_shown(stack, SITE, r) for r in records)
    applied = _applied(stack, SITE)
    assert [applied.get(k) for k in keys] == [1, 1, 1, 1]

    # the board says what was found and done, and where
    admin = stack.token("--role", "admin")
    board = httpx.get(stack.api + "/api/v1/sync", headers=admin).json()
    cc = next(s for s in board["sites"] if s["target"] == SITE)
    assert cc["finished_at"] and not cc["error"]
    mine = {}
    for run in {s["run_id"] for s in board["sites"]}:
        page = httpx.get(stack.api + "/api/v1/sync/differences", headers=admin,
                         params={"run_id": run, "target": SITE, "kind": "shown", "limit": 1000}).json()
        mine |= {d["record_id"]: d for d in page["items"] if d["record_id"] in records}
    # whatever the killed run had already mended, the second found and mended the rest
    assert 1 <= len(mine) <= 3
    assert all(d["outcome"] == "redelivered" and d["delivery_key"] in keys for d in mine.values())


def test_a_site_down_for_a_while_gets_every_delivery_once_back(stack):
    issuer, uscc = "320500-transport", factories.uscc(9602)
    httpx.post(stack.simulator + "/control/city_320500", json={"down_for_s": 20})
    records, cases = _repaired(stack, issuer, uscc, 2)
    applied = _applied(stack, "city_320500")
    assert [applied.get(f"{c}:city_320500:repair") for c in cases] == [1, 1]
    received = httpx.get(stack.simulator + "/sites/city_320500/deliveries").json()["received"]
    assert received > len(cases)  # it was asked again while down, and applied each once
