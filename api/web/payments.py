"""The small form beside a record's proof upload on /my and /window (templates/pages/_apply_form.html): "已缴纳
罚款？可直接查询缴款记录" asks the non-tax revenue payment platform (services/payments.py) and goes back to the
page it came from (303), where the record's card says what was found. A payment found leaves the record asking
no proof.

What was found travels in the query (`?payment=paid|unpaid|unavailable&record=<id>`), as the other pages' notices
after a form do (api/web/progress.flash, `/window?supplemented=1`); the card shows it only when it agrees with the
record as stored (paid: no proof asked any longer, with the day of the payment from the record itself; unpaid or
unavailable: a proof still asked), so an address typed by hand cannot make a page say a fine is paid."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api import clock
from api.deps import SettingsDep
from api.errors import forbidden
from api.web.session import check_csrf, require_principal
from domain.access import Principal, can_file_at_counter, has_own_subject
from domain.errors import Code, DomainError
from domain.identifiers import normalize_id
from domain.subject_hint import refusal_of_subject
from services import payments

router = APIRouter(include_in_schema=False)


def _page_of(me: Principal, subject: str) -> str:
    """The page the form was on: the applicant's /my, or the counter's /window for the subject it shows."""
    if has_own_subject(me):
        return "/my"
    if can_file_at_counter(me):
        subject = normalize_id(subject.strip())
        return f"/window?subject={quote(subject)}" if subject and not refusal_of_subject(subject) else "/window"
    raise forbidden("该页面仅供申请人和政务服务中心窗口工作人员使用")


@router.post("/records/{record_id}/payment-check", response_class=HTMLResponse)
async def payment_check(record_id: str, request: Request, settings: SettingsDep) -> Response:
    """A record not the caller's, or with no fine, is refused as a page (404, 422): the form is offered for
    neither. The platform not answering goes back with its message: the receipt can still be uploaded."""
    me = require_principal(request, settings)
    form = await request.form()
    check_csrf(request, settings, form)
    back = _page_of(me, str(form.get("subject", "")))
    try:
        found = await payments.check_payment(settings, me, record_id, clock.today())
        outcome = "paid" if found.paid else "unpaid"
    except DomainError as refused:
        if refused.code is not Code.PAYMENT_PLATFORM_UNAVAILABLE:
            raise
        outcome = "unavailable"
    joiner = "&" if "?" in back else "?"
    return RedirectResponse(f"{back}{joiner}payment={outcome}&record={quote(record_id)}#payment-{quote(record_id)}",
                            status_code=303)
