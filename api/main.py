"""The FastAPI application: JSON API under /api/v1, OpenAPI at /docs."""

from __future__ import annotations

import asyncio
import gc
import logging
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.routing import APIRoute

from api import errors
from api.limits import BodyLimit
from api.routes import (
    applications,
    authorities,
    cases,
    decisions,
    evaluations,
    handling,
    health,
    materials,
    monitoring,
    objections,
    payments,
    records,
    restructurings,
    subjects,
    supervision,
    sync,
)
from api.routes.health import calendar_warnings
from api.web import app as web
from config.logs import configure_logging
from config.rules import rules_for
from config.settings import get_settings
from services import outbox
from services.temporal import get_client

log = logging.getLogger("xiufu.api")


@asynccontextmanager
async def lifespan(_: FastAPI):  # type: ignore[no-untyped-def]
    settings = get_settings()
    rules = rules_for(settings.config_dir)
    log.info("loaded %d authorities from %s", len(rules.directory), settings.config_dir)
    for warning in calendar_warnings(rules):
        log.warning("HOLIDAY CALENDAR MISSING: %s", warning)
    sweeper = asyncio.create_task(outbox.sweep_forever(get_client, settings, rules))
    # What was made at start (modules, config, the app) lives as long as the process: moved out of the
    # collector's generations, so its full collections stop walking it during requests (bench/progress.py:
    # the progress read's p99 was mostly these pauses)
    gc.freeze()
    yield
    sweeper.cancel()


def operation_id(route: APIRoute) -> str:
    """`records-create-record` rather than FastAPI's `create_record_api_v1_records_post`: a generated
    client's functions read as names (the full-stack template's custom_generate_unique_id)."""
    tag = route.tags[0] if route.tags else "default"
    return f"{tag}-{route.name.replace('_', '-')}"


def create_app() -> FastAPI:
    configure_logging()
    app = FastAPI(
        dependencies=[Depends(errors.plain_request)],
        title="xiufu",
        description="xiufu 信用修复：信用修复“高效办成一件事”，一次申请，各认定单位协同办理，一网修复、多网下线。"
                    "每个拒绝都以同一形状返回（`ErrorBody`：稳定的 `code`、中文 `message`），"
                    "各操作列出其可能的状态与错误代码。",
        generate_unique_id_function=operation_id,
        version="0.1.0",
        lifespan=lifespan,
    )
    refuse = errors.install(app, page=(web.is_page, web.error_page))
    settings = get_settings()
    app.add_middleware(BodyLimit, settings=settings, answer=refuse,
                       uploads=rules_for(settings.config_dir).policy.uploads)
    for module in (health, authorities, records, subjects, applications, cases, decisions, materials, monitoring,
                   evaluations, supervision, handling, payments, objections, restructurings, sync):
        app.include_router(module.router)
    web.install(app)
    return app


app = create_app()
