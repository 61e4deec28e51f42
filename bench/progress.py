"""Progress reads (GET /api/v1/applications/{id}) under load, beside a route that reads one row of the same
store by its key, served by the same uvicorn process in the same run.

    .venv/bin/python bench/progress.py [--applications N] [--connections C] [--seconds S] [--rounds R]

Loads N applications (default 2,000) of 1 to 3 cases into a fresh SQLite store, each case with the events
its state has and, once repaired, 21 events and the 16 sites' acknowledgements; starts one uvicorn process
serving the product's app plus two routes mounted only here, both reading the application's row by its
primary key behind the same token check as the progress: one as FastAPI routes are usually written (sync,
the session a dependency; the baseline of the goal), one in the progress route's own shape (async, the
read in one trip to the thread pool), so the ratio can be read both ways. Then drives each in turn, R
rounds of S seconds at C connections (default 16), every request for another application. The load
comes from wrk (Debian package `wrk`, a Lua script sending the Authorization header), or, without it, a
small asyncio httpx client, which on two cores takes CPU from the server it measures (the output names
the tool). Goal: the progress at least 0.5 of the one-row read's requests/s and its p99 at most 50 ms.
Last line: one JSON object.
"""

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
# what is measured, by the path prefix it is asked at (each followed by an application id)
ROUTES = {"row": "/bench/row/", "row_async": "/bench/row-async/", "progress": "/api/v1/applications/"}
SHOWN = {"row": "one row by key (sync route, session dependency)",
         "row_async": "one row by key (as the progress route: async, one thread-pool trip)",
         "progress": "progress GET /api/v1/applications/{id}"}
# (state, weight): a province's store a year in, most cases done
STATES = [("repaired", 50), ("under_review", 12), ("pending_acceptance", 8), ("supplement_requested", 4),
          ("denied", 8), ("not_accepted", 5), ("withdrawn", 5), ("syncing", 8)]
STEPS = {
    "pending_acceptance": [],
    "supplement_requested": [("request_supplement", "caseworker", "要求补正材料,办理时限暂停计算")],
    "under_review": [("accept", "caseworker", "已受理,进入审核")],
    "not_accepted": [("reject", "caseworker", "不予受理")],
    "denied": [("accept", "caseworker", "已受理,进入审核"), ("deny", "caseworker", "不予修复")],
    "withdrawn": [("withdraw", "applicant", "申请人撤回申请")],
    "syncing": [("accept", "caseworker", "已受理,进入审核"), ("approve", "caseworker", "同意修复"),
                ("sync", "system", "修复结果已归集,正在同步至各信用网站")],
    "repaired": [("accept", "caseworker", "已受理,进入审核"), ("approve", "caseworker", "同意修复"),
                 ("sync", "system", "修复结果已归集,正在同步至各信用网站")],
}
REASONS = {"request_supplement": "请补充提交罚款缴纳凭证", "reject": "该信息不属于本机关认定",
           "deny": "未履行行政处罚决定确定的义务"}


@dataclass(frozen=True)
class Figures:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    cpu_ms: float  # the server's CPU time per request


