"""Personal data in Chromium, with axe checks: central sets retention rules, reads the dry
run, confirms and runs them; exports a guardian's data and reads it; erases a manual person
after reading the plan."""
from __future__ import annotations

import io
import zipfile

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    assert_accessible,
    assert_no_sideways_scroll,
    log_in,
    narrow_page,
    open_admin_menu,
)

pytestmark = pytest.mark.browser


def test_central_retention_export_and_erasure(page, demo_app):
    log_in(page, "central@grannby.se")
    open_admin_menu(page)
    page.get_by_role("link", name="Personuppgifter", exact=True).first.click()
    expect(page.get_by_role("heading", name="Personuppgifter: hur länge de sparas")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Sökloggen sparas i (dagar)").fill("30")
    page.get_by_label("Ersätt frågeställarens namn och ta bort ämnet och texten").check()
    page.get_by_role("button", name="Visa provkörningen").click()
    expect(page.get_by_role("heading", name="Provkörning av de föreslagna reglerna")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Bekräfta reglerna").click()
    expect(page.get_by_text("Gallringsreglerna är bekräftade")).to_be_visible()
    expect(page.get_by_role("heading", name="De bekräftade reglerna")).to_be_visible()
    page.get_by_role("button", name="Kör reglerna nu").click()
    expect(page.get_by_text("Klart:")).to_be_visible()
    expect(page.get_by_role("heading", name="Senaste körningar")).to_be_visible()
    assert_accessible(page)

    # A guardian's export, from the person's page under Administration.
    with demo_app.app_context():
        from tests.privacy.conftest import GRANNBY_GUARDIAN, person_of

        pid = person_of(GRANNBY_GUARDIAN).id
    page.goto(f"/admin/people/{pid}")
    page.get_by_role("link", name="Exportera eller radera det portalen har om personen").click()
    assert_accessible(page)
    page.get_by_role("button", name="Förbered en export").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Ladda ner exporten").first.click()
    with open(download.value.path(), "rb") as f:
        zf = zipfile.ZipFile(io.BytesIO(f.read()))
    html = zf.read("person.html").decode()
    assert "Kim" in html and "vardnadshavare@grannby.se" in html
    # Read it as a person would: the page itself, in the browser.
    page.set_content(html)
    expect(page.get_by_role("heading", name="Det här har supportportalen om dig")).to_be_visible()
    expect(page.get_by_role("heading", name="What the support portal holds about you")).to_be_visible()

    # Erase the (manual) guardian: the plan first, then the report.
    page.goto(f"/privacy/people/{pid}")
    page.get_by_role("link", name="Planera en radering").click()
    expect(page.get_by_role("heading", name="Radera Kim Grannlund: läs planen")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Radera personen").click()
    expect(page.get_by_text("Personen är raderad")).to_be_visible()
    expect(page.get_by_role("heading", name="Raderingsrapport", exact=False)).to_be_visible()
    assert_accessible(page)
    assert "Grannlund" not in page.content()


@pytest.mark.sqlite_only  # layout does not depend on the database
@pytest.mark.parametrize("lang", ["sv", "en"])
def test_every_privacy_page_state_fits_320px_and_passes_axe(browser, live_server, demo_app, lang):
    """The states the every-page sweep does not reach: a proposal with its dry run, the
    confirmed rules with a run, an erasure plan for a synced person and a stored report."""
    with demo_app.app_context():
        from helpdesk.extensions import db
        from helpdesk.privacy import erasure, retention
        from tests.privacy.conftest import CENTRAL, DAYS, GUARDIAN, org, person_of, user

        exk, central = org("EXK"), user(CENTRAL)
        retention.confirm(central, exk.id, retention.fingerprint(retention.propose(central, exk.id, DAYS).proposed))
        retention.run(exk.id, actor=central)
        retention.propose(central, exk.id, {**DAYS, "audit_days": "30"})
        guardian = person_of(GUARDIAN).id
        teacher = person_of("larare.ekback@exempelkommun.se")
        record = erasure.erase(central, teacher, erasure.plan(teacher).fingerprint)
        db.session.commit()
        urls = ["/privacy/retention", f"/privacy/people/{guardian}", f"/privacy/people/{guardian}/erase",
                f"/privacy/erasures/{record.id}"]
    context, page = narrow_page(browser, live_server, "central@exempelkommun.se", lang)
    for url in urls:
        page.goto(url)
        assert page.locator("html").get_attribute("lang") == lang
        assert_no_sideways_scroll(page)
        assert_accessible(page)
    context.close()
