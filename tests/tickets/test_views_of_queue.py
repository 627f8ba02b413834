"""The queue's tabs, views, counts and bulk actions, through the service (no HTTP)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select, update

from helpdesk.errors import NotFound, ValidationFailed
from helpdesk.extensions import db
from helpdesk.models_base import utcnow
from helpdesk.tickets import views_of_queue as vq
from helpdesk.tickets.demo import (
    CENTRAL_SUBJECT,
    EKBACK_SUBJECT,
    GRANNBY_SUBJECT,
    GUARDIAN_SUBJECT,
    LOCAL_SUBJECT,
    RESOLVED_SUBJECT,
    VENDOR_SUBJECT,
)
from helpdesk.tickets.models import Ticket, TicketStatus, Tier
from tests.tickets.people import CENTRAL, GRANNBY, LOCAL, LOCAL2, LOCAL_SODER, TEACHER, VENDOR, ticket, user


def subjects(email, key, **flt):
    actor = user(email)
    tab, tabs = vq.pick_tab(actor, key)
    page = vq.queue_page(actor, tab, tabs, vq.QueueFilter(**flt), per_page=200)
    return {r.subject for r in page.rows}


def test_each_role_has_the_tabs_that_follow_its_questions(demo_app):
    with demo_app.test_request_context():
        tabs = {email: [(t.key, t.works) for t in vq.tabs_for(user(email))]
                for email in (LOCAL, CENTRAL, VENDOR, GRANNBY, TEACHER)}
        assert tabs[LOCAL] == [("local", True), ("escalated", False)]
        assert tabs[CENTRAL] == [("local", True), ("central", True), ("vendor", False)]
        assert tabs[GRANNBY] == tabs[CENTRAL]
        assert tabs[VENDOR] == [("vendor", True)]
        assert tabs[TEACHER] == []
        with pytest.raises(NotFound):
            vq.pick_tab(user(TEACHER), None)
        with pytest.raises(NotFound):  # a tab one does not have answers like a missing one
            vq.pick_tab(user(VENDOR), "escalated")
        with pytest.raises(NotFound):
            vq.pick_tab(user(LOCAL), "vendor")
        # An unknown word falls back to the viewer's own queue.
        assert vq.pick_tab(user(CENTRAL), "bogus")[0].key == "central"
        assert vq.pick_tab(user(VENDOR), None)[0].key == "vendor"


def test_each_tab_holds_exactly_the_tickets_the_rules_let_the_viewer_see(demo_app):
    with demo_app.test_request_context():
        # The local admin follows what left the school, and only their school's.
        assert subjects(LOCAL, "escalated") == {CENTRAL_SUBJECT, VENDOR_SUBJECT}
        assert subjects(LOCAL, "local") == {LOCAL_SUBJECT, GUARDIAN_SUBJECT}
        assert subjects(LOCAL_SODER, "escalated") == set()
        # Central finds every ticket it sent to the vendor; the vendor works the same one.
        assert subjects(CENTRAL, "vendor") == {VENDOR_SUBJECT}
        assert subjects(VENDOR, "vendor") == {VENDOR_SUBJECT}
        assert subjects(CENTRAL, "central") == {CENTRAL_SUBJECT, EKBACK_SUBJECT}
        # Another organisation sees none of it, and Exempelkommun none of Grannby's.
        assert subjects(GRANNBY, "vendor") == set()
        assert EKBACK_SUBJECT not in subjects(GRANNBY, "central")
        assert GRANNBY_SUBJECT in subjects(GRANNBY, "central") | subjects(GRANNBY, "local")
        for email in (LOCAL, CENTRAL, VENDOR):
            actor = user(email)
            for tab in vq.tabs_for(actor):
                assert GRANNBY_SUBJECT not in subjects(email, tab.key, status="all")


def test_a_ticket_sent_on_to_the_vendor_stays_in_the_local_admins_view(demo_app):
    with demo_app.test_request_context():
        from helpdesk.tickets import services

        t = ticket(CENTRAL_SUBJECT)
        services.escalate(t, user(CENTRAL), "Synken saknar kopplingen; leverantören behöver titta.")
        db.session.commit()
        assert subjects(LOCAL, "escalated") == {CENTRAL_SUBJECT, VENDOR_SUBJECT}
        assert subjects(CENTRAL, "vendor") == {CENTRAL_SUBJECT, VENDOR_SUBJECT}
        assert CENTRAL_SUBJECT not in subjects(CENTRAL, "central")
        # Resolved by the vendor: still found under "all".
        services.set_status(t, user(VENDOR), "resolved", resolution_summary="Kopplingen är rättad.")
        db.session.commit()
        assert CENTRAL_SUBJECT not in subjects(CENTRAL, "vendor")
        assert CENTRAL_SUBJECT in subjects(CENTRAL, "vendor", status="all")
        assert CENTRAL_SUBJECT in subjects(LOCAL, "escalated", status="resolved")


def test_mine_unassigned_and_passed_deadline_are_counted_and_filtered(demo_app):
    with demo_app.test_request_context():
        from helpdesk.tickets import services

        local, local2 = user(LOCAL), user(LOCAL2)
        services.assign(ticket(LOCAL_SUBJECT), local, local.id)
        db.session.commit()
        overdue = ticket(GUARDIAN_SUBJECT)
        db.session.execute(update(Ticket).where(Ticket.id == overdue.id)
                           .values(sla_due_at=utcnow() - timedelta(hours=3)))
        db.session.commit()
        tab, tabs = vq.pick_tab(local, "local")
        counts = vq.counts(local, tab, tabs, utcnow())
        assert (counts.mine, counts.unassigned, counts.overdue) == (1, 1, 1)
        assert counts.tabs == {"local": 2, "escalated": 2} and counts.active == 2
        assert counts.by_status[TicketStatus.RESOLVED] == 1
        assert vq.counts(local2, tab, tabs, utcnow()).mine == 0
        assert subjects(LOCAL, "local", assigned="me") == {LOCAL_SUBJECT}
        assert subjects(LOCAL2, "local", assigned="me") == set()
        assert subjects(LOCAL, "local", assigned="none") == {GUARDIAN_SUBJECT}
        assert subjects(LOCAL, "local", overdue=True) == {GUARDIAN_SUBJECT}
        assert subjects(LOCAL, "local", status="resolved") == {RESOLVED_SUBJECT}
        assert vq.QueueFilter(assigned="me").view == "mine"
        assert vq.QueueFilter(overdue=True).view == "overdue"
        assert vq.QueueFilter(status="resolved").view is None


def test_passed_deadlines_are_counted_up_to_the_cap_and_then_shown_as_more(demo_app, monkeypatch):
    with demo_app.test_request_context():
        local = user(LOCAL)
        tab, tabs = vq.pick_tab(local, "local")
        # Both questions in progress in the tab, their deadlines passed.
        ids = [r.id for r in vq.queue_page(local, tab, tabs, vq.QueueFilter(), per_page=200).rows]
        assert len(ids) == 2
        db.session.execute(update(Ticket).where(Ticket.id.in_(ids)).values(sla_due_at=utcnow() - timedelta(hours=3)))
        db.session.commit()
        exact = vq.counts(local, tab, tabs, utcnow())
        assert (exact.overdue, exact.overdue_text) == (2, "2")
        monkeypatch.setattr(vq, "OVERDUE_CAP", 1)
        capped = vq.counts(local, tab, tabs, utcnow())
        assert (capped.overdue, capped.overdue_text) == (2, "1+")


def test_waiting_for_the_tier_above_reads_from_the_viewers_side(demo_app):
    with demo_app.test_request_context(), force_locale("sv"):
        waiting = TicketStatus.WAITING_FOR_TIER_ABOVE
        assert vq.status_word(waiting, vq.Tab("central", True)) == "Ny från skolan"
        assert vq.status_word(waiting, vq.Tab("vendor", True)) == "Ny från central support"
        assert vq.status_word(waiting, vq.Tab("escalated", False)) == "Skickad vidare, inte påbörjad än"
        assert vq.where_word(Tier.VENDOR) == "Hos leverantören"
        assert vq.status_word(TicketStatus.OPEN, vq.Tab("central", True)) == "Öppen"
    with demo_app.test_request_context(), force_locale("en"):
        assert vq.status_word(TicketStatus.WAITING_FOR_TIER_ABOVE, vq.Tab("central", True)) == "New from the school"


def _ids(*subjects_):
    return [str(ticket(s).id) for s in subjects_]


def test_bulk_assign_applies_the_rules_per_ticket_and_keeps_the_others(demo_app):
    with demo_app.test_request_context():
        local = user(LOCAL)
        picked = _ids(LOCAL_SUBJECT, GUARDIAN_SUBJECT, CENTRAL_SUBJECT, RESOLVED_SUBJECT) + ["999999", "x"]
        result = vq.bulk(local, picked, "assign", assignee="me")
        numbers = {s: ticket(s).number for s in (LOCAL_SUBJECT, GUARDIAN_SUBJECT, CENTRAL_SUBJECT, RESOLVED_SUBJECT)}
        assert result.done == [numbers[LOCAL_SUBJECT], numbers[GUARDIAN_SUBJECT]]
        # Central has the escalated one and the resolved one is done: each refused, by number.
        assert sorted(n for ns in result.refused.values() for n in ns) == sorted(
            [numbers[CENTRAL_SUBJECT], numbers[RESOLVED_SUBJECT]])
        assert result.missing == 2
        db.session.expire_all()
        assert ticket(LOCAL_SUBJECT).assignee_id == local.id == ticket(GUARDIAN_SUBJECT).assignee_id
        assert ticket(CENTRAL_SUBJECT).assignee_id is None
        # A colleague of the school may be chosen; someone of another school is refused per ticket.
        result = vq.bulk(local, _ids(LOCAL_SUBJECT), "assign", assignee=str(user(LOCAL2).id))
        assert result.done == [numbers[LOCAL_SUBJECT]]
        result = vq.bulk(local, _ids(LOCAL_SUBJECT), "assign", assignee=str(user(LOCAL_SODER).id))
        assert result.refused == {"Välj någon som arbetar med den här kön.": [numbers[LOCAL_SUBJECT]]}
        # Another school's local admin cannot reach Norrskolan's tickets: missing, never named.
        with pytest.raises(NotFound):
            vq.bulk(user(LOCAL_SODER), _ids(LOCAL_SUBJECT), "assign", assignee="me")


def test_bulk_escalate_with_one_note_and_bulk_status(demo_app):
    with demo_app.test_request_context():
        local, central = user(LOCAL), user(CENTRAL)
        result = vq.bulk(local, _ids(LOCAL_SUBJECT, RESOLVED_SUBJECT), "escalate",
                         note="Provat omstart och ny inloggning.")
        assert result.done == [ticket(LOCAL_SUBJECT).number] and len(result.refused) == 1
        db.session.expire_all()
        t = ticket(LOCAL_SUBJECT)
        assert t.tier is Tier.CENTRAL and t.status is TicketStatus.WAITING_FOR_TIER_ABOVE
        assert t.events[-1].note == "Provat omstart och ny inloggning."
        assert ticket(RESOLVED_SUBJECT).tier is Tier.LOCAL
        # Resolving questions that went beyond the school: the note is the resolution summary.
        result = vq.bulk(central, _ids(LOCAL_SUBJECT, EKBACK_SUBJECT), "status", status="resolved",
                         note="Besvarat i ett gemensamt utskick.")
        assert len(result.done) == 2
        db.session.expire_all()
        assert ticket(EKBACK_SUBJECT).resolution_summary == "Besvarat i ett gemensamt utskick."
        # Without a note, resolving an escalated question is refused per ticket, not for all.
        result = vq.bulk(central, _ids(CENTRAL_SUBJECT), "status", status="resolved")
        assert result.done == [] and list(result.refused.values()) == [[ticket(CENTRAL_SUBJECT).number]]
        assert vq.bulk(central, _ids(CENTRAL_SUBJECT), "status", status="open").done == [ticket(CENTRAL_SUBJECT).number]


@pytest.mark.parametrize("action, kw, field", [
    ("escalate", {"note": "   "}, "note"),
    ("status", {"status": "waiting_for_tier_above"}, "status"),
    ("status", {"status": "bogus"}, "status"),
    ("assign", {"assignee": "somebody"}, "assignee"),
    ("delete", {}, "action"),
    ("escalate", {"note": "x" * 5001}, "note"),
])
def test_bulk_bad_input_changes_nothing(demo_app, action, kw, field):
    with demo_app.test_request_context():
        before = {t.id: (t.tier, t.status, t.assignee_id) for t in db.session.scalars(select(Ticket))}
        with pytest.raises(ValidationFailed) as exc:
            vq.bulk(user(LOCAL), _ids(LOCAL_SUBJECT, GUARDIAN_SUBJECT), action, **kw)
        assert exc.value.field == field
        db.session.rollback()
        assert before == {t.id: (t.tier, t.status, t.assignee_id) for t in db.session.scalars(select(Ticket))}


def test_bulk_needs_a_choice_and_at_most_fifty(demo_app):
    with demo_app.test_request_context():
        with pytest.raises(ValidationFailed) as exc:
            vq.bulk(user(LOCAL), [], "assign", assignee="me")
        assert exc.value.field == "ticket"
        with pytest.raises(ValidationFailed):
            vq.bulk(user(LOCAL), [str(i) for i in range(1, 52)], "assign", assignee="me")