# ---- the store ----------------------------------------------------------------------------------------
def load(url: str, applications: int, seed: int = 7) -> dict[str, int]:
    """Writes the stock with Core inserts (the ORM would take minutes): records, applications, cases,
    timelines and acknowledgements, as the workflows leave them."""
    from config.loader import load_directory, load_targets
    from config.settings import CONFIG_DIR
    from devstack import sample_uscc
    from store.db import make_engine
    from store.models import Application, CaseEventRow, CreditRecord, RepairCase, SyncDelivery

    rnd = random.Random(seed)
    handlers = [a for a in load_directory(CONFIG_DIR) if a.level != "province"]
    targets = load_targets(CONFIG_DIR, "http://sites.invalid")
    now = datetime.now(UTC)
    rows: dict[str, list[dict]] = {"record": [], "app": [], "case": [], "event": [], "ack": []}
    for n in range(applications):
        subject, app_id = sample_uscc(500_000 + n), f"app_{n:020d}"
        filed = now - timedelta(days=rnd.uniform(1, 300))
        rows["app"].append({"id": app_id, "subject_key": subject, "subject_name": f"江苏示例{n}有限公司",
                            "channel": rnd.choice(("online", "online", "window")), "filed_by": f"applicant:{n}",
                            "filed_by_role": "applicant", "contact_phone": "13912345678", "filed_at": filed,
                            "workflow_started": True, "closed_at": None})
        for k in range(rnd.choice((1, 1, 2, 3))):
            handler = rnd.choice(handlers)
            record_id, case_id = f"rec_{n:016d}_{k}", f"case_{n:015d}_{k}"
            state = rnd.choices([s for s, _ in STATES], weights=[w for _, w in STATES])[0]
            decided = filed.date() - timedelta(days=rnd.randrange(100, 700))
            rows["record"].append({
                "id": record_id, "issuer": handler.code, "record_no": f"苏罚〔{decided.year}〕{n}-{k}号",
                "kind": rnd.choices(("penalty", "abnormal_list", "serious_list"), weights=(8, 3, 1))[0],
                "severity": "general", "decided_on": decided, "subject_key": subject, "subject_kind": "enterprise",
                "subject_name": f"江苏示例{n}有限公司", "contact_phone": "13912345678", "penalty_types": ["罚款"],
                "obligations_fulfilled": True, "min_publicity_end": decided + timedelta(days=90),
                "max_publicity_end": decided + timedelta(days=365), "eligible_from": decided + timedelta(days=91),
                "repairable": True, "repair_channel": "creditchina_js", "handler": handler.code,
                "state": "repaired" if state == "repaired" else "published",
                "open_case_id": None if state in ("repaired", "denied", "not_accepted", "withdrawn") else case_id,
                "body_hash": "", "registered_at": filed, "registered_by": "bench"})
            steps = [("file", "applicant", "申请已提交,已推送至处理单位")] + STEPS[state]
            acked = {"repaired": 16, "syncing": rnd.randrange(0, 16)}.get(state, 0)
            at = filed
            events = []
            for action, role, message in steps:
                events.append((at, role, action, message, REASONS.get(action, "")))
                at += timedelta(hours=rnd.uniform(2, 60))
            for target in targets[:acked]:
                at += timedelta(seconds=rnd.uniform(0.2, 30))
                events.append((at, "system", "sync_ack", f"{target.name}已确认撤下该信息", ""))
                rows["ack"].append({"id": f"{case_id}:{target.code}:repair", "case_id": case_id,
                                    "target": target.code, "action": "repair", "target_name": target.name,
                                    "ack_id": f"ack-{n}-{k}-{target.code}", "acknowledged_at": at})
            if state == "repaired":
                events.append((at, "system", "repaired", "各信用网站均已确认,信用修复完成", ""))
            for seq, (when, role, action, message, reason) in enumerate(events, start=1):
                rows["event"].append({"id": f"{case_id}:{seq}", "case_id": case_id, "seq": seq, "at": when,
                                      "actor_role": role, "actor": role, "action": action, "state": state,
                                      "message": message, "reason": reason})
            open_state = state not in ("repaired", "denied", "not_accepted", "withdrawn", "syncing")
            rows["case"].append({
                "id": case_id, "application_id": app_id, "record_id": record_id, "handler": handler.code,
                "handler_region": handler.region, "repair_channel": "creditchina_js", "state": state,
                "deadline_kind": "decision" if open_state else None,
                "deadline": (now + timedelta(days=rnd.randrange(-3, 20))).date() if open_state else None,
                "provisional": False, "overdue": False, "shielded": False, "extensions_used": 0,
                "last_seq": len(events), "updated_at": at})
    engine = make_engine(url)
    tables = {"record": CreditRecord, "app": Application, "case": RepairCase, "event": CaseEventRow,
              "ack": SyncDelivery}
    with engine.begin() as conn:
        for name, model in tables.items():
            for i in range(0, len(rows[name]), 5_000):
                conn.execute(model.__table__.insert(), rows[name][i:i + 5_000])  # type: ignore[attr-defined]
        conn.execute(sa.text("ANALYZE"))
    engine.dispose()
    return {name: len(found) for name, found in rows.items()}


