"""Bearer tokens: signed by xiufu in development and small deployments, or by an external issuer
(the provincial identity service) whose public key xiufu only checks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt

from config.settings import Settings
from domain.access import SCOPE_OF_ROLE, Principal
from domain.errors import Code, DomainError
from domain.identifiers import normalize_id, subject_kinds
from domain.model import Role
from domain.text import invalid_text


def check_principal(p: Principal) -> None:
    """A token must carry what its role is scoped by; a caseworker without an authority would see nothing,
    or worse, everything."""
    need = SCOPE_OF_ROLE.get(p.role)
    if need and not getattr(p, need):
        raise DomainError(Code.TOKEN_SCOPE_MISSING, f"角色 {p.role} 的令牌必须指定 {need}")
    if p.subject and not subject_kinds(p.subject):
        raise DomainError(Code.INVALID_SUBJECT)


def issue_token(settings: Settings, p: Principal, ttl_hours: int | None = None) -> str:
    if settings.jwt_public_key:
        raise DomainError(Code.EXTERNAL_ISSUER)
    check_principal(p)
    now = datetime.now(UTC)
    claims = {
        "iss": settings.jwt_issuer,
        "sub": p.sub,
        "role": p.role.value,
        "iat": now,
        "exp": now + timedelta(hours=ttl_hours or settings.token_ttl_hours),
    }
    for name in ("authority", "subject", "region", "name"):
        value = getattr(p, name)
        if value:
            claims[name] = value
    return jwt.encode(claims, settings.secret_key, algorithm="HS256")


def decode_token(settings: Settings, token: str) -> Principal:
    key = settings.jwt_public_key or settings.secret_key
    algorithm = settings.jwt_algorithm if settings.jwt_public_key else "HS256"
    try:
        claims = jwt.decode(
            token, key, algorithms=[algorithm], issuer=settings.jwt_issuer, options={"require": ["exp", "sub"]}
        )
        role = Role(claims["role"])
    except (jwt.PyJWTError, KeyError, ValueError) as exc:
        raise DomainError(Code.INVALID_TOKEN) from exc
    if invalid_text(claims):
        raise DomainError(Code.INVALID_TOKEN)
    subject = claims.get("subject")
    p = Principal(
        sub=str(claims["sub"]),
        role=role,
        authority=claims.get("authority"),
        subject=normalize_id(subject) if subject else None,
        region=claims.get("region"),
        name=claims.get("name"),
    )
    check_principal(p)
    return p
