"""Browser tests: the demo portal served on loopback, driven in Debian's Chromium.

Chromium comes from the distribution (/usr/bin/chromium), never from a download. Where it
is missing the tests skip with that reason, unless REQUIRE_BROWSER is set (CI sets it),
in which case they fail.
"""
from __future__ import annotations

import re

import os
import shutil

import pytest

from tests.support.serve import serving

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]


def _require_chromium():
    if not os.path.exists(CHROMIUM):
        reason = f"Debian's Chromium is not installed ({CHROMIUM}); apt-get install chromium"
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_server(demo_app):
    """The demo app served from a thread on a free loopback port."""
    with serving(demo_app) as url:
        yield url


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server, locale="sv-SE")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def open_admin_menu(page):
    """Open the main menu's "Administration" disclosure, where the admin tools are listed."""
    nav = page.get_by_role("navigation", name=re.compile("^(Huvudmeny|Main menu)$"))
    summary = nav.locator("details", has=page.locator("summary"))
    if summary.count() and summary.first.get_attribute("open") is None:
        nav.locator("summary").first.click()


def log_in(page, email: str, password: str = "demo") -> None:
    page.goto("/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("form.form-narrow button[type=submit]").click()
    page.wait_for_load_state()


def assert_accessible(page) -> None:
    """axe-core (bundled with axe-playwright-python) finds no WCAG 2.1 A/AA violation."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": [
        "wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}, "resultTypes": ["violations"]})
    violations = results.response["violations"]
    assert not violations, "\n".join(
        f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes: {v['nodes'][0]['target']})" for v in violations)


def narrow_page(browser, live_server, email: str | None, lang: str = "sv"):
    """A new 320 px wide page (WCAG 1.4.10's reflow width) in `lang`, logged in as `email`
    (None: a visitor)."""
    from helpdesk.i18n import LOCALE_COOKIE

    context = browser.new_context(base_url=live_server, viewport={"width": 320, "height": 640}, locale="sv-SE")
    context.add_cookies([{"name": LOCALE_COOKIE, "value": lang, "url": live_server}])
    page = context.new_page()
    page.set_default_timeout(10_000)
    if email:
        log_in(page, email)
    return context, page


def assert_no_sideways_scroll(page) -> None:
    # Measured on the page as styled: after a click that navigates, the new page's text can
    # be there before its stylesheets are (a loaded machine serves them late), and an
    # unstyled table is wider than the screen. This race made a queue check fail only
    # inside the full parallel suite.
    page.wait_for_load_state("load")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways at 320 px ({overflow}px)"
