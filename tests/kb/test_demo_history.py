"""The demo's past searches and deflected questions (helpdesk/kb/demo_history.py)."""
from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from helpdesk.auth.models import User
from helpdesk.extensions import db
from helpdesk.kb import services
from helpdesk.kb.models import SearchLog
from helpdesk.tickets.models import FilingDeflection, Ticket
from helpdesk.tickets.services import filing_deflection


def test_searches_found_and_not_found_and_suggestions(history_app):
    with history_app.app_context():
        rows = db.session.execute(select(SearchLog.origin, SearchLog.results_count == 0)).all()
        kinds = Counter(rows)
        assert kinds[("search", True)] > 100  # searched for but not found
        assert kinds[("search", False)] > 300
        assert kinds[("suggestion", False)] > 200


def test_some_questions_were_answered_by_the_help_pages_before_filing(history_app):
    with history_app.test_request_context():
        gave_up = list(db.session.scalars(select(FilingDeflection).where(FilingDeflection.gave_up.is_(True))))
        filed = list(db.session.scalars(select(FilingDeflection).where(FilingDeflection.gave_up.is_(False))))
        assert len(gave_up) > 50 and len(filed) > 100
        assert all(d.shown_article_ids and d.ticket_id is None for d in gave_up)
        # Filed anyway: the ticket remembers the articles shown, as the form records it.
        for d in filed[:50]:
            ticket = db.session.get(Ticket, d.ticket_id)
            assert ticket.shown_article_ids == d.shown_article_ids and ticket.requester_id == d.user_id
        central = db.session.scalar(select(User).where(User.email == "central@exempelkommun.se"))
        figures = filing_deflection(central, days=60)
        assert figures["gave_up"] > 0 and figures["articles"]
        stats = services.stats(central)
        assert stats.not_found and stats.most_viewed is not None
