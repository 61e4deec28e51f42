"""A stand-in for the handling side of a vertical system, 国家企业信用信息公示系统（江苏）: there market-regulation
caseworkers decide credit-repair cases themselves, in their own system, which we cannot reach in development
or tests. The hub hands a case over (`POST /handling/{system}/cases`), sends it notices (a supplement, a
withdrawal), and learns every decision from a callback the system makes to the hub's `callback_url` with a
bearer token.

The simulated system decides on its own after a delay ("auto" mode), or a tester decides by hand on its page
(`GET /handling/{system}`, "manual" mode; the page's forms work in either mode). A callback refused with a
connection error or a 5xx is retried with the same event_id (0.5 s doubling, capped at 5 s, about two
minutes in all); a 4xx is recorded and not retried. The system moves its own case on only when the hub has
answered 200, as a real one would keep its decision unsent otherwise. State is in memory, per system, like
the sites in simulator/app.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections import defaultdict
from datetime import UTC, datetime
from html import escape
from typing import Any, Literal
from urllib.parse import quote

import httpx
from fastapi import APIRouter, Header, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field, field_validator

from simulator.faults import misbehave

router = APIRouter(prefix="/handling")

# the hub's side of the callbacks; tests set an httpx.MockTransport here
transport: httpx.AsyncBaseTransport | None = None
TOKEN_ENV = "XIUFU_SIMULATOR_HANDLING_TOKEN"
BACKOFF_S = 0.5  # first wait before a retry, doubling
BACKOFF_CAP_S = 5.0
RETRY_BUDGET_S = 120.0  # give up on a callback after about this long
DEFAULT_HANDLER = "公示系统经办人"

Action = Literal["accept", "reject", "request_supplement", "approve", "deny", "extend"]

# what a caseworker may do in each of the system's own states
ALLOWED: dict[str, tuple[str, ...]] = {
    "received": ("accept", "reject"),
    "accepted": ("approve", "deny", "request_supplement", "extend"),
    "supplement_requested": (),
}
# where a decision the hub took (200) leaves the case
NEXT_STATE: dict[str, str] = {
    "accept": "accepted", "reject": "not_accepted", "request_supplement": "supplement_requested",
    "approve": "decided", "deny": "decided", "extend": "accepted",
}
ACTION_LABELS: dict[str, str] = {
    "accept": "受理", "reject": "不予受理", "approve": "同意修复", "deny": "不同意修复",
    "request_supplement": "要求补正材料", "extend": "延长办理期限",
}
STATE_LABELS: dict[str, str] = {
    "received": "已接收，待受理", "accepted": "已受理，办理中", "supplement_requested": "待申请人补正材料",
    "decided": "已办结", "withdrawn": "申请人已撤回", "not_accepted": "不予受理",
}
AUTO_REASONS: dict[str, str] = {
    "accept": "材料齐全，予以受理",
    "approve": "已履行行政处罚义务，同意修复",
    "deny": "经核查，尚未履行行政处罚义务，不同意修复",
    "request_supplement": "请补正已履行行政处罚义务的证明材料（如罚款缴纳凭证）",
}


class HandOver(BaseModel):
    case_id: str = Field(min_length=1)
    application_id: str = Field(min_length=1)
    record_id: str = Field(min_length=1)
    record_no: str = Field(min_length=1)
    record_kind: str = Field(min_length=1)
    track: str = ""
    handler: str = Field(min_length=1)
    subject_key: str = Field(min_length=1)
    subject_name: str = ""
    filed_at: str = Field(min_length=1)
    callback_url: str = Field(min_length=1)

    @field_validator("filed_at")
    @classmethod
    def _iso(cls, value: str) -> str:
        datetime.fromisoformat(value)  # a ValueError is a 422
        return value


class Notice(BaseModel):
    kind: Literal["supplement", "withdrawn"]
    seq: int
    at: str = Field(min_length=1)
    reason: str = ""
    material_ids: list[str] = Field(default_factory=list)


class Decision(BaseModel):
    action: Action
    reason: str = Field(min_length=1)
    handled_by: str = DEFAULT_HANDLER


class HandlingControl(BaseModel):
    mode: Literal["auto", "manual"] = "auto"
    delay_s: float = Field(default=1.0, ge=0)  # before accepting, and again before the outcome
    outcome: Literal["approve", "deny", "request_supplement"] = "approve"
    fail_next: int = 0  # answer 503 to the next N hand-overs
    refuse_next: int = 0  # answer 422 to the next N hand-overs
    token: str = ""  # the bearer token for the callbacks; empty: the environment's


class System:
    def __init__(self) -> None:
        self.cases: dict[str, dict[str, Any]] = {}  # case_id -> the case as the system holds it
        self.handovers: dict[str, dict[str, Any]] = {}  # Idempotency-Key -> the answer given
        self.notice_keys: set[str] = set()
        self.locks: dict[str, asyncio.Lock] = {}  # case_id -> one decision at a time
        self.issued = 0
        self.control = HandlingControl()


systems: dict[str, System] = defaultdict(System)
_tasks: set[asyncio.Task[None]] = set()  # the auto decisions under way, kept from the garbage collector


def reset() -> None:
    """Forget every system; stop the auto decisions (from whichever thread /reset runs in)."""
    for task in list(_tasks):
        with contextlib.suppress(RuntimeError):  # its loop is closed already
            task.get_loop().call_soon_threadsafe(task.cancel)
    _tasks.clear()
    systems.clear()


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _case(system: str, case_id: str) -> dict[str, Any]:
    case = systems[system].cases.get(case_id)
    if case is None:
        raise HTTPException(404, "no such case")
    return case


def _reference(system: str, target: System) -> str:
    target.issued += 1
    prefix = system.split("_")[0].upper() or "SYS"
    return f"{prefix}-{datetime.now(UTC).year}-{target.issued:06d}"


# ---- the hub's calls ------------------------------------------------------------------------------------
@router.post("/{system}/cases", status_code=202)
async def hand_over(system: str, body: HandOver, idempotency_key: str = Header(..., min_length=8)) -> dict[str, Any]:
    target = systems[system]
    await misbehave(target.control, "case not taken by this system", slow=False)  # its delay is the deciding's
    if idempotency_key in target.handovers:
        return {**target.handovers[idempotency_key], "replayed": True}
    existing = target.cases.get(body.case_id)
    if existing is not None:  # the same case under another key: not taken twice
        answer = {"reference": existing["reference"], "case_id": body.case_id, "received_at": existing["received_at"]}
        target.handovers[idempotency_key] = answer
        return {**answer, "replayed": True}
    answer = {"reference": _reference(system, target), "case_id": body.case_id, "received_at": _now()}
    target.handovers[idempotency_key] = answer
    target.cases[body.case_id] = {**body.model_dump(), "reference": answer["reference"],
                                  "received_at": answer["received_at"], "state": "received", "applied": 1,
                                  "decision": None, "extended": 0, "supplement_asked": False, "events_sent": 0,
                                  "notices": [], "callbacks": [], "note": ""}
    if target.control.mode == "auto":
        _schedule(system, body.case_id)
    return {**answer, "replayed": False}


@router.post("/{system}/cases/{case_id}/notices")
async def notice(system: str, case_id: str, body: Notice,
                 idempotency_key: str = Header(..., min_length=8)) -> dict[str, Any]:
    case, target = _case(system, case_id), systems[system]
    if idempotency_key in target.notice_keys:
        return {"received": True, "replayed": True}
    target.notice_keys.add(idempotency_key)
    case["notices"].append({**body.model_dump(), "received_at": _now()})
    if body.kind == "withdrawn" and case["state"] in ALLOWED:
        case["state"] = "withdrawn"
    elif body.kind == "supplement" and case["state"] == "supplement_requested":
        case["state"] = "accepted"
        if target.control.mode == "auto":
            _schedule(system, case_id)
    return {"received": True, "replayed": False}


@router.get("/{system}/cases")
def list_cases(system: str) -> dict[str, Any]:
    return {"cases": list(systems[system].cases.values())}


@router.get("/{system}/cases/{case_id}")
def get_case(system: str, case_id: str) -> dict[str, Any]:
    return _case(system, case_id)


@router.post("/{system}/control")
def control(system: str, settings: HandlingControl) -> dict[str, Any]:
    systems[system].control = settings
    return settings.model_dump()


# ---- the callbacks, system -> hub -----------------------------------------------------------------------
def _hub_message(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return response.text[:200]
    if isinstance(data, dict):
        for key in ("message", "detail", "error"):
            if data.get(key):
                return str(data[key])[:200]
    return str(data)[:200]


async def _call_back(system: str, case: dict[str, Any], action: str, reason: str, handled_by: str) -> dict[str, Any]:
    """Send one decision, retrying a connection error or a 5xx with the same event_id; every answer is kept."""
    case["events_sent"] += 1
    payload = {"event_id": f"{case['reference']}-{case['events_sent']}", "action": action, "reason": reason,
               "handled_by": handled_by}
    wait, deadline = BACKOFF_S, time.monotonic() + RETRY_BUDGET_S
    async with httpx.AsyncClient(transport=transport, timeout=10) as client:
        while True:
            token = systems[system].control.token or os.environ.get(TOKEN_ENV, "")
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            status: int | None
            try:
                response = await client.post(case["callback_url"], json=payload, headers=headers)
                status, message = response.status_code, _hub_message(response)
            except httpx.HTTPError as exc:
                status, message = None, f"{type(exc).__name__}: {exc}"
            answer = {"event_id": payload["event_id"], "action": action, "reason": reason, "handled_by": handled_by,
                      "status_code": status, "message": message, "answered_at": _now()}
            case["callbacks"].append(answer)
            if (status is not None and status < 500) or time.monotonic() + wait > deadline:
                return answer
            await asyncio.sleep(wait)
            wait = min(wait * 2, BACKOFF_CAP_S)


async def _decide(system: str, case_id: str, action: str, reason: str, handled_by: str) -> dict[str, Any] | None:
    """One decision on one case: None when its state (on the system's side) does not allow it."""
    target = systems[system]
    case = target.cases[case_id]
    async with target.locks.setdefault(case_id, asyncio.Lock()):
        before = case["state"]
        if action not in ALLOWED.get(before, ()):
            return None
        answer = await _call_back(system, case, action, reason, handled_by)
        if answer["status_code"] == 200 and case["state"] == before:  # not withdrawn meanwhile
            case["state"] = NEXT_STATE[action]
            if action in ("approve", "deny"):
                case["decision"] = action
            elif action == "request_supplement":
                case["supplement_asked"] = True
            elif action == "extend":
                case["extended"] += 1
        return answer


# ---- auto mode ------------------------------------------------------------------------------------------
def _schedule(system: str, case_id: str) -> None:
    """From an async route only: the task runs on the server's loop (a sync route runs in a worker thread)."""
    task = asyncio.get_running_loop().create_task(_auto(system, case_id))
    _tasks.add(task)
    task.add_done_callback(_tasks.discard)


def _next_auto_action(target: System, case: dict[str, Any]) -> str | None:
    if case["state"] == "received":
        return "accept"
    if case["state"] == "accepted":
        outcome = target.control.outcome
        return "approve" if outcome == "request_supplement" and case["supplement_asked"] else outcome
    return None  # waiting for a supplement, or closed


async def _auto(system: str, case_id: str) -> None:
    """Accept after the delay, then the outcome after the delay again; stops when the case is decided (by
    hand, too), withdrawn, waiting for a supplement, refused by the hub, or the system is put in manual mode."""
    target = systems[system]
    while True:
        await asyncio.sleep(target.control.delay_s)
        case = target.cases.get(case_id)
        if case is None or target.control.mode != "auto":
            return
        action = _next_auto_action(target, case)
        if action is None:
            return
        answer = await _decide(system, case_id, action, AUTO_REASONS[action], DEFAULT_HANDLER)
        if answer is None or answer["status_code"] != 200:
            return


# ---- the caseworkers' page ------------------------------------------------------------------------------
def _page_url(system: str) -> str:
    return f"/handling/{quote(system)}"


@router.post("/{system}/cases/{case_id}/decide", response_model=None)
async def decide(system: str, case_id: str, request: Request) -> Response:
    """The page's form (303 back to the page) or JSON {action, reason, handled_by} (the callback's answer)."""
    case = _case(system, case_id)
    as_json = request.headers.get("content-type", "").startswith("application/json")
    try:
        if as_json:
            decision = Decision.model_validate(await request.json())
        else:
            form = {k: str(v).strip() for k, v in (await request.form()).items()}
            decision = Decision.model_validate({**form, "handled_by": form.get("handled_by") or DEFAULT_HANDLER})
    except ValueError:
        if as_json:
            raise HTTPException(422, "action, reason (non-empty) and handled_by expected") from None
        case["note"] = "请选择办理结果并填写理由。"
        return RedirectResponse(_page_url(system), status_code=303)
    answer = await _decide(system, case_id, decision.action, decision.reason, decision.handled_by)
    if answer is None:
        state = STATE_LABELS.get(case["state"], case["state"])
        message = f"当前状态（{state}）下不能{ACTION_LABELS[decision.action]}。"
        if as_json:
            return JSONResponse({"detail": message, "state": case["state"]}, status_code=409)
        case["note"] = message
        return RedirectResponse(_page_url(system), status_code=303)
    case["note"] = ""
    if as_json:
        return JSONResponse(answer)
    return RedirectResponse(_page_url(system), status_code=303)


def _answer_text(answer: dict[str, Any] | None) -> str:
    if answer is None:
        return "尚未回传"
    label = f"{ACTION_LABELS.get(answer['action'], answer['action'])}（{answer['event_id']}）"
    if answer["status_code"] == 200:
        return f"{label}：平台已接收"
    if answer["status_code"] is None:
        return f"{label}：无法连接平台（{answer['message']}）"
    return f"{label}：平台答复 {answer['status_code']}，{answer['message']}"


def _state_text(case: dict[str, Any]) -> str:
    text = str(STATE_LABELS.get(case["state"], case["state"]))
    if case["state"] == "decided" and case["decision"]:
        text += f"（{ACTION_LABELS[case['decision']]}）"
    if case["extended"]:
        text += f"，已延长办理期限 {case['extended']} 次"
    return text


def _notices_text(case: dict[str, Any]) -> str:
    names = {"supplement": "补正材料", "withdrawn": "撤回申请"}
    items = [f"{names[n['kind']]}（第 {n['seq']} 次，{n['at']}）" for n in case["notices"]]
    return "；".join(items) or "无"


def _form(system: str, case: dict[str, Any], index: int) -> str:
    actions = ALLOWED.get(case["state"])
    if actions is None:
        return ""
    if not actions:
        return "<p>等待申请人补正材料，收到平台的补正通知后可继续办理。</p>"
    options = "".join(f'<option value="{a}">{ACTION_LABELS[a]}</option>' for a in actions)
    action_url = f"{_page_url(system)}/cases/{quote(case['case_id'])}/decide"
    return (f'<form method="post" action="{escape(action_url)}">'
            f'<p><label for="action-{index}">办理结果</label><br>'
            f'<select id="action-{index}" name="action" required>{options}</select></p>'
            f'<p><label for="reason-{index}">理由（必填）</label><br>'
            f'<textarea id="reason-{index}" name="reason" rows="3" required></textarea></p>'
            f'<p><label for="handled-by-{index}">经办人</label><br>'
            f'<input id="handled-by-{index}" name="handled_by" value="{escape(DEFAULT_HANDLER)}"></p>'
            f'<p><button type="submit">提交并回传平台</button></p></form>')


def _case_html(system: str, case: dict[str, Any], index: int) -> str:
    last = case["callbacks"][-1] if case["callbacks"] else None
    rows = (("受理编号", case["reference"]), ("平台案件号", case["case_id"]), ("信用记录编号", case["record_no"]),
            ("主体名称", case["subject_name"] or case["subject_key"]), ("状态", _state_text(case)),
            ("收到的通知", _notices_text(case)), ("最近一次回传", _answer_text(last)))
    cells = "".join(f"<dt>{escape(k)}</dt><dd>{escape(str(v))}</dd>" for k, v in rows)
    note = f'<p role="alert">{escape(case["note"])}</p>' if case["note"] else ""
    return (f'<section id="case-{escape(case["case_id"])}" class="case"><h2>{escape(case["reference"])}</h2>'
            f"<dl>{cells}</dl>{note}{_form(system, case, index)}</section>")


@router.get("/{system}", response_class=HTMLResponse)
def page(system: str) -> HTMLResponse:
    target = systems[system]
    mode = ("自动办理（收到案件后按设定的间隔自动受理、办结）" if target.control.mode == "auto"
            else "人工办理（在本页逐件办理）")
    cases = "".join(_case_html(system, c, i) for i, c in enumerate(target.cases.values())) or "<p>暂无案件。</p>"
    title = "国家企业信用信息公示系统（江苏）信用修复办理（模拟）"
    return HTMLResponse(
        f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title>'
        f"<style>body{{font-family:sans-serif;margin:1rem;max-width:40rem}}.case{{border-top:1px solid #999;"
        f"padding:.5rem 0}}dt{{font-weight:bold}}dd{{margin:0 0 .3rem}}textarea,select,input{{width:100%;"
        f"box-sizing:border-box;font-size:1rem}}</style></head><body><main><h1>{title}</h1>"
        f"<p><strong>这是模拟器</strong>，代替信用修复平台够不到的外部系统，仅用于开发和测试，"
        f"这里的办理结果不是真实的行政决定。</p>"
        f"<p>系统：{escape(system)}；办理方式：{mode}。</p>{cases}</main></body></html>")
