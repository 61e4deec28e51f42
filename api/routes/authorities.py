from __future__ import annotations

from fastapi import APIRouter

from api.deps import RulesDep
from api.errors import refusals
from api.schemas import AuthorityPublic

router = APIRouter(prefix="/api/v1", tags=["authorities"])


@router.get("/authorities", response_model=list[AuthorityPublic], responses=refusals(public=True))
def list_authorities(rules: RulesDep) -> list[AuthorityPublic]:
    """Public: the authorities configured in config/authorities.yaml (谁认定、谁修复 routes to them)."""
    return [AuthorityPublic(**a.__dict__) for a in rules.directory]
