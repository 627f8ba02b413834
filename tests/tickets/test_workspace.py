"""The workspace's joined steps through the services (no HTTP): reply and status in one
transaction, and the help article found by its title."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from helpdesk.errors import PermissionDenied, ValidationFailed
from helpdesk.extensions import db
from helpdesk.tickets import services, workspace
from helpdesk.tickets.demo import CENTRAL_SUBJECT, LOCAL_SUBJECT
from helpdesk.tickets.models import EventKind, TicketMessage, TicketStatus
from tests.tickets.people import CENTRAL, LOCAL, TEACHER, ticket, user


def _messages(t) -> int:
    return db.session.scalar(select(func.count()).select_from(TicketMessage).where(TicketMessage.ticket_id == t.id))


def test_reply_and_status_in_one_step(demo_app):
    with demo_app.test_request_context():
        t = ticket(LOCAL_SUBJECT)
        before = _messages(t)
        workspace.reply_and_set_status(t, user(LOCAL), "Prova att logga ut och in igen.", "waiting_for_requester")
        db.session.commit()
        assert _messages(t) == before + 1
        assert t.status is TicketStatus.WAITING_FOR_REQUESTER
        assert EventKind.STATUS_CHANGED in [e.kind for e in t.events]


def test_resolving_with_a_reply_keeps_the_reply_as_the_resolution_summary(demo_app):
    with demo_app.test_request_context():
        t = ticket(LOCAL_SUBJECT)
        workspace.reply_and_set_status(t, user(LOCAL), "Klassen syns nu efter nattens synk.", "resolved")
        db.session.commit()
        assert t.status is TicketStatus.RESOLVED
        assert t.resolution_summary == "Klassen syns nu efter nattens synk."


@pytest.mark.parametrize("status", ["bogus", "new"])
def test_a_refused_status_leaves_no_reply_behind(demo_app, status):
    with demo_app.test_request_context():
        t = ticket(LOCAL_SUBJECT)
        before, was = _messages(t), t.status
        with pytest.raises(ValidationFailed) as caught:
            workspace.reply_and_set_status(t, user(LOCAL), "Svar", status)
        assert caught.value.field == "status"
        db.session.rollback()
        assert _messages(t) == before and ticket(LOCAL_SUBJECT).status is was


def test_only_who_may_set_the_status_sends_and_sets(demo_app):
    with demo_app.test_request_context():
        t = ticket(LOCAL_SUBJECT)
        before = _messages(t)
        with pytest.raises(PermissionDenied):
            workspace.reply_and_set_status(t, user(TEACHER), "Tack", "resolved")
        assert _messages(t) == before


def test_an_empty_reply_is_refused_whatever_the_status(demo_app):
    with demo_app.test_request_context():
        with pytest.raises(ValidationFailed) as caught:
            workspace.reply_and_set_status(ticket(LOCAL_SUBJECT), user(LOCAL), "  ", "waiting_for_requester")
        assert caught.value.field == "body"


def test_the_status_cannot_be_set_to_the_one_it_has(demo_app):
    with demo_app.test_request_context():
        t = ticket(CENTRAL_SUBJECT)
        services.set_status(t, user(CENTRAL), "open")
        with pytest.raises(ValidationFailed) as caught:
            services.set_status(t, user(CENTRAL), "open")
        assert caught.value.field == "status" and "redan den statusen" in str(caught.value.message)


def test_articles_are_found_by_their_title(demo_app):
    from tests.search.conftest import build_index

    build_index(demo_app)
    with demo_app.test_request_context():
        hits = workspace.find_articles(ticket(LOCAL_SUBJECT), user(LOCAL), "glömt lösenordet", "sv")
        assert "losenord-glomt" in [h["slug"] for h in hits]


@pytest.mark.parametrize("query", ["", "   ", "x" * 201])
def test_article_search_needs_a_few_words(demo_app, query):
    with demo_app.test_request_context():
        with pytest.raises(ValidationFailed) as caught:
            workspace.find_articles(ticket(LOCAL_SUBJECT), user(LOCAL), query)
        assert caught.value.field == "article_query"


def test_article_search_is_for_who_may_link_an_article(demo_app):
    with demo_app.test_request_context():
        with pytest.raises(PermissionDenied):
            workspace.find_articles(ticket(LOCAL_SUBJECT), user(TEACHER), "lösenord")
