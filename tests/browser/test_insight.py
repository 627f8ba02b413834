"""The overview's charts render in a real browser, at 320 px, without script or CSP errors,
and pass axe; a screenshot of the central admin's overview is kept for the eye."""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, assert_no_sideways_scroll, log_in, narrow_page
from tests.insight.fixtures import add_recent_history

pytestmark = pytest.mark.browser
# Kept for a person to look at after a run; instance/ is ignored by git.
SCREENSHOT = Path(__file__).resolve().parents[2] / "instance" / "screenshots" / "insight.png"


@pytest.fixture
def history(demo_app):
    with demo_app.app_context():
        add_recent_history("Exempelkommun")
    return demo_app


@pytest.mark.sqlite_only
def test_central_admin_reads_the_charts(history, page):
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.set_viewport_size({"width": 1100, "height": 900})
    log_in(page, "central@exempelkommun.se")
    page.goto("/insight/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Översikt")
    charts = page.locator("svg.chart")
    expect(charts).to_have_count(4)
    # The stacked columns drew segments, and the response chart drew its lines.
    assert page.locator("#weekly-h ~ svg rect[fill^='url(#c-weekly']").count() > 10
    assert page.locator("#response-h ~ svg polyline").count() >= 2
    box = charts.first.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 100
    assert_accessible(page)
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    assert not errors, errors


@pytest.mark.sqlite_only
@pytest.mark.parametrize("lang", ["sv", "en"])
def test_overview_and_report_fit_320px_and_pass_axe(history, browser, live_server, lang):
    context, page = narrow_page(browser, live_server, "central@exempelkommun.se", lang)
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    for url in ("/insight/", "/insight/?category=login&tier=local", "/insight/report"):
        page.goto(url)
        assert_no_sideways_scroll(page)
        assert_accessible(page)
    assert not errors, errors
    # Bad input answers 400 with the form, the message and the default period: also accessible.
    page.goto("/insight/?from=0001-01-01")
    expect(page.get_by_role("alert")).to_be_visible()
    assert_no_sideways_scroll(page)
    assert_accessible(page)
    context.close()


@pytest.mark.sqlite_only
def test_local_admin_sees_her_school_only(history, page):
    log_in(page, "lokal.norr@exempelkommun.se")
    page.goto("/insight/")
    options = page.locator("#filter-school_id option").all_inner_texts()
    assert options[1:] == ["Norrskolan"]
