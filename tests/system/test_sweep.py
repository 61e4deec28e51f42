"""The daily sweep on the real system: the Schedule the worker creates, `xiufu sweep --today`, the
monitoring figures over HTTP, and a sweep killed halfway (worker SIGKILLed, run terminated) then run again
for the same day: every reminder delivered exactly once."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from api import clock
from config.temporal import DATA_CONVERTER
from contracts.sweep import REMINDER_SCHEDULE_ID, sweep_workflow_id
from domain.periods import add_months
from tests import factories
from tests.system.steps import eventually

pytestmark = pytest.mark.system
BIN = Path(sys.executable).parent


def temporal(stack):  # type: ignore[no-untyped-def]
    from temporalio.client import Client

    return Client.connect(stack.env["TEMPORAL_ADDRESS"], data_converter=DATA_CONVERTER)


def test_the_worker_creates_the_daily_schedule(stack):
    async def describe():  # type: ignore[no-untyped-def]
        from temporalio.service import RPCError

        try:
            return await (await temporal(stack)).get_schedule_handle(REMINDER_SCHEDULE_ID).describe()
        except RPCError:
            return None  # the worker is still starting

    found = eventually(lambda: asyncio.run(describe()), timeout=30)
    calendar = found.schedule.spec.calendars[0]
    assert (calendar.hour[0].start, calendar.minute[0].start) == (9, 0)
    assert found.schedule.spec.time_zone_name == "Asia/Shanghai"


def test_sweep_killed_halfway_and_run_again_sends_each_reminder_once(stack):
    issuer = "320400-transport"
    today = clock.today()
    rows = [factories.record_body(issuer=issuer, decided_on=str(add_months(today, -3) + timedelta(days=2)),
                                  subject={"uscc": factories.uscc(9500 + n), "name": f"常州{n}公司",
                                           "contact_phone": "13912345678"}) for n in range(8)]
    r = httpx.post(stack.api + "/api/v1/records/batch", json={"records": rows},
                   headers=stack.token("--role", "integrator", "--authority", issuer), timeout=30)
    ids = [x["id"] for x in r.json()["results"]]
    httpx.post(stack.simulator + "/message-centre/control", json={"delay_s": 0.5})  # a slow message centre
    day = str(today)
    first = subprocess.Popen([str(BIN / "xiufu"), "sweep", "--today", day], env=stack.env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def reminded() -> int:
        sent = httpx.get(stack.simulator + "/message-centre/messages").json()["delivered"]
        return sum(1 for k in sent if k.startswith("eligible_soon:") and k.split(":")[1] in ids)

    eventually(lambda: reminded() >= 2, timeout=60, every=0.05)
    stack.kill("worker")  # mid-sweep
    first.kill()

    async def terminate():  # type: ignore[no-untyped-def]
        handle = (await temporal(stack)).get_workflow_handle(sweep_workflow_id(today))
        await handle.terminate("killed halfway, for the test")

    asyncio.run(terminate())
    assert reminded() < len(ids)
    httpx.post(stack.simulator + "/message-centre/control", json={})
    stack.start_worker()
    again = subprocess.run([str(BIN / "xiufu"), "sweep", "--today", day], env=stack.env, capture_output=True,
                           text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    time.sleep(0.5)
    sent = httpx.get(stack.simulator + "/message-centre/messages").json()["delivered"]
    mine = {k: n for k, n in sent.items() if k.startswith("eligible_soon:") and k.split(":")[1] in ids}
    assert len(mine) == len(ids) and set(mine.values()) == {1}, mine
    figures = httpx.get(stack.api + f"/api/v1/monitoring/daily?date={day}", headers=stack.token("--role", "admin"))
    assert figures.status_code == 200 and figures.json()["stock"]["by_city"]["320400"] >= 8
    assert httpx.get(stack.api + f"/api/v1/monitoring/daily?date={day}", headers=stack.token(
        "--role", "applicant", "--subject", factories.uscc(9500))).status_code == 403
    missing = httpx.get(stack.api + "/api/v1/monitoring/daily?date=2020-01-01", headers=stack.token("--role", "admin"))
    assert (missing.status_code, missing.json()["code"]) == (404, "NOT_COMPUTED")
