"""The webhook pages through the client: central adds a hook (the secret shown once), reads
its log, sends a test, disables, enables and deletes; anyone else gets a 404."""
from __future__ import annotations

from sqlalchemy import func, select

from helpdesk.extensions import db
from helpdesk.webhooks import delivery as job
from helpdesk.webhooks.models import Webhook, WebhookDelivery
from tests.webhooks.conftest import CENTRAL, GRANNBY_CENTRAL, TEACHER


def _count(model):
    return db.session.scalar(select(func.count(model.id)))


def test_central_adds_a_hook_and_sees_the_secret_once(demo_app, as_user, receiver):
    c = as_user(CENTRAL)
    page = c.get("/webhooks/")
    assert page.status_code == 200 and "Lägg till en webhook" in page.text and "Det finns inga webhooks" in page.text
    r = c.post("/webhooks/", data={"url": receiver.url, "events": ["ticket.created", "ticket.rated"]})
    assert r.status_code == 200 and "Kopiera signeringshemligheten nu" in r.text
    with demo_app.app_context():
        hook = db.session.scalar(select(Webhook))
        assert hook.events == ["ticket.created", "ticket.rated"] and hook.secret in r.text
    again = c.get(f"/webhooks/{hook.id}")
    assert again.status_code == 200 and hook.secret not in again.text and receiver.url in again.text
    assert hook.secret not in c.get("/webhooks/").text


def test_a_refused_address_is_said_in_swedish_and_nothing_is_made(demo_app, as_user):
    c = as_user(CENTRAL)
    for url, says in (("http://93.184.216.34/hook", "måste börja med https://"),
                      ("https://192.168.1.5/hook", "internt nätverk"),
                      ("https://10.0.0.5/hook", "internt nätverk"),
                      ("inte en adress", "fullständig webbadress")):
        r = c.post("/webhooks/", data={"url": url, "events": ["ticket.created"]})
        assert r.status_code == 400 and says in r.text and 'aria-invalid="true"' in r.text
    r = c.post("/webhooks/", data={"url": "https://93.184.216.34/hook"})
    assert r.status_code == 400 and "Välj minst en av händelserna" in r.text
    from helpdesk.i18n import LOCALE_COOKIE

    c.set_cookie(LOCALE_COOKIE, "en")
    r = c.post("/webhooks/", data={"url": "http://93.184.216.34/hook", "events": "ticket.created"})
    assert r.status_code == 400 and "The address must begin with https://." in r.text
    assert c.post("/webhooks/", data={"url": "https://93.184.216.34/hook", "events": "ticket.created"}).status_code == 200
    with demo_app.app_context():
        assert _count(Webhook) == 1  # only the last, valid one


def test_the_hook_page_test_event_disable_enable_delete(demo_app, as_user, receiver):
    c = as_user(CENTRAL)
    c.post("/webhooks/", data={"url": receiver.url, "events": ["ticket.created"]})
    with demo_app.app_context():
        hook = db.session.scalar(select(Webhook))
        receiver.secret = hook.secret
    assert c.post(f"/webhooks/{hook.id}/test").status_code == 302
    with demo_app.test_request_context():
        job.deliver_due()
    [got] = receiver.received
    assert got.signature_valid and got.event["type"] == "webhook.test"
    page = c.get(f"/webhooks/{hook.id}")
    assert "webhook.test" in page.text and "Levererad" in page.text
    c.post(f"/webhooks/{hook.id}/disable")
    assert "Slå på" in c.get(f"/webhooks/{hook.id}").text
    c.post(f"/webhooks/{hook.id}/enable")
    assert "Stäng av" in c.get(f"/webhooks/{hook.id}").text
    assert c.post(f"/webhooks/{hook.id}/delete").status_code == 302
    assert c.get(f"/webhooks/{hook.id}").status_code == 404
    with demo_app.app_context():
        assert _count(WebhookDelivery) == 1  # the log is kept


def test_another_organisations_hook_answers_404(demo_app, as_user, receiver):
    central = as_user(CENTRAL)
    central.post("/webhooks/", data={"url": receiver.url, "events": ["ticket.created"]})
    with demo_app.app_context():
        hook_id = db.session.scalar(select(Webhook.id))
    for email in (GRANNBY_CENTRAL, TEACHER):
        c = as_user(email)
        for method, path in (("GET", ""), ("POST", "/test"), ("POST", "/disable"), ("POST", "/delete")):
            r = c.open(f"/webhooks/{hook_id}{path}", method=method)
            assert r.status_code == 404, (email, path)
            assert receiver.url not in r.text
        missing = c.get("/webhooks/999999")
        assert missing.status_code == 404
    assert as_user(TEACHER).get("/webhooks/").status_code == 404
    with demo_app.app_context():
        hook = db.session.get(Webhook, hook_id)
        assert hook.active and hook.deleted_at is None and _count(WebhookDelivery) == 0


def test_central_sees_webhooks_in_the_administration_menu(as_user):
    assert 'href="/webhooks/"' in as_user(CENTRAL).get("/").text
    assert 'href="/webhooks/"' not in as_user(TEACHER).get("/").text
