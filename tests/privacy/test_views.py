"""The personal-data pages through the client: central walks them; everyone else gets the
same 404 as for a missing page."""
from __future__ import annotations

import io
import re
import zipfile

import pytest
from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.privacy.models import ErasureRecord, PersonExport, RetentionSettings
from tests.privacy.conftest import CENTRAL, DAYS, GRANNBY_CENTRAL, GRANNBY_GUARDIAN, GUARDIAN, person_of


def _plain(html: str) -> str:
    """A page without its CSRF token, which carries a time stamp."""
    return re.sub(r'name="csrf_token" value="[^"]*"', "", html)


def _ids(app, *emails):
    with app.app_context():
        return [person_of(e).id for e in emails]


def test_central_sets_rules_reads_the_dry_run_confirms_and_runs(demo_app, as_user):
    c = as_user(CENTRAL)
    page = c.get("/privacy/retention")
    assert page.status_code == 200 and "Inga regler är bekräftade" in page.text
    r = c.post("/privacy/retention", data={**DAYS, "closed_ticket_days": "30"})
    assert r.status_code == 302
    page = c.get("/privacy/retention")
    assert "Provkörning av de föreslagna reglerna" in page.text
    with demo_app.app_context():
        row = db.session.scalar(select(RetentionSettings))
        assert row.active is None and row.proposed["closed_ticket_days"] == 30
        from helpdesk.privacy.retention import fingerprint

        seen = fingerprint(row.proposed)
    c.post("/privacy/retention/confirm", data={"seen": seen})
    page = c.get("/privacy/retention")
    assert "De bekräftade reglerna" in page.text
    with demo_app.app_context():
        row = db.session.scalar(select(RetentionSettings))
        assert row.active["closed_ticket_days"] == 30
        seen = fingerprint(row.active)
    r = c.post("/privacy/retention/run", data={"seen": seen}, follow_redirects=True)
    assert "Klart:" in r.text and "Senaste körningar" in r.text


def test_bad_days_answer_400_with_the_field_and_store_nothing(demo_app, as_user):
    c = as_user(CENTRAL)
    r = c.post("/privacy/retention", data={**DAYS, "audit_days": "0"})
    assert r.status_code == 400 and 'id="audit_days-error"' in r.text
    with demo_app.app_context():
        assert db.session.scalar(select(RetentionSettings)) is None


def test_export_is_prepared_and_downloaded_as_a_zip(demo_app, as_user):
    (pid,) = _ids(demo_app, GUARDIAN)
    c = as_user(CENTRAL)
    assert "Förbered en export" in c.get(f"/privacy/people/{pid}").text
    c.post(f"/privacy/people/{pid}/export")
    with demo_app.app_context():
        export_id = db.session.scalar(select(PersonExport.id))
    r = c.get(f"/privacy/exports/{export_id}")
    assert r.status_code == 200 and r.mimetype == "application/zip"
    assert "person.json" in zipfile.ZipFile(io.BytesIO(r.data)).namelist()


def test_erasing_a_manual_person_shows_the_plan_then_the_report(demo_app, as_user):
    (pid,) = _ids(demo_app, GRANNBY_GUARDIAN)
    c = as_user(GRANNBY_CENTRAL)
    plan = c.get(f"/privacy/people/{pid}/erase")
    assert plan.status_code == 200 and "Radera personen" in plan.text
    seen = plan.text.split('name="seen" value="')[1].split('"')[0]
    r = c.post(f"/privacy/people/{pid}/erase", data={"seen": seen}, follow_redirects=True)
    assert "Raderingsrapport" in r.text and "Anonymiserat" in r.text
    assert "Kim" not in r.text
    # The page now leads to the stored report instead of a second erasure.
    with demo_app.app_context():
        record_id = db.session.scalar(select(ErasureRecord.id))
    assert c.get(f"/privacy/people/{pid}/erase").headers["Location"].endswith(f"/privacy/erasures/{record_id}")


def test_a_synced_person_is_erased_at_the_source(demo_app, as_user):
    (pid,) = _ids(demo_app, GUARDIAN)
    page = as_user(CENTRAL).get(f"/privacy/people/{pid}/erase")
    assert "skoladministrativa systemet" in page.text and "Anonymisera portalens kopior" in page.text


@pytest.mark.parametrize("email", [GRANNBY_CENTRAL, "lokal.norr@exempelkommun.se", GUARDIAN,
                                   "leverantor@leverantor.example"])
def test_outside_the_organisations_central_team_it_is_a_missing_page(demo_app, as_user, email):
    (pid,) = _ids(demo_app, GUARDIAN)
    c = as_user(email)
    for url in (f"/privacy/people/{pid}", f"/privacy/people/{pid}/erase"):
        missing = c.get(url.replace(str(pid), "999999"))
        r = c.get(url)
        # The page links back to its own address (the language switch); otherwise the same.
        assert r.status_code == 404
        assert _plain(r.text) == _plain(missing.text.replace("999999", str(pid)))
    assert c.post(f"/privacy/people/{pid}/export").status_code == 404
    with demo_app.app_context():
        assert db.session.scalar(select(PersonExport)) is None


def test_the_person_page_links_to_personal_data_for_central_only(demo_app, as_user):
    (pid,) = _ids(demo_app, "larare.norr@exempelkommun.se")
    assert f"/privacy/people/{pid}" in as_user(CENTRAL).get(f"/admin/people/{pid}").text
    assert "/privacy/people/" not in as_user("lokal.norr@exempelkommun.se").get(f"/admin/people/{pid}").text
