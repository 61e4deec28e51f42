"""Rate of whole repair flows through the API against the embedded Temporal dev server, beside the raw
Temporal rate of a trivial workflow with as many Updates and activities, measured in the same run.

    .venv/bin/python bench/flow.py [--flows N] [--concurrency C] [--var DIR]

Each flow: one application for one record over HTTP, accept and approve over HTTP, then the workflows' own
activities (deadlines, projections into the store, deliveries to the 16 simulated sites) until progress
says `repaired`. The raw workflow does, per flow, the Updates and no-op activities counted in the history
of one real flow of this run. Registration is not measured. Last line: one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from temporalio import activity, workflow

with workflow.unsafe.imports_passed_through():  # RawFlow below is defined here: keep the sandbox out of these
    from devstack import Stack, sample_uscc, start_stack


@dataclass(frozen=True)
class Shape:
    """What one flow costs Temporal, counted in its history."""

    updates: int
    activities: int
    workflows: int


@activity.defn
def noop(i: int) -> int:
    return i


@workflow.defn
class RawFlow:
    def __init__(self) -> None:
        self.updates = 0

    @workflow.run
    async def run(self, updates: int, activities: int) -> int:
        await workflow.wait_condition(lambda: self.updates >= updates)
        for i in range(activities):
            await workflow.execute_activity(noop, i, start_to_close_timeout=timedelta(seconds=30))
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.updates

    @workflow.update
    async def poke(self) -> int:
        self.updates += 1
        return self.updates


async def raw_rate(address: str, flows: int, shape: Shape, concurrency: int) -> float:
    from temporalio.client import Client
    from temporalio.worker import Worker

    from config.temporal import DATA_CONVERTER
    from worker import ACTIVITY_THREADS

    client = await Client.connect(address, data_converter=DATA_CONVERTER)
    queue = "raw-" + uuid.uuid4().hex[:8]
    with ThreadPoolExecutor(max_workers=ACTIVITY_THREADS) as ex:
        async with Worker(client, task_queue=queue, workflows=[RawFlow], activities=[noop], activity_executor=ex,
                          max_concurrent_activities=ACTIVITY_THREADS):
            sem = asyncio.Semaphore(concurrency)

            async def one(n: int) -> None:
                async with sem:
                    h = await client.start_workflow(RawFlow.run, args=[shape.updates, shape.activities],
                                                    id=f"{queue}-{n}", task_queue=queue)
                    for _ in range(shape.updates):
                        await h.execute_update(RawFlow.poke)
                    await h.result()

            start = time.perf_counter()
            await asyncio.gather(*(one(n) for n in range(flows)))
            return flows / (time.perf_counter() - start)


async def count_shape(address: str, application_id: str, case_id: str) -> Shape:
    from temporalio.client import Client

    from contracts.application import application_workflow_id
    from contracts.case import case_workflow_id

    client = await Client.connect(address)
    updates = activities = 0
    for wid in (application_workflow_id(application_id), case_workflow_id(case_id)):
        for e in (await client.get_workflow_handle(wid).fetch_history()).events:
            updates += e.HasField("workflow_execution_update_accepted_event_attributes")
            activities += e.HasField("activity_task_scheduled_event_attributes")
    return Shape(updates=updates, activities=activities, workflows=2)


async def flow_rate(stack: Stack, flows: int,
                    concurrency: int) -> tuple[float, tuple[str, str], dict[str, float]]:
    import httpx

    from api import clock
    from domain.periods import add_months

    issuer = "320100-transport"
    integrator = stack.signed("integrator", authority=issuer)
    caseworker = stack.signed("caseworker", authority=issuer)
    subjects = [sample_uscc(100_000 + n) for n in range(flows)]
    done: list[tuple[str, str]] = []
    async with httpx.AsyncClient(base_url=stack.api, timeout=120) as http:
        record_ids = []
        for uscc in subjects:  # registration is not part of the measured flow
            body = {"kind": "penalty", "record_no": f"宁交罚〔2026〕{uscc[-7:]}号", "issuer": issuer,
                    "severity": "general", "decided_on": str(add_months(clock.today(), -4)),
                    "subject": {"uscc": uscc, "name": "基准测试有限公司"}, "penalty_types": ["罚款"],
                    "obligations_fulfilled": True}
            r = await http.post("/api/v1/records", json=body, headers=integrator)
            assert r.status_code == 201, r.text
            record_ids.append(r.json()["id"])
        for record_id in record_ids:  # nor is its background work: each record's 两书同达 letter is rendered
            r = await http.get(f"/api/v1/records/{record_id}/letter.pdf", headers=integrator)
            assert r.status_code == 200, r.text
        sem = asyncio.Semaphore(concurrency)

        async def one(uscc: str, record_id: str) -> None:
            async with sem:
                applicant = stack.signed("applicant", subject=uscc)
                r = await http.post("/api/v1/applications", json={
                    "subject": uscc, "record_ids": [record_id], "contact_phone": "13912345678",
                    "commitment_signed": True}, headers=applicant)
                assert r.status_code == 201, r.text
                app = r.json()
                case_id = app["cases"][0]["id"]
                for action in ("accept", "approve"):
                    r = await http.post(f"/api/v1/cases/{case_id}/decisions", json={"action": action},
                                        headers=caseworker)
                    assert r.status_code == 200, r.text
                while True:  # as an applicant watches progress
                    r = await http.get(f"/api/v1/applications/{app['id']}", headers=applicant)
                    assert r.status_code == 200, r.text
                    if r.json()["cases"][0]["state"] == "repaired":
                        done.append((app["id"], case_id))
                        return
                    await asyncio.sleep(0.5)

        before = stack.cpu_seconds()
        start = time.perf_counter()
        await asyncio.gather(*(one(u, r) for u, r in zip(subjects, record_ids, strict=True)))
        rate = flows / (time.perf_counter() - start)
        cpu = {name: round(used - before[name], 1) for name, used in stack.cpu_seconds().items()}
        return rate, done[0], cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--flows", type=int, default=60)
    parser.add_argument("--concurrency", type=int, default=20, help="flows in progress at once")
    parser.add_argument("--var", type=Path, help="keep the stack's data and logs here (default: a temporary dir)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="xiufu-bench-") as tmp, start_stack(args.var or Path(tmp)) as stack:
        address = stack.env["TEMPORAL_ADDRESS"]
        flow, (app_id, case_id), cpu = asyncio.run(flow_rate(stack, args.flows, args.concurrency))
        shape = asyncio.run(count_shape(address, app_id, case_id))
        raw = asyncio.run(raw_rate(address, args.flows, shape, args.concurrency))
    print(f"{args.flows} repair flows through the API, {args.concurrency} at a time: {flow:.2f} flows/s")
    print(f"raw Temporal, one workflow with {shape.updates} updates and {shape.activities} no-op activities "
          f"(counted in a real flow's {shape.workflows} histories): {raw:.2f} flows/s")
    print(f"CPU seconds used during the repair flows, by process: {cpu}")
    print(json.dumps({"flows": args.flows, "flow_per_s": round(flow, 2), "raw_per_s": round(raw, 2),
                      "ratio": round(flow / raw, 2), "updates": shape.updates, "activities": shape.activities,
                      "cpu_s": cpu}))


if __name__ == "__main__":
    main()