# ---- the server -----------------------------------------------------------------------------------------
def serve(port: int) -> None:
    """The product's app and, for this benchmark only, the one-row read behind the same token check: as
    FastAPI routes are usually written (sync, the session a dependency), and in the shape of the progress
    route (async, the read in one trip to the thread pool), so the ratio can be read both ways.
    (No `from __future__ import annotations` in this file: FastAPI reads these routes' annotations, which
    name what is imported here, not in the module.)"""
    import uvicorn
    from fastapi import APIRouter
    from sqlmodel import Session

    from api.deps import PrincipalDep, SessionDep, SettingsDep
    from api.errors import not_found
    from api.main import create_app
    from services.db import in_session
    from store.models import Application

    def shown(session: Session, application_id: str) -> dict:
        row = session.get(Application, application_id)
        if row is None:
            raise not_found("该申请")
        return {"id": row.id, "subject_name": row.subject_name, "channel": row.channel, "filed_at": row.filed_at}

    bench = APIRouter()

    @bench.get(ROUTES["row"] + "{application_id}")
    def one_row(application_id: str, principal: PrincipalDep, session: SessionDep) -> dict:
        return shown(session, application_id)

    @bench.get(ROUTES["row_async"] + "{application_id}")
    async def one_row_async(application_id: str, principal: PrincipalDep, settings: SettingsDep) -> dict:
        return await in_session(settings, lambda s: shown(s, application_id))

    app = create_app()
    app.include_router(bench)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def start_server(env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    """Started from the repository's root with it on the path, as devstack starts `uvicorn api.main:app`."""
    path = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    with log.open("ab") as out:
        proc = subprocess.Popen([sys.executable, __file__, "--serve", str(port)], env={**env, "PYTHONPATH": path},
                                cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code in (200, 503):
                return proc
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"the API did not start; see {log}")
        time.sleep(0.2)


def stop_server(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# ---- the load -------------------------------------------------------------------------------------------
WRK_SCRIPT = """
local ids = {%s}
local prefix = "%s"
local i = 0
wrk.headers["Authorization"] = "%s"
request = function()
  i = i + 1
  return wrk.format("GET", prefix .. ids[(i %% #ids) + 1])
end
"""
_UNIT = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(value) * _UNIT[unit]


def with_wrk(base: str, prefix: str, ids: list[str], auth: str, connections: int, seconds: float,
             work: Path) -> tuple[float, float, float, int]:
    script = work / f"load-{prefix.strip('/').replace('/', '-')}.lua"
    script.write_text(WRK_SCRIPT % (",".join(f'"{i}"' for i in ids), prefix, auth))
    done = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{round(seconds)}s", "--latency", "-s", str(script),
                           base], capture_output=True, text=True, check=True)
    out = done.stdout
    if "Non-2xx" in out or "Socket errors" in out:
        raise SystemExit(f"wrk saw failed requests:\n{out}")
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    count = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    return rps, p50, p99, count


def with_httpx(base: str, prefix: str, ids: list[str], auth: str, connections: int,
               seconds: float) -> tuple[float, float, float, int]:
    async def run() -> tuple[float, float, float, int]:
        latencies: list[float] = []
        limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
        async with httpx.AsyncClient(base_url=base, headers={"Authorization": auth}, limits=limits,
                                     timeout=30) as http:
            start = time.perf_counter()
            stop = start + seconds

            async def one(k: int) -> None:
                n = k
                while time.perf_counter() < stop:
                    sent = time.perf_counter()
                    r = await http.get(prefix + ids[n % len(ids)])
                    if r.status_code != 200:
                        raise SystemExit(f"{r.status_code} for {prefix}: {r.text[:200]}")
                    latencies.append((time.perf_counter() - sent) * 1000)
                    n += connections

            await asyncio.gather(*(one(k) for k in range(connections)))
            elapsed = time.perf_counter() - start
        q = statistics.quantiles(latencies, n=100)
        return len(latencies) / elapsed, q[49], q[98], len(latencies)

    return asyncio.run(run())


def measure(tool: str, proc: subprocess.Popen, base: str, prefix: str, ids: list[str], auth: str,
            connections: int, seconds: float, work: Path) -> Figures:
    before = cpu_seconds(proc.pid)
    if tool == "wrk":
        rps, p50, p99, count = with_wrk(base, prefix, ids, auth, connections, seconds, work)
    else:
        rps, p50, p99, count = with_httpx(base, prefix, ids, auth, connections, seconds)
    cpu = cpu_seconds(proc.pid) - before
    return Figures(rps=rps, p50_ms=p50, p99_ms=p99, requests=count, cpu_ms=cpu * 1000 / max(count, 1))


