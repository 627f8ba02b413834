"""Hooks are made, scoped and fed by the services: every event of the organisation queues a
delivery per active hook that chose it, in the transaction of the change."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from helpdesk.errors import NotFound, ValidationFailed
from helpdesk.extensions import db
from helpdesk.webhooks import services
from helpdesk.webhooks.models import Webhook, WebhookDelivery
from tests.webhooks.conftest import CENTRAL, GRANNBY_CENTRAL, TEACHER, make_hook, user


def _deliveries(event_type=None):
    stmt = select(WebhookDelivery).order_by(WebhookDelivery.id)
    if event_type:
        stmt = stmt.where(WebhookDelivery.event_type == event_type)
    return list(db.session.scalars(stmt))


def _file(email=TEACHER):
    from helpdesk.tickets import services as tickets

    return tickets.file_ticket(user(email), subject="Appen visar fel klass", body="Jag ser 7B.", category="usage")


def test_a_new_hook_gets_a_secret_and_only_listed_events(demo_app, receiver):
    with demo_app.test_request_context():
        hook = make_hook(receiver, events=["ticket.created"])
        assert hook.secret.startswith("whsec_") and len(hook.secret) > 30 and hook.active
        with pytest.raises(ValidationFailed) as exc:
            services.create_hook(user(CENTRAL), receiver.url, ["ticket.created", "ticket.deleted"])
        assert exc.value.field == "events"
        with pytest.raises(ValidationFailed):
            services.create_hook(user(CENTRAL), receiver.url, [])


@pytest.mark.parametrize("url", ["http://93.184.216.34/hook", "https://10.0.0.8/hook",
                                 "https://192.168.0.8/hook", "nonsense"])
def test_a_refused_address_creates_nothing(demo_app, url):
    with demo_app.test_request_context():
        with pytest.raises(ValidationFailed):
            services.create_hook(user(CENTRAL), url, ["ticket.created"])
        db.session.rollback()
        assert db.session.scalar(select(func.count(Webhook.id))) == 0


def test_only_central_of_the_organisation_reaches_a_hook(demo_app, receiver):
    with demo_app.test_request_context():
        hook = make_hook(receiver)
        for email in (GRANNBY_CENTRAL, TEACHER, "lokal.norr@exempelkommun.se"):
            with pytest.raises(NotFound):
                services.get_hook(user(email), hook.id)
        with pytest.raises(NotFound):
            services.hooks_of(user(TEACHER))
        with pytest.raises(NotFound):
            services.create_hook(user(TEACHER), receiver.url, ["ticket.created"])
        assert services.hooks_of(user(GRANNBY_CENTRAL)) == []


def test_filing_queues_ticket_created_for_each_active_hook_of_the_organisation(demo_app, receiver):
    with demo_app.test_request_context():
        chosen = make_hook(receiver, events=["ticket.created"])
        make_hook(receiver, events=["ticket.resolved"])  # did not choose it
        disabled = make_hook(receiver, events=["ticket.created"])
        services.set_active(user(CENTRAL), disabled, False)
        make_hook(receiver, email=GRANNBY_CENTRAL, events=["ticket.created"])  # another organisation
        db.session.commit()
        ticket = _file()
        db.session.commit()
        [delivery] = _deliveries("ticket.created")
        assert delivery.webhook_id == chosen.id and delivery.status == "pending"
        assert delivery.payload["data"] == {"ticket_id": ticket.id, "number": ticket.number,
                                            "school_id": ticket.school_id, "tier": ticket.tier.value,
                                            "status": ticket.status.value}
        assert delivery.payload["organisation_id"] == ticket.organisation_id
        assert delivery.payload["type"] == "ticket.created" and delivery.payload["id"] == delivery.event_id


def test_a_failed_filing_queues_nothing(demo_app, receiver):
    from helpdesk.tickets import services as tickets

    with demo_app.test_request_context():
        make_hook(receiver)
        with pytest.raises(ValidationFailed):
            tickets.file_ticket(user(TEACHER), subject="", body="Text", category="usage")
        db.session.rollback()
        assert _deliveries() == []


def test_escalation_resolution_and_rating_are_queued_with_tier_status_and_rating(demo_app, receiver):
    from helpdesk.tickets import services as tickets

    with demo_app.test_request_context():
        make_hook(receiver)
        ticket = _file()
        tickets.escalate(ticket, user("lokal.norr@exempelkommun.se"), "Provade att logga ut och in.")
        tickets.set_status(ticket, user(CENTRAL), "resolved", resolution_summary="Fel klass i schemat.")
        tickets.rate(ticket, user(TEACHER), 4)
        db.session.commit()
        types = [d.event_type for d in _deliveries()]
        assert types == ["ticket.created", "ticket.escalated", "ticket.resolved", "ticket.rated"]
        escalated, resolved, rated = (d.payload["data"] for d in _deliveries()[1:])
        assert escalated["tier"] == "central" and resolved["status"] == "resolved" and rated["rating"] == 4


def test_publishing_an_article_is_queued_once(demo_app, receiver):
    from helpdesk.kb import services as kb

    with demo_app.test_request_context():
        make_hook(receiver, events=["article.published"])
        central = user(CENTRAL)
        article = kb.create_article(central, title="Så byter du klass", body="Gör så här.")
        assert _deliveries() == []  # a draft is not published
        kb.set_published(central, article, True)
        kb.set_published(central, article, True)  # already published: no second event
        db.session.commit()
        [delivery] = _deliveries()
        assert delivery.payload["data"]["article_id"] == article.id


def test_a_deleted_hook_leaves_the_pages_but_keeps_its_log(demo_app, receiver):
    with demo_app.test_request_context():
        hook = make_hook(receiver)
        services.send_test(user(CENTRAL), hook)
        services.delete_hook(user(CENTRAL), hook)
        db.session.commit()
        assert services.hooks_of(user(CENTRAL)) == []
        with pytest.raises(NotFound):
            services.get_hook(user(CENTRAL), hook.id)
        [delivery] = _deliveries()
        assert delivery.status == "failed"
        _file()
        assert len(_deliveries()) == 1


def test_an_approval_request_and_its_decision_are_queued(demo_app, receiver):
    from helpdesk.admin import approvals, operations
    from helpdesk.auth.models import RoleAssignment

    with demo_app.test_request_context():
        make_hook(receiver, events=["approval.requested", "approval.decided"])
        local = user("lokal.norr@exempelkommun.se")
        school_id = db.session.scalar(select(RoleAssignment.school_id).where(
            RoleAssignment.user_id == local.id, RoleAssignment.school_id.is_not(None)))
        req = operations.perform(local, "create_group", {"school_id": school_id, "name": "Språkval tyska",
                                                         "kind": "teaching_group"}, reason="Blandad grupp").request
        approvals.decline(user(CENTRAL), req, "Använd 7A")
        db.session.commit()
        asked, decided = _deliveries()
        assert (asked.event_type, asked.payload["data"]["status"]) == ("approval.requested", "pending")
        assert (decided.event_type, decided.payload["data"]["status"]) == ("approval.decided", "declined")
        assert decided.payload["data"]["approval_id"] == req.id
        assert "Blandad" not in str(decided.payload) and "Språkval" not in str(decided.payload)


def test_the_sla_job_escalating_is_queued(demo_app, receiver):
    from datetime import timedelta

    from helpdesk.tickets import periodic
    from helpdesk.models_base import utcnow

    with demo_app.test_request_context():
        make_hook(receiver, events=["ticket.escalated"])
        ticket = _file()
        db.session.commit()
        escalated = periodic.auto_escalate_overdue(now=utcnow() + timedelta(days=60))
        db.session.commit()
        assert escalated >= 1
        ours = [d for d in _deliveries("ticket.escalated") if d.payload["data"]["ticket_id"] == ticket.id]
        assert len(ours) == 1 and ours[0].payload["data"]["tier"] == "central"
