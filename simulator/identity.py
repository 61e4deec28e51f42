"""A simulator of the provincial unified identity service (江苏政务服务统一身份认证), an OpenID Connect
provider: discovery, an authorisation page where a tester picks one of the accounts registered through
`POST /identity/accounts`, the code-for-token exchange (client secret, PKCE when sent), the JWKS and
userinfo. ID tokens are RS256, signed with a key made at start. It stands in for a system outside our
reach, in development and tests only."""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from html import escape
from typing import Any
from urllib.parse import urlencode

from authlib.jose import JsonWebKey, jwt
from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse

router = APIRouter(prefix="/identity")
_key = JsonWebKey.generate_key("RSA", 2048, is_private=True)
_KID = "sim-1"
ACCOUNTS: dict[str, dict[str, Any]] = {}  # login -> claims
CLIENTS: dict[str, str] = {}  # client_id -> secret
_codes: dict[str, dict[str, Any]] = {}
_tokens: dict[str, dict[str, Any]] = {}


def _issuer(request: Request) -> str:
    return str(request.base_url).rstrip("/") + "/identity"


@router.get("/.well-known/openid-configuration")
def discovery(request: Request) -> dict[str, Any]:
    issuer = _issuer(request)
    return {"issuer": issuer, "authorization_endpoint": issuer + "/authorize", "token_endpoint": issuer + "/token",
            "jwks_uri": issuer + "/jwks", "userinfo_endpoint": issuer + "/userinfo",
            "response_types_supported": ["code"], "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"], "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "scopes_supported": ["openid", "profile"]}


@router.get("/jwks")
def jwks() -> dict[str, Any]:
    public = _key.as_dict(is_private=False)
    return {"keys": [{**public, "kid": _KID, "use": "sig", "alg": "RS256"}]}


@router.post("/clients")
def register_client(body: dict[str, str]) -> dict[str, str]:
    CLIENTS[body["client_id"]] = body["client_secret"]
    return {"client_id": body["client_id"]}


@router.post("/accounts")
def register_account(body: dict[str, Any]) -> dict[str, str]:
    """Test accounts: {login, name, claims: {...}} (e.g. xiufu_role, uscc, authority, region)."""
    ACCOUNTS[body["login"]] = {"sub": body["login"], "name": body.get("name", body["login"]), **body.get("claims", {})}
    return {"login": body["login"]}


@router.get("/authorize", response_class=HTMLResponse)
def authorize(request: Request, client_id: str, redirect_uri: str, state: str = "", nonce: str = "",
              code_challenge: str = "", response_type: str = "code", scope: str = "") -> HTMLResponse:
    if client_id not in CLIENTS or response_type != "code" or "openid" not in scope.split():
        raise HTTPException(400, "invalid_request")
    hidden = "".join(f'<input type="hidden" name="{k}" value="{escape(v)}">' for k, v in (
        ("client_id", client_id), ("redirect_uri", redirect_uri), ("state", state), ("nonce", nonce),
        ("code_challenge", code_challenge)))
    buttons = "".join(f'<li><button name="login" value="{escape(login)}">{escape(str(a["name"]))}</button></li>'
                      for login, a in ACCOUNTS.items())
    return HTMLResponse(f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>统一身份认证（模拟）'
                        f'</title></head><body><main><h1>江苏政务服务统一身份认证（模拟器）</h1>'
                        f'<form method="post" action="/identity/authorize">{hidden}<ul>{buttons}</ul></form>'
                        f'</main></body></html>')


@router.post("/authorize")
def approve(login: str = Form(...), client_id: str = Form(...), redirect_uri: str = Form(...), state: str = Form(""),
            nonce: str = Form(""), code_challenge: str = Form("")) -> RedirectResponse:
    if login not in ACCOUNTS:
        raise HTTPException(400, "unknown account")
    code = secrets.token_urlsafe(24)
    _codes[code] = {"login": login, "client_id": client_id, "redirect_uri": redirect_uri, "nonce": nonce,
                    "code_challenge": code_challenge, "at": time.time()}
    return RedirectResponse(redirect_uri + "?" + urlencode({"code": code, "state": state}), status_code=303)


@router.post("/token")
async def token(request: Request) -> JSONResponse:
    form = await request.form()
    client_id, client_secret = str(form.get("client_id", "")), str(form.get("client_secret", ""))
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("basic "):
        from urllib.parse import unquote

        client_id, _, client_secret = base64.b64decode(auth[6:]).decode().partition(":")
        client_id, client_secret = unquote(client_id), unquote(client_secret)
    grant = _codes.pop(str(form.get("code", "")), None)
    if CLIENTS.get(client_id) != client_secret or grant is None or grant["client_id"] != client_id \
            or grant["redirect_uri"] != form.get("redirect_uri") or time.time() - grant["at"] > 300:
        return JSONResponse({"error": "invalid_grant"}, status_code=400)
    if grant["code_challenge"]:
        verifier = str(form.get("code_verifier", ""))
        digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if digest != grant["code_challenge"]:
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
    claims = ACCOUNTS[grant["login"]]
    now = int(time.time())
    id_token = jwt.encode({"alg": "RS256", "kid": _KID}, {
        **claims, "iss": _issuer(request), "aud": client_id, "iat": now, "exp": now + 600,
        "nonce": grant["nonce"]}, _key).decode()
    access = secrets.token_urlsafe(24)
    _tokens[access] = claims
    return JSONResponse({"access_token": access, "token_type": "Bearer", "expires_in": 600, "id_token": id_token})


@router.get("/userinfo")
def userinfo(request: Request) -> dict[str, Any]:
    claims = _tokens.get(request.headers.get("authorization", "").removeprefix("Bearer ").strip())
    if claims is None:
        raise HTTPException(401, "invalid_token")
    return claims
