"""Sign-in through the provincial unified identity service (OpenID Connect, authorisation code with PKCE),
with authlib: the ID token is checked against the provider's keys, its claims become the same principal
an API token carries (role, and the subject, authority or region it is scoped by), and the page session
is then xiufu's own (api/web/session.py). Configured by the XIUFU_OIDC_* settings; absent, the routes
answer 404."""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

from authlib.integrations.starlette_client import OAuth, OAuthError
from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.auth import check_principal
from api.deps import SettingsDep
from api.errors import ApiError, not_found
from api.web.public import safe_next, signed_in
from config.settings import Settings
from domain.access import Principal
from domain.errors import Code, DomainError
from domain.identifiers import normalize_id
from domain.model import Role

router = APIRouter(include_in_schema=False)
log = logging.getLogger("xiufu.oidc")
NEXT_KEY = "xiufu_next"


@lru_cache
def _registry(issuer: str, client_id: str, client_secret: str, scope: str) -> Any:
    oauth = OAuth()
    oauth.register("province", client_id=client_id, client_secret=client_secret,
                   server_metadata_url=issuer.rstrip("/") + "/.well-known/openid-configuration",
                   client_kwargs={"scope": scope, "code_challenge_method": "S256"})
    return oauth.province


def provider(settings: Settings) -> Any:
    if not settings.oidc_issuer:
        raise not_found("统一身份认证登录")
    return _registry(settings.oidc_issuer, settings.oidc_client_id, settings.oidc_client_secret, settings.oidc_scope)


def principal_from_claims(claims: dict[str, Any], settings: Settings) -> Principal:
    """The identity service's claims as a principal; a role xiufu does not know is refused, not guessed."""
    try:
        role = Role(str(claims.get(settings.oidc_role_claim, "")))
    except ValueError:
        raise DomainError(Code.OIDC_ROLE_UNKNOWN) from None
    subject = claims.get(settings.oidc_subject_claim)
    return Principal(sub=f"oidc:{claims['sub']}", role=role, authority=claims.get(settings.oidc_authority_claim),
                     subject=normalize_id(str(subject)) if subject else None,
                     region=claims.get(settings.oidc_region_claim), name=claims.get("name"))


@router.get("/login/oidc")
async def oidc_start(request: Request, settings: SettingsDep, next: str | None = None) -> Response:
    client = provider(settings)
    request.session[NEXT_KEY] = safe_next(next)
    return await client.authorize_redirect(request, str(request.url_for("oidc_callback")))  # type: ignore[no-any-return]


@router.get("/login/oidc/callback", name="oidc_callback")
async def oidc_callback(request: Request, settings: SettingsDep) -> Response:
    client = provider(settings)
    try:
        token = await client.authorize_access_token(request)
    except OAuthError as failed:
        log.warning("OIDC sign-in refused: %s", failed.error)
        raise ApiError(Code.OIDC_FAILED) from None
    principal = principal_from_claims(dict(token.get("userinfo") or {}), settings)
    check_principal(principal)
    log.info("signed in through OIDC as %s (%s)", principal.role.value, principal.sub)
    return signed_in(principal, request.session.pop(NEXT_KEY, ""), settings)

