"""The `xiufu` command: tokens for development and small deployments, migrations, the embedded run."""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn

from domain.model import Role


def _token(args: argparse.Namespace) -> int:
    from api.auth import issue_token
    from config.loader import load_directory
    from config.settings import get_settings
    from domain.access import Principal
    from domain.errors import DomainError

    settings = get_settings()
    if args.authority and load_directory(settings.config_dir).get(args.authority) is None:
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
    import asyncio
    import json
    from datetime import date

    from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy

    from config.settings import get_settings
    from config.temporal import connect
    from contracts.sweep import REMINDER_SWEEP_WORKFLOW, SweepInput, SweepResult, sweep_workflow_id
    from worker import sweep_settings

    try:
        day = date.fromisoformat(args.today)
    except ValueError:
        print(f"xiufu sweep: 日期格式应为 YYYY-MM-DD: {args.today} (INVALID_DATE)", file=sys.stderr)
        return 2
    settings = get_settings()

    async def run() -> SweepResult:
        client = await connect(settings)
        handle = await client.start_workflow(
            REMINDER_SWEEP_WORKFLOW, args=[SweepInput(day=day), sweep_settings(settings.config_dir)],
            id=sweep_workflow_id(day), task_queue=settings.task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE, result_type=SweepResult)
        return await handle.result()

    try:
        result = asyncio.run(run())
    except Exception as failure:  # noqa: BLE001 - reported, and the exit code says it failed
        print(f"xiufu sweep: 巡检未完成： {failure!r} (SWEEP_FAILED)", file=sys.stderr)
        _exit_without_finalising(1)
    print(json.dumps(result.model_dump(mode="json"), ensure_ascii=False))
    _exit_without_finalising(0)


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

    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
