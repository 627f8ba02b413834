"""The agent's numbers at a glance on the start page (helpdesk/tickets/glance.py)."""
from __future__ import annotations

import re
from datetime import timedelta

from flask_babel import force_locale
from sqlalchemy import select

from helpdesk.auth.models import User
from helpdesk.extensions import db
from helpdesk.models_base import utcnow
from helpdesk.tickets import glance, services
from helpdesk.tickets.demo import GUARDIAN_SUBJECT, VENDOR_SUBJECT
from helpdesk.tickets.models import Ticket
from tests.support.queries import count_queries


def _user(email):
    return db.session.scalar(select(User).where(User.email == email))


def _numbers(email, now=None):
    """{row title: {figure label: (count, link)}} as the service gives them, in English."""
    with force_locale("en"):
        return {str(row.title): {str(f.label): (f.count, f.link) for f in row.figures}
                for row in glance.at_a_glance(_user(email), now=now)}


def _ticket(subject):
    return db.session.scalar(select(Ticket).where(Ticket.subject == subject))


def test_local_admin_counts_her_schools_queue_and_what_went_above(demo_app):
    with demo_app.test_request_context():
        rows = _numbers("lokal.norr@exempelkommun.se")
        assert list(rows) == ["Your schools' queue"]
        mine = rows["Your schools' queue"]
        # The demo's Norrskolan: a new question and one waiting for the guardian at local;
        # one escalated to central and one at the vendor above.
        assert mine["Open in the queue"] == (2, {"tier": "local"})
        assert mine["Passed deadline"] == (0, {"tier": "local", "overdue": "1"})
        assert mine["Waiting for you (the asker answered)"] == (0, {"tier": "local", "status": "open"})
        assert mine["Waiting for the tier above"][0] == 2


def test_the_askers_answer_puts_the_question_in_waiting_for_you(demo_app):
    with demo_app.test_request_context():
        guardian = _user("vardnadshavare.norr@exempelkommun.se")
        services.add_message(_ticket(GUARDIAN_SUBJECT), guardian, "Det står 'okänt fel'.")
        db.session.commit()
        mine = _numbers("lokal.norr@exempelkommun.se")["Your schools' queue"]
        assert mine["Waiting for you (the asker answered)"][0] == 1
        # The agent's reply hands the question back to the asker.
        services.add_message(_ticket(GUARDIAN_SUBJECT), _user("lokal.norr@exempelkommun.se"), "Prova igen.")
        db.session.commit()
        assert _numbers("lokal.norr@exempelkommun.se")["Your schools' queue"][
            "Waiting for you (the asker answered)"][0] == 0


def test_passed_deadlines_count_running_clocks_only(demo_app):
    with demo_app.test_request_context():
        later = utcnow() + timedelta(days=60)
        mine = _numbers("lokal.norr@exempelkommun.se", now=later)["Your schools' queue"]
        # The new question's clock runs out; the one waiting for the guardian is paused.
        assert mine["Passed deadline"][0] == 1
        central = _numbers("central@exempelkommun.se", now=later)
        assert central["Your queue: central"]["Passed deadline"][0] == 2


def test_passed_deadlines_past_the_queue_pages_cap_show_as_more(demo_app, monkeypatch):
    from helpdesk.tickets import views_of_queue

    monkeypatch.setattr(views_of_queue, "OVERDUE_CAP", 1)
    with demo_app.test_request_context(), force_locale("en"):
        later = utcnow() + timedelta(days=60)
        figures = {str(f.label): f for row in glance.at_a_glance(_user("central@exempelkommun.se"), now=later)
                   for f in row.figures if str(row.title) == "Your queue: central"}
        assert (figures["Passed deadline"].count, figures["Passed deadline"].shown) == (2, "1+")


def test_central_admin_sees_her_queue_and_the_organisations(demo_app):
    with demo_app.test_request_context():
        rows = _numbers("central@exempelkommun.se")
        assert list(rows) == ["Your queue: central", "The organisation: at the schools",
                              "The organisation: with the vendor"]
        # Escalated from Norrskolan, and Ekbackens skola's question (no local contact).
        assert rows["Your queue: central"]["Open in the queue"] == (2, {"tier": "central"})
        assert rows["Your queue: central"]["Waiting for the tier above"][0] == 1
        assert rows["The organisation: at the schools"]["Open in the queue"][0] == 2
        assert rows["The organisation: with the vendor"]["Open at the vendor"][0] == 1


def test_numbers_are_scoped_like_the_queues(demo_app):
    with demo_app.test_request_context():
        # Söderskolan's contact sees none of Norrskolan's questions.
        soder = _numbers("lokal.soder@exempelkommun.se")["Your schools' queue"]
        assert {label: n for label, (n, _link) in soder.items()} == {
            "Open in the queue": 0, "Passed deadline": 0, "Waiting for you (the asker answered)": 0,
            "Waiting for the tier above": 0}
        # Grannby's central admin counts Grannby's one question, not Exempelkommun's.
        grannby = _numbers("central@grannby.se")
        assert grannby["Your queue: central"]["Open in the queue"][0] == 1
        assert grannby["The organisation: at the schools"]["Open in the queue"][0] == 0
        # The vendor counts what is at its tier; requesters and teachers have no numbers.
        vendor = _numbers("leverantor@leverantor.example")
        assert list(vendor) == ["Your queue: vendor"]
        assert vendor["Your queue: vendor"]["Open in the queue"] == (1, {"tier": "vendor"})
        assert _numbers("larare.norr@exempelkommun.se") == {}
        assert _numbers("vardnadshavare.norr@exempelkommun.se") == {}


def test_vendor_waits_for_central_once_central_answers(demo_app):
    with demo_app.test_request_context():
        vendor, central = _user("leverantor@leverantor.example"), _user("central@exempelkommun.se")
        services.add_message(_ticket(VENDOR_SUBJECT), vendor, "Vilken webbläsare gäller det?")
        db.session.commit()
        label = "Waiting for you (central answered)"
        assert _numbers("leverantor@leverantor.example")["Your queue: vendor"][label][0] == 0
        services.add_message(_ticket(VENDOR_SUBJECT), central, "Edge och Chrome.", internal=True,
                             share_with_vendor=True)
        db.session.commit()
        assert _numbers("leverantor@leverantor.example")["Your queue: vendor"][label][0] == 1


def test_one_query_per_role_whatever_the_tickets(history_app):
    with history_app.test_request_context():
        central = _user("central@exempelkommun.se")
        local = _user("lokal.norr@exempelkommun.se")
        assert count_queries(history_app, lambda: glance.at_a_glance(central)) <= 2
        assert count_queries(history_app, lambda: glance.at_a_glance(local)) <= 2


def test_start_page_shows_the_numbers_as_links_in_swedish_and_english(as_user):
    c = as_user("central@exempelkommun.se")
    page = c.get("/").text
    assert "Din kö: centralt" in page and "Organisationen: på skolorna" in page
    assert re.search(r'href="/tickets/queue\?tier=central"><span class="glance__count">2</span>', page)
    assert 'href="/tickets/queue?tier=central&amp;overdue=1"' in page
    c.post("/language", data={"lang": "en", "next": "/"})
    page = c.get("/").text
    assert "Your queue: central" in page and "Passed deadline" in page


def test_start_page_of_a_teacher_has_no_numbers(as_user):
    page = as_user("larare.norr@exempelkommun.se").get("/").text
    assert "glance__count" not in page