def median(runs: list[Figures]) -> Figures:
    return Figures(*(statistics.median(getattr(r, f) for r in runs) for f in Figures.__dataclass_fields__))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--applications", type=int, default=2_000)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--seconds", type=int, default=10, help="of each measured run")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each route, alternating; medians shown")
    parser.add_argument("--load", choices=("wrk", "httpx"), help="the load generator (default: wrk if installed)")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)  # the server process itself
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return
    from api.auth import issue_token
    from config.settings import Settings
    from devstack import free_ports
    from domain.access import Principal
    from domain.model import Role
    from store.migrate import upgrade

    tool = args.load or ("wrk" if shutil.which("wrk") else "httpx")
    with tempfile.TemporaryDirectory(prefix="xiufu-bench-progress-") as tmp:
        work = Path(tmp)
        url = f"sqlite:///{work / 'xiufu.db'}"
        upgrade(url)
        started = time.perf_counter()
        counts = load(url, args.applications)
        loaded = time.perf_counter() - started
        api_port, nobody = free_ports(2)
        env = {**os.environ, "XIUFU_ENV": "test", "XIUFU_VAR_DIR": str(work), "DATABASE_URL": url,
               "TEMPORAL_ADDRESS": f"127.0.0.1:{nobody}", "XIUFU_OUTBOX_EVERY_S": "3600"}
        auth = "Bearer " + issue_token(Settings(), Principal("auditor:bench", Role.AUDITOR))
        ids = [f"app_{n:020d}" for n in range(args.applications)]
        random.Random(11).shuffle(ids)
        base = f"http://127.0.0.1:{api_port}"
        proc = start_server(env, api_port, work / "api.log")
        try:
            headers = {"Authorization": auth}
            sizes = [len(httpx.get(base + ROUTES["progress"] + i, headers=headers).content) for i in ids[:200]]
            for prefix in ROUTES.values():  # each answers, then is warmed: the page cache, the first imports
                assert httpx.get(base + prefix + ids[0], headers=headers).status_code == 200, prefix
                measure(tool, proc, base, prefix, ids, auth, args.connections, 2, work)
            runs: dict[str, list[Figures]] = {name: [] for name in ROUTES}
            for _ in range(args.rounds):
                for name, prefix in ROUTES.items():
                    runs[name].append(measure(tool, proc, base, prefix, ids, auth, args.connections,
                                              args.seconds, work))
        finally:
            stop_server(proc)
    got = {name: median(found) for name, found in runs.items()}
    ratio, ratio_same_shape = got["progress"].rps / got["row"].rps, got["progress"].rps / got["row_async"].rps
    met = ratio >= 0.5 and got["progress"].p99_ms <= 50
    print(f"store: {counts['app']} applications, {counts['case']} cases, {counts['event']} events, "
          f"{counts['ack']} acknowledgements (loaded in {loaded:.1f} s); progress bodies "
          f"{statistics.mean(sizes) / 1024:.1f} KiB on average")
    print(f"load: {tool}, {args.connections} connections, {args.rounds} rounds of {args.seconds} s per route, "
          f"one uvicorn process; medians of the rounds")
    for name, f in got.items():
        each = ", ".join(f"{r.rps:.0f}" for r in runs[name])
        print(f"{SHOWN[name]}\n    {f.rps:7.1f} requests/s  p50 {f.p50_ms:6.2f} ms  p99 {f.p99_ms:6.2f} ms  "
              f"server CPU {f.cpu_ms:.2f} ms/request  (rounds: {each} requests/s)")
    print(f"ratio progress / one row: {ratio:.2f} (sync one-row route), {ratio_same_shape:.2f} (same shape); "
          f"goal ratio >= 0.5 and p99 <= 50 ms: {'met' if met else 'not met'}")
    figures = {f"{name}_{key}": round(getattr(f, key), 2) for name, f in got.items()
               for key in ("rps", "p50_ms", "p99_ms", "cpu_ms")}
    print(json.dumps({"tool": tool, "applications": counts["app"], "cases": counts["case"],
                      "connections": args.connections, **figures, "ratio": round(ratio, 2),
                      "ratio_same_shape": round(ratio_same_shape, 2), "goal_met": met}))


if __name__ == "__main__":
    main()
