"""What every page test does to a page: sign in with a token like a person would, check accessibility
with axe, and keep a screenshot at phone and desktop width."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

from tests.pages.conftest import DESKTOP, PHONE, SHOTS

_axe = Axe()
AXE_RESULTS: dict[str, int] = {}  # page name -> serious or critical violations, for the closing note


def sign_in(page, headers: dict[str, str], next_path: str = "") -> None:
    token = headers["Authorization"].removeprefix("Bearer ")
    page.goto("/login" + (f"?next={next_path}" if next_path else ""))
    page.get_by_label("访问令牌").fill(token)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_load_state()


def serious_violations(page) -> list[str]:
    results = _axe.run(page)
    return [f"{v['id']} ({v['impact']}): {v['help']} @ {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]


def check_page(page, name: str) -> None:
    """axe with no serious or critical violation, then screenshots at both widths."""
    found = serious_violations(page)
    AXE_RESULTS[name] = len(found)
    assert not found, f"{name}: " + "; ".join(found)
    SHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    for label, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(viewport)
        page.screenshot(path=str(SHOTS / f"{name}-{label}.png"), full_page=True)
    if size:
        page.set_viewport_size(size)
