"""The `xiufu` command: tokens for development and small deployments, migrations, the embedded run."""

from __future__ import annotations

import argparse
import sys
from typing import Any, NoReturn

from domain.model import Role


def _token(args: argparse.Namespace) -> int:
    from api.auth import issue_token
    from config.loader import load_directory, load_handling_systems
    from config.settings import get_settings
    from domain.access import Principal
    from domain.errors import DomainError

    settings = get_settings()
    if args.role == Role.HANDLING_SYSTEM.value:  # a vertical system's credential names the system
        known = [s.code for s in load_handling_systems(settings.config_dir, "")]
        if args.authority not in known:
            print("xiufu token: 处理系统的令牌须用 --authority 指定 config/handling.yaml 中的系统代码"
                  f"（{'、'.join(known)}） (UNKNOWN_SYSTEM)", file=sys.stderr)
            return 2
    elif args.authority and load_directory(settings.config_dir).get(args.authority) is None:
        print(f"xiufu token: 未知的单位代码 {args.authority}（见 GET /api/v1/authorities 或 config/authorities.yaml）"
              " (UNKNOWN_AUTHORITY)", file=sys.stderr)
        return 2
    if args.role == Role.WINDOW.value and not args.sub:
        # every counter clerk sees the filings made under their own id: one shared default id would let
        # every clerk see every other clerk's filings
        print("xiufu token: 窗口人员的令牌须用 --sub 指定本人账号（如 --sub window:nanjing-07）(SUB_REQUIRED)",
              file=sys.stderr)
        return 2
    sub = args.sub or f"{args.role}:{args.authority or args.subject or args.region or 'dev'}"
    principal = Principal(
        sub=sub, role=Role(args.role), authority=args.authority, subject=args.subject, region=args.region,
        name=args.name,
    )
    try:
        print(issue_token(settings, principal, ttl_hours=args.hours))
    except DomainError as exc:
        print(f"xiufu token: {exc.message} ({exc.code})", file=sys.stderr)
        return 2
    return 0


def _migrate(_: argparse.Namespace) -> int:
    from config.settings import get_settings
    from store.migrate import upgrade

    upgrade(get_settings().db_url)
    return 0


def _sweep(args: argparse.Namespace) -> int:
    """The daily sweep for a given day, as the Schedule runs it: the same workflow, the same idempotency (a
    second run for a day sends nothing already sent)."""
    from contracts.sweep import REMINDER_SWEEP_WORKFLOW, SweepInput, SweepResult, sweep_workflow_id
    from worker import sweep_settings

    return _daily("sweep", "巡检未完成", "SWEEP_FAILED", args.today, lambda day, config: (
        REMINDER_SWEEP_WORKFLOW, [SweepInput(day=day), sweep_settings(config)], sweep_workflow_id(day), SweepResult))


def _reconcile(args: argparse.Namespace) -> int:
    """The day's reconciliation of every site, as the Schedule runs it (对账): the same workflow; a second run
    for a day reads every site again and sends nothing a site has already applied."""
    from contracts.reconciliation import (
        RECONCILIATION_WORKFLOW,
        ReconcileInput,
        ReconcileResult,
        reconciliation_workflow_id,
    )
    from services.reconciling import reconcile_settings

    return _daily("reconcile", "对账未完成", "RECONCILE_FAILED", args.today, lambda day, config: (
        RECONCILIATION_WORKFLOW, [ReconcileInput(day=day), reconcile_settings(config)],
        reconciliation_workflow_id(day), ReconcileResult))


