"""The removal guard in Chromium: a --full export that would empty Exempelkommun is held; central
reads what it would do on the sync page (accessible, at 320 px too) and confirms it."""
from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from helpdesk.extensions import db
from helpdesk.sync.importer import run_import
from tests.browser.conftest import (
    assert_accessible,
    assert_no_sideways_scroll,
    log_in,
    narrow_page,
    open_admin_menu,
)

pytestmark = pytest.mark.browser


def test_a_held_run_is_shown_and_confirmed(page, browser, live_server, demo_app, tmp_path):
    export = tmp_path / "empty-night.json"
    export.write_text(json.dumps({"organisations": [{"id": "exk-org", "displayName": "Exempelkommun",
                                                     "organisationType": "Huvudman"}], "persons": []}))
    with demo_app.test_request_context():
        result = run_import(export, full=True)
        run_id = result.run.id
        assert result.held
        db.session.remove()

    context, narrow = narrow_page(browser, live_server, "central@exempelkommun.se")
    narrow.goto("/sync/")
    expect(narrow.get_by_role("heading", name=f"Synkkörning {run_id} väntar på granskning")).to_be_visible()
    assert_no_sideways_scroll(narrow)
    context.close()

    log_in(page, "central@exempelkommun.se")
    open_admin_menu(page)
    page.get_by_role("link", name="Synk", exact=True).first.click()
    expect(page.get_by_role("heading", name=f"Synkkörning {run_id} väntar på granskning")).to_be_visible()
    expect(page.get_by_text("inaktiverade (100 %)").first).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name=f"Bekräfta och genomför synkkörning {run_id}").click()
    expect(page.get_by_text(f"Synkkörning {run_id} är bekräftad och genomförd.")).to_be_visible()
    expect(page.get_by_role("heading", name=f"Synkkörning {run_id} väntar på granskning")).to_have_count(0)
    assert_accessible(page)
