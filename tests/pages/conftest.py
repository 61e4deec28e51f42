"""Pages in a real browser: Debian's chromium driven by Playwright against the whole system as `make run`
starts it (one stack for all page tests). Every page visited is checked with axe and photographed at
phone and desktop width under var/screenshots/."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from devstack import start_stack

ROOT = Path(__file__).resolve().parent.parent.parent
SHOTS = ROOT / "var" / "screenshots"
CHROMIUM = os.environ.get("XIUFU_CHROMIUM", "/usr/bin/chromium")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

pytestmark = pytest.mark.system


@pytest.fixture(scope="session")
def web_stack(tmp_path_factory):
    with start_stack(tmp_path_factory.mktemp("pages-var"), oidc=True) as s:
        yield s


@pytest.fixture(scope="module")
def browser():
    """Per module, not per session: Playwright's sync API keeps its event loop running in this thread while
    it is open, and the system tests after the page tests call asyncio.run()."""
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip("chromium is not installed (make test installs the Debian package)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def new_page(browser, web_stack):
    """A fresh browser context (its own cookies) per person in a test."""
    contexts = []

    def make(viewport=DESKTOP):
        context = browser.new_context(base_url=web_stack.api, viewport=viewport, locale="zh-CN")
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
