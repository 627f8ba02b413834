"""Tickets and forum threads in the one search: found only by those who may open them."""
from __future__ import annotations

from helpdesk.search import services
from tests.search.conftest import user


def _titles(found, kind):
    return [h.title for h in found.results.hits if h.kind == kind]


def test_tickets_are_found_by_requester_and_their_agents_only(indexed_app):
    with indexed_app.test_request_context():
        def found(email):
            return _titles(services.search(user(email), "BankID logga in", kinds=("ticket",), per_page=50), "ticket")

        subject = "Kan inte logga in med BankID"
        assert any(subject in t for t in found("vardnadshavare.norr@exempelkommun.se"))  # the requester
        assert any(subject in t for t in found("central@exempelkommun.se"))  # central of the organisation
        assert not any(subject in t for t in found("larare.norr@exempelkommun.se"))  # another family's question
        assert not any(subject in t for t in found("central@grannby.se"))  # another organisation
        assert not any(subject in t for t in found("leverantor@leverantor.example"))
        assert services.search(None, "BankID", kinds=("ticket",)).results.hits == []


def test_internal_notes_are_not_in_the_index(indexed_app):
    from sqlalchemy import select

    from helpdesk.extensions import db
    from helpdesk.tickets import services as tickets
    from helpdesk.tickets.models import Ticket

    with indexed_app.test_request_context():
        ticket = db.session.scalar(select(Ticket).where(Ticket.subject == "Klassen 6A syns inte i min översikt"))
        tickets.add_message(ticket, user("lokal.norr@exempelkommun.se"), body="Hemlig anteckning zebrafink", internal=True)
        db.session.commit()
        services.process_outbox()
        assert services.search(user("lokal.norr@exempelkommun.se"), "zebrafink").results.hits == []


def test_threads_follow_the_board_rules(indexed_app):
    with indexed_app.test_request_context():
        def found(email):
            return _titles(services.search(user(email), "specialpedagog synken", kinds=("thread",), per_page=50), "thread")

        title = "Hur lägger jag till en specialpedagog som inte kommer med synken?"
        assert title in found("lokal.soder@exempelkommun.se")  # a local contact: Supportgruppen
        assert title in found("central@exempelkommun.se")
        assert title not in found("larare.norr@exempelkommun.se")  # staff are not in Supportgruppen
        assert title not in found("vardnadshavare.norr@exempelkommun.se")
        assert title not in found("central@grannby.se")


def test_a_new_reply_is_searchable_after_the_indexer_runs(indexed_app):
    from sqlalchemy import select

    from helpdesk.boards import services as boards
    from helpdesk.boards.models import Thread
    from helpdesk.extensions import db

    with indexed_app.test_request_context():
        thread = db.session.scalar(select(Thread).where(Thread.title.like("Arbetslagsgrupper%")))
        boards.reply(user("central@exempelkommun.se"), thread, "Vi rekommenderar en grupp per kolibri.")
        db.session.commit()
        assert _titles(services.search(user("lokal.norr@exempelkommun.se"), "kolibri"), "thread") == []
        services.process_outbox()
        assert thread.title in _titles(services.search(user("lokal.norr@exempelkommun.se"), "kolibri"), "thread")