def _daily(command: str, failed: str, code: str, today: str, start: Any) -> int:
    """Runs a daily workflow for `today` and prints its result as JSON: a run of that day still going is
    joined, a finished one is run again (its steps are idempotent)."""
    import asyncio
    import json
    from datetime import date

    from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy

    from config.settings import get_settings
    from config.temporal import connect

    try:
        day = date.fromisoformat(today)
    except ValueError:
        print(f"xiufu {command}: 日期格式应为 YYYY-MM-DD: {today} (INVALID_DATE)", file=sys.stderr)
        return 2
    settings = get_settings()
    workflow, inputs, workflow_id, result_type = start(day, settings.config_dir)

    async def run() -> Any:
        client = await connect(settings)
        handle = await client.start_workflow(
            workflow, args=inputs, id=workflow_id, task_queue=settings.task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE, result_type=result_type)
        return await handle.result()

    try:
        result = asyncio.run(run())
    except Exception as failure:  # noqa: BLE001 - reported, and the exit code says it failed
        print(f"xiufu {command}: {failed}： {failure!r} ({code})", file=sys.stderr)
        _exit_without_finalising(1)
    print(json.dumps(result.model_dump(mode="json"), ensure_ascii=False))
    _exit_without_finalising(0)


IMPORT_CHUNK = 100  # rows per POST /records/batch: a progress step, and a chunk lost to an outage is small


def _api_client(base_url: str, token: str) -> Any:
    import httpx

    return httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=120)


def _import(args: argparse.Namespace) -> int:
    """Bulk registration from a filled template: the sheet is read here (services/importing, the same reading
    as POST /records/import), its good rows sent to the running API's POST /records/batch in chunks of
    IMPORT_CHUNK (a progress step per chunk on stderr), then one line per row. Exit 0 when every row was
    registered (created or existing), 1 when any row failed, 2 when the file or the call was refused whole."""
    import json
    import os
    from pathlib import Path

    import httpx

    from api.schemas import BatchResult, RowResult
    from api.sheets import merged
    from config.settings import get_settings
    from domain.errors import DomainError
    from services import importing

    if not 1 <= args.chunk <= importing.MAX_ROWS:
        print(f"xiufu import: --chunk 应为 1 至 {importing.MAX_ROWS} (INVALID_CHUNK)", file=sys.stderr)
        return 2
    token = args.token or os.environ.get("XIUFU_TOKEN", "")
    if not token:
        print("xiufu import: 请用 --token 或环境变量 XIUFU_TOKEN 提供对接令牌（xiufu token --role integrator "
              "--authority 单位代码）(TOKEN_REQUIRED)", file=sys.stderr)
        return 2
    try:
        data = Path(args.file).read_bytes()
        sheet = importing.read(data, args.issuer)
    except OSError as failure:
        print(f"xiufu import: 无法读取文件 {args.file}：{failure.strerror} (FILE_UNREADABLE)", file=sys.stderr)
        return 2
    except DomainError as refused:
        print(f"xiufu import: {refused.message} ({refused.code})", file=sys.stderr)
        return 2
    bodies = sheet.bodies
    results: list[RowResult] = []
    base = args.api or os.environ.get("XIUFU_API_URL") or f"http://127.0.0.1:{get_settings().api_port}"
    refused_whole: tuple[str, str] | None = None
    with _api_client(base, token) as client:
        for start in range(0, len(bodies), args.chunk):
            part = bodies[start:start + args.chunk]
            if refused_whole is None:
                try:
                    answer = client.post("/api/v1/records/batch", json={"records": [body for _, body in part]})
                    if answer.status_code == 200:
                        results += [r.model_copy(update={"index": start + r.index})
                                    for r in BatchResult.model_validate(answer.json()).results]
                    else:
                        refused_whole = _refusal(answer)
                except httpx.HTTPError as failure:
                    refused_whole = ("API_UNREACHABLE", f"无法连接 {base}：{failure}")
            if refused_whole is not None:
                results += [RowResult(index=start + i, status="error", code=refused_whole[0],
                                      message=refused_whole[1]) for i in range(len(part))]
            _progress(min(start + len(part), len(bodies)), len(bodies))
    report = merged(sheet, BatchResult(created=0, existing=0, failed=0, results=results))
    if args.json:
        print(json.dumps(report.model_dump(mode="json", exclude_none=True), ensure_ascii=False))
    else:
        shown = {"created": "created", "existing": "existing", "error": "failed"}
        print("row\tstatus\tid_or_code\tmessage")
        for row in report.rows:
            said = f"{row.column}：{row.message}" if row.column and row.column not in (row.message or "") else \
                row.message or ""
            print(f"{row.row}\t{shown[row.status]}\t{row.id or row.code}\t{said}")
        print(f"共 {len(report.rows)} 行：新登记 {report.created}，此前已登记 {report.existing}，"
              f"未登记 {report.failed}", file=sys.stderr)
    if refused_whole is not None:
        print(f"xiufu import: {refused_whole[1]} ({refused_whole[0]})", file=sys.stderr)
    return 1 if report.failed else 0


