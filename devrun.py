"""`make run`: the whole embedded system in one terminal, stopped cleanly by Ctrl-C.

devstack.py starts and stops the processes, as it does for the tests; what is `make run`'s own is here:
the fixed ports of the settings (the addresses the README and the banner give), the data under var/ kept
between runs (Temporal and the store live there, so a restart keeps every application in flight), the
demo identities' records, and the terminal: what runs where, until Ctrl-C or one process ends.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from devstack import Ports, Stack, StartFailed

if TYPE_CHECKING:
    from config.settings import Settings


def _port(address: str, default: int) -> int:
    """The port of a URL (`http://127.0.0.1:8900/`) or of a bare address (`127.0.0.1:7233`)."""
    return urlsplit(address if "//" in address else f"//{address}").port or default


def fixed_ports(settings: Settings) -> Ports:
    """The ports the settings name, so that an operator moves them with the same variables the processes
    read (`TEMPORAL_ADDRESS`, `XIUFU_TEMPORAL_UI_URL`, `XIUFU_API_PORT`, `XIUFU_SIMULATOR_URL`). The dev
    server's HTTP API and metrics, which no setting names, sit 10 and 11 above its gRPC port (7243 is
    the Temporal server's own default for its HTTP API)."""
    temporal = _port(settings.temporal_address, 7233)
    return Ports(temporal=temporal, ui=_port(settings.temporal_ui_url, 8233), http=temporal + 10,
                 metrics=temporal + 11, api=settings.api_port, simulator=_port(settings.simulator_url, 8900))


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
    results = answer.json()["results"]
    # a record registered now is fed to the sites; one registered by an earlier start is left as the sites have it
    feed_sites(settings, [(row["issuer"], r["id"], row["subject"]) for row, r in zip(body, results, strict=True)
                          if r.get("status") == "created"])
    return sum(1 for result in results if result.get("id"))


def feed_sites(settings: object, records: list[tuple[str, str, dict[str, str]]]) -> None:
    """The simulated sites shown the demo records as the departments' own feeds would publish them (each site
    the records of the issuers it shows: config/targets.yaml), so the reconciliation board (/sync) starts from
    sites that agree with the hub."""
    import httpx

    from config.loader import load_directory, load_targets
    from domain.reconciliation import shows

    directory = load_directory(settings.config_dir)  # type: ignore[attr-defined]
    for target in load_targets(settings.config_dir, settings.simulator_url):  # type: ignore[attr-defined]
        mine = [{"record_id": rid, "subject_key": subject.get("uscc") or subject.get("id_number") or "",
                 "subject_name": subject.get("name", "")} for issuer, rid, subject in records
                if shows(target.shows, directory.get(issuer))]
        if mine:
            httpx.post(f"{target.base_url}/records/bulk", json=mine, timeout=30).raise_for_status()


def _interrupted(_signum: int, _frame: object) -> None:
    """Ctrl-C or SIGTERM, while the processes start or once they run: stop them all. Set for SIGINT too,
    not left to Python's own: a process started in the background of a script inherits SIGINT ignored,
    and Python then leaves it ignored."""
    raise KeyboardInterrupt


def main() -> int:
    from config.settings import get_settings

    settings = get_settings()
    var = settings.var_dir
    (var / "log").mkdir(parents=True, exist_ok=True)
    stack = Stack(var=var, env={**os.environ, "PYTHONUNBUFFERED": "1"}, ports=fixed_ports(settings),
                  logs=var / "log", api_host=settings.api_host, interactive=True, store=settings.db_url,
                  say=lambda line: print(line, flush=True))
    signal.signal(signal.SIGINT, _interrupted)
    signal.signal(signal.SIGTERM, _interrupted)
    try:
        stack.start_all()
        api = stack.api
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
  Simulator     {settings.simulator_url}/sites  (the publicity system's handling side: /handling/gsxt_js)
  Pages         {api}/  (sign in at {api}/login; {seeded} demo records for the demo identities)
A token for a caller:   .venv/bin/xiufu token --role admin
                        .venv/bin/xiufu token --role integrator --authority 320100-market_regulation
Then: curl -H "Authorization: Bearer $TOKEN" {api}/api/v1/authorities
Press Ctrl-C to stop everything; the data stays in {var}.""",
            flush=True,
        )
        while (ended := stack.exited()) is None:
            time.sleep(0.5)
        print(f"{ended[0]} exited with code {ended[1]}; stopping (see its log)")
    except KeyboardInterrupt:
        pass
    except StartFailed as failed:
        raise SystemExit(str(failed)) from None
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C would leave processes behind
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        print("stopping xiufu ...", flush=True)
        stack.stop_all()
    return 0


if __name__ == "__main__":
    sys.exit(main())
