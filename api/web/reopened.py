"""A form's address opened again: after a refused form the browser shows the form's POST address, and a
reload, a bookmark or a shared link asks it with GET. That answered 405 METHOD_NOT_ALLOWED; it now leads
to the page the form belongs to (303), where nothing is done without the form being sent again."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from api.deps import SettingsDep
from api.web.session import require_principal
from services.db import in_session
from services.visibility import visible_case

router = APIRouter(include_in_schema=False)


def _to(path: str) -> Response:
    return RedirectResponse(path, status_code=303)


@router.get("/applications/{application_id}/withdraw")
@router.get("/applications/{application_id}/evaluations")
def application_form(application_id: str) -> Response:
    return _to(f"/applications/{application_id}")


@router.get("/window/lookup")
def lookup_form() -> Response:
    return _to("/window")


@router.get("/cases/{case_id}/decisions")
def decision_form(case_id: str) -> Response:
    return _to(f"/cases/{case_id}")


@router.get("/cases/{case_id}/supplement")
async def supplement_form(case_id: str, request: Request, settings: SettingsDep) -> Response:
    """The supplement is answered on the application's page (the applicant cannot open the case page)."""
    me = require_principal(request, settings)
    app, _ = await in_session(settings, lambda s: visible_case(s, me, case_id))
    return _to(f"/applications/{app.id}")


@router.get("/login/demo")
def demo_form() -> Response:
    return _to("/login")


@router.get("/logout")
def logout_form() -> Response:
    """Signing out stays a POST with its CSRF token (a link could sign anyone out); the address opened
    again leads home, where the signed-in header offers the button."""
    return _to("/")