def _refusal(answer: Any) -> tuple[str, str]:
    try:
        found = answer.json()
        return str(found["code"]), str(found["message"])
    except (ValueError, KeyError, TypeError):
        return "HTTP_" + str(answer.status_code), answer.text[:200]


def _progress(done: int, total: int) -> None:
    """A text bar on stderr, one step per chunk: redrawn in place on a terminal, a line each otherwise."""
    width = 30
    filled = width * done // total if total else width
    line = f"导入 [{'#' * filled}{'.' * (width - filled)}] {done}/{total} 行"
    if sys.stderr.isatty():
        print("\r" + line, end="\n" if done >= total else "", file=sys.stderr, flush=True)
    else:
        print(line, file=sys.stderr, flush=True)


def _exit_without_finalising(code: int) -> NoReturn:
    """Ends a short-lived process that used a Temporal client without running interpreter finalisation.

    The client's Rust runtime keeps Tokio threads that may call back into Python while the interpreter is
    being torn down; CPython then aborts with "PyGILState_Release: thread state ... must be current" and the
    command exits -6 although its work is done (temporalio/sdk-python#300, still open). The output is
    flushed first, so nothing the operator should see is lost; there is nothing else to clean up."""
    import os

    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _run(_: argparse.Namespace) -> int:
    import devrun

    return devrun.main()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="xiufu", description="信用修复 xiufu")
    commands = parser.add_subparsers(dest="command", required=True)

    token = commands.add_parser("token", help="print a bearer token signed with the configured secret")
    token.add_argument("--role", required=True, choices=[r.value for r in Role])
    token.add_argument("--authority", help="authority code (caseworker, integrator, window)")
    token.add_argument("--subject", help="USCC or ID number the applicant acts for")
    token.add_argument("--region", help="GB/T 2260 region a supervisor oversees")
    token.add_argument("--sub", help="the user's own id; required for window (each counter clerk sees the filings "
                                     "made under their id), otherwise derived from role and scope")
    token.add_argument("--name", help="the person's name, shown to people (the counter's receipt names its clerk)")
    token.add_argument("--hours", type=int, help="validity in hours")
    token.set_defaults(func=_token)

    commands.add_parser("migrate", help="apply database migrations").set_defaults(func=_migrate)
    commands.add_parser("run", help="start the whole embedded system").set_defaults(func=_run)
    sweep = commands.add_parser("sweep", help="run the daily reminder sweep for a given day")
    sweep.add_argument("--today", required=True, help="the day to sweep, YYYY-MM-DD (Beijing)")
    sweep.set_defaults(func=_sweep)
    reconcile = commands.add_parser("reconcile", help="reconcile every site with the hub for a given day (对账)")
    reconcile.add_argument("--today", required=True, help="the day of the run, YYYY-MM-DD (Beijing)")
    reconcile.set_defaults(func=_reconcile)
    bulk = commands.add_parser("import", help="register the records of a filled .xlsx template through the API")
    bulk.add_argument("file", help="the filled template (GET /api/v1/records/import-template.xlsx)")
    bulk.add_argument("--issuer", required=True, help="the issuing authority's code, e.g. 320100-market_regulation")
    bulk.add_argument("--token", help="the integrator's bearer token (default: the XIUFU_TOKEN environment variable)")
    bulk.add_argument("--api", help="the API's address (default: XIUFU_API_URL, else http://127.0.0.1:<api_port>)")
    bulk.add_argument("--chunk", type=int, default=IMPORT_CHUNK, help=f"rows per request (default {IMPORT_CHUNK})")
    bulk.add_argument("--json", action="store_true", help="print the report as one JSON object")
    bulk.set_defaults(func=_import)

    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
