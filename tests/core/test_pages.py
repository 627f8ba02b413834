"""The privacy page per organisation and the accessibility statement."""
from __future__ import annotations

from helpdesk import hooks


def test_a_visitor_chooses_an_organisation_and_reads_its_privacy_page(demo_app):
    c = demo_app.test_client()
    home = c.get("/").text
    assert 'href="/personal-data"' in home and 'href="/accessibility"' in home
    index = c.get("/personal-data").text
    assert "/personal-data/EXK" in index and "Grannby" in index
    page = c.get("/personal-data/EXK").text
    assert "Personuppgifter i Exempelkommun" in page and "personuppgiftsansvarig" in page
    # The demo has confirmed no retention rules: the page claims no period it does not keep.
    assert "har ännu inte bestämt hur länge" in page and "730 dagar" not in page and "IMY" in page
    assert c.get("/personal-data/NOPE").status_code == 404
    assert c.get("/personal-data/" + "X" * 300).status_code == 404


def test_the_page_states_the_rules_central_confirmed(demo_app):
    from helpdesk.auth.models import User
    from helpdesk.extensions import db
    from helpdesk.privacy import retention

    with demo_app.app_context():
        central = db.session.scalar(db.select(User).where(User.email == "central@exempelkommun.se"))
        org_id = central.organisation_id
        values = {**retention.DEFAULTS, "closed_ticket_days": 365, "guest_request_days": 30}
        row = retention.propose(central, org_id, values)
        retention.confirm(central, org_id, retention.fingerprint(row.proposed))
        db.session.commit()
    page = demo_app.test_client().get("/personal-data/EXK").text
    assert "365 dagar (1 år)" in page and "30 dagar" in page and "inte bestämt" not in page


def test_a_logged_in_person_gets_their_own_organisations_page(demo_app, as_user):
    r = as_user("central@grannby.se").get("/personal-data")
    assert r.status_code == 302 and r.headers["Location"].endswith("/personal-data/" + _code(demo_app, "Grannby"))
    # The vendor's agents belong to no organisation: they choose, like a visitor.
    assert as_user("leverantor@leverantor.example").get("/personal-data").status_code == 200


def test_the_retention_figures_come_from_the_privacy_hook_when_it_is_there(demo_app):
    c = demo_app.test_client()
    previous = hooks.get("retention_summary")
    hooks.provide("retention_summary", lambda org: {"closed_ticket_days": 400, "audit_days": "bad"})
    try:
        page = c.get("/personal-data/EXK").text
    finally:
        hooks.provide("retention_summary", previous)
    assert "400 dagar" in page and "1825 dagar (5 år)" in page and "730 dagar" not in page


def test_the_accessibility_statement_has_what_the_law_asks_for(demo_app, as_user):
    page = as_user("larare.norr@exempelkommun.se").get("/accessibility").text
    assert "Exempelkommun står bakom" in page  # who answers for it
    for words in ("delvis förenlig", "WCAG 2.1", "Innehåll som inte är tillgängligt", "DIGG",
                  "granskades senast", "/help/accessibility-problem"):
        assert words in page, words
    c = as_user("larare.norr@exempelkommun.se")
    c.post("/language", data={"lang": "en"})
    english = c.get("/accessibility").text
    assert "partly compliant" in english and "Report an accessibility problem" in english


def _code(app, name):
    from sqlalchemy import select

    from helpdesk.directory.models import Organisation
    from helpdesk.extensions import db

    with app.app_context():
        return db.session.scalar(select(Organisation.code).where(Organisation.name.contains(name)))
