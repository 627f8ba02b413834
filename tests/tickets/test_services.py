"""The routing rules, one by one, through the services (no HTTP)."""
from __future__ import annotations

import threading
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from helpdesk.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from helpdesk.extensions import db
from helpdesk.tickets import (
    notifications,
    reading,
    services,
)
from helpdesk.tickets.demo import (
    CENTRAL_SUBJECT,
    GUARDIAN_SUBJECT,
    LOCAL_SUBJECT,
    VENDOR_SUBJECT,
)
from helpdesk.tickets.models import (
    EventKind,
    Ticket,
    TicketEvent,
    TicketStatus,
    Tier,
)
from tests.tickets.people import (
    CENTRAL,
    GUARDIAN,
    LOCAL,
    LOCAL2,
    LOCAL_SODER,
    TEACHER,
    VENDOR,
    file,
    ticket,
    user,
)


def test_teacher_files_into_the_local_queue_of_their_school(demo_app):
    with demo_app.test_request_context():
        t = file()
        db.session.commit()
        assert t.tier is Tier.LOCAL and t.status is TicketStatus.NEW
        assert t.school.name == "Norrskolan"
        assert t.number.startswith(f"EXK-{datetime.now(timezone.utc).year}-")
        assert [e.kind for e in t.events] == [EventKind.CREATED]
        assert t.local_response_due is not None and t.sla_due_kind == "local_response"


def test_school_without_local_contact_goes_straight_to_central_with_reason(demo_app):
    with demo_app.test_request_context():
        t = file("larare.ekback@exempelkommun.se")
        assert t.tier is Tier.CENTRAL
        assert [e.kind for e in t.events] == [EventKind.CREATED, EventKind.ROUTED_TO_CENTRAL]
        assert t.sla_due_kind == "central_response"


def test_numbers_are_per_organisation_and_never_repeat(demo_app):
    with demo_app.test_request_context():
        numbers = [file().number for _ in range(3)]
        grb = services.file_ticket(user("larare@grannby.se"), subject="Fråga", body="Text", category="other")
        assert len(set(numbers)) == 3
        assert [int(n.rsplit("-", 1)[1]) for n in numbers] == sorted(int(n.rsplit("-", 1)[1]) for n in numbers)
        assert grb.number.startswith("GRB-") and grb.number.endswith("00002")


def test_concurrent_filings_get_different_numbers(demo_app):
    """Two sessions allocate at once; the counter row serialises them (PostgreSQL row lock)."""
    results, errors = [], []
    barrier = threading.Barrier(2)

    def worker():
        try:
            with demo_app.test_request_context():
                from helpdesk.directory.models import Organisation

                org = db.session.scalar(select(Organisation).where(Organisation.code == "EXK"))
                barrier.wait()
                results.append(services.allocate_number(org))
                db.session.commit()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors
    assert len(set(results)) == 2


@pytest.mark.parametrize("bad, field", [
    ({"subject": ""}, "subject"), ({"subject": "x" * 201}, "subject"),
    ({"body": "   "}, "body"), ({"body": "x" * 10_001}, "body"),
    ({"category": "nonsense"}, "category"),
])
def test_bad_input_is_refused_and_nothing_is_stored(demo_app, bad, field):
    with demo_app.test_request_context():
        before = db.session.scalar(select(func.count(Ticket.id)))
        with pytest.raises(ValidationFailed) as err:
            file(**bad)
        assert err.value.field == field
        db.session.rollback()
        assert db.session.scalar(select(func.count(Ticket.id))) == before


def test_staff_cannot_file_for_a_school_they_do_not_belong_to(demo_app):
    with demo_app.test_request_context():
        from helpdesk.directory.models import School

        soder = db.session.scalar(select(School.id).where(School.name == "Söderskolan"))
        with pytest.raises(ValidationFailed) as err:
            file(school_id=soder)
        assert err.value.field == "school_id"


def test_guardian_with_two_children_must_choose_and_gets_the_childs_school(demo_app):
    with demo_app.test_request_context():
        with pytest.raises(ValidationFailed) as err:
            file(GUARDIAN)
        assert err.value.field == "student_id"
        children = services.filing_choices(user(GUARDIAN)).children
        soder_child = next(p for p, s in children if s.name == "Söderskolan")
        t = file(GUARDIAN, student_id=soder_child.id)
        assert t.school.name == "Söderskolan" and t.student_id == soder_child.id
        from helpdesk.directory.models import Person

        stranger = db.session.scalar(select(Person.id).where(Person.kind == "student", Person.id.not_in(
            [p.id for p, _ in children])))
        with pytest.raises(ValidationFailed):
            file(GUARDIAN, student_id=stranger)


def test_guardians_never_see_other_families_tickets(demo_app):
    with demo_app.test_request_context():
        from helpdesk.access import can

        theirs = ticket(GUARDIAN_SUBJECT)
        assert can(user(GUARDIAN), "tickets.view", theirs)
        assert not can(user(GUARDIAN), "tickets.view", ticket(LOCAL_SUBJECT))
        assert not can(user("vardnadshavare@grannby.se"), "tickets.view", theirs)
        with pytest.raises(NotFound):
            services.get_ticket(theirs.id, user("vardnadshavare@grannby.se"))


def test_local_agent_assigns_to_self_or_the_other_local_contact_only(demo_app):
    with demo_app.test_request_context():
        t = ticket(LOCAL_SUBJECT)
        services.assign(t, user(LOCAL), user(LOCAL2).id)
        assert t.assignee_name == user(LOCAL2).display_name and t.status is TicketStatus.OPEN
        with pytest.raises(ValidationFailed):
            services.assign(t, user(LOCAL), user(CENTRAL).id)
        with pytest.raises(PermissionDenied):
            services.assign(t, user(LOCAL_SODER), user(LOCAL_SODER).id)


def test_waiting_for_requester_pauses_and_requester_reply_resumes(demo_app):
    with demo_app.test_request_context():
        t = ticket(LOCAL_SUBJECT)
        services.add_message(t, user(LOCAL), "Vilken telefon har du?")
        services.set_status(t, user(LOCAL), "waiting_for_requester")
        assert t.sla_due_at is None and t.local_resolution_due is None
        services.add_message(t, user(TEACHER), "En iPhone.")
        assert t.status is TicketStatus.OPEN and t.sla_due_at is not None
        assert t.sla_due_kind == "local_resolution"  # first response was given


def test_escalation_needs_a_note_and_only_local_or_central_may(demo_app):
    with demo_app.test_request_context():
        t = ticket(LOCAL_SUBJECT)
        with pytest.raises(ValidationFailed) as err:
            services.escalate(t, user(LOCAL), "  ")
        assert err.value.field == "note"
        with pytest.raises(PermissionDenied):
            services.escalate(t, user(TEACHER), "Jag vill till central")
        with pytest.raises(PermissionDenied):
            services.escalate(t, user(LOCAL_SODER), "Inte min skola")
        services.escalate(t, user(LOCAL), "Har loggat ut och in igen.")
        assert t.tier is Tier.CENTRAL and t.status is TicketStatus.WAITING_FOR_TIER_ABOVE
        e = t.events[-1]
        assert (e.kind, e.from_value, e.to_value, e.note) == (EventKind.ESCALATED, "local", "central",
                                                               "Har loggat ut och in igen.")
        assert e.actor_id == user(LOCAL).id and e.created_at is not None


def test_only_central_escalates_to_the_vendor(demo_app):
    with demo_app.test_request_context():
        t = ticket(CENTRAL_SUBJECT)
        with pytest.raises(PermissionDenied):
            services.escalate(t, user(LOCAL), "Vidare")
        services.escalate(t, user(CENTRAL), "Synken visar ingen relation.")
        assert t.tier is Tier.VENDOR and t.vendor_escalated_at is not None
        shared = [m for m in t.messages if m.shared_with_vendor]
        assert shared and shared[-1].body == "Synken visar ingen relation."
        with pytest.raises(PermissionDenied):
            services.escalate(t, user(VENDOR), "Längre upp finns inget")


def test_central_pulls_up_and_sends_back_with_a_note(demo_app):
    with demo_app.test_request_context():
        t = ticket(LOCAL_SUBJECT)
        with pytest.raises(PermissionDenied):
            services.pull_up(t, user(LOCAL))
        services.pull_up(t, user(CENTRAL))
        assert t.tier is Tier.CENTRAL and t.events[-1].kind is EventKind.PULLED_UP
        with pytest.raises(ValidationFailed):
            services.send_back(t, user(CENTRAL), "")
        services.send_back(t, user(CENTRAL), "Det här kan skolan lösa.")
        assert t.tier is Tier.LOCAL and t.events[-1].note == "Det här kan skolan lösa."


def test_send_back_refused_when_the_school_has_no_local_contact(demo_app):
    with demo_app.test_request_context():
        t = file("larare.ekback@exempelkommun.se")
        with pytest.raises(ValidationFailed):
            services.send_back(t, user(CENTRAL), "Till skolan")


def test_vendor_sees_only_escalated_tickets_and_no_personal_details(demo_app):
    with demo_app.test_request_context():
        from helpdesk.access import can

        vendor = user(VENDOR)
        assert not can(vendor, "tickets.view", ticket(LOCAL_SUBJECT))
        assert not can(vendor, "tickets.view", ticket(CENTRAL_SUBJECT))
        t = ticket(VENDOR_SUBJECT)
        assert can(vendor, "tickets.view", t)
        assert not can(vendor, "tickets.view_requester_details", t)
        assert not can(vendor, "tickets.reveal", t)
        visible = reading.visible_messages(t, vendor)
        assert visible and all(m.shared_with_vendor for m in visible)
        assert len(visible) < len(reading.visible_messages(t, user(CENTRAL)))
        rows, _ = reading.list_tickets(vendor)
        assert [r.id for r in rows] == [t.id]


def test_vendor_replies_to_central_asks_for_info_and_sends_back(demo_app):
    with demo_app.test_request_context():
        t = ticket(VENDOR_SUBJECT)
        vendor = user(VENDOR)
        m = services.add_message(t, vendor, "Vi har hittat felet.")
        assert m.internal and m.shared_with_vendor and t.status is TicketStatus.OPEN
        assert t.vendor_responded_at is not None
        assert m not in reading.visible_messages(t, user("rektor.norr@exempelkommun.se"))
        services.request_info(t, vendor, "Vilken webbläsare?")
        assert t.events[-1].kind is EventKind.INFO_REQUESTED
        services.send_back(t, vendor, "Rättat i version 4.2, be användaren ladda om.")
        assert t.tier is Tier.CENTRAL


def test_vendor_resolves_with_summary_and_requester_rates(demo_app):
    with demo_app.test_request_context():
        t = ticket(VENDOR_SUBJECT)
        with pytest.raises(ValidationFailed) as err:
            services.set_status(t, user(VENDOR), "resolved")
        assert err.value.field == "resolution_summary"
        services.set_status(t, user(VENDOR), "resolved", resolution_summary="Rättat i 4.2.")
        assert t.status is TicketStatus.RESOLVED and t.resolution_summary == "Rättat i 4.2."
        rektor = user("rektor.norr@exempelkommun.se")
        with pytest.raises(ValidationFailed):
            services.rate(t, rektor, 9)
        services.rate(t, rektor, 4, "Bra")
        assert t.rating == 4
        with pytest.raises(PermissionDenied):
            services.rate(t, rektor, 5)


def test_requester_reply_reopens_a_resolved_ticket_but_not_a_closed_one(demo_app):
    with demo_app.test_request_context():
        t = ticket(LOCAL_SUBJECT)
        services.set_status(t, user(LOCAL), "resolved")
        services.add_message(t, user(TEACHER), "Det fungerar inte igen.")
        assert t.status is TicketStatus.OPEN and t.events[-1].kind is EventKind.REOPENED
        services.set_status(t, user(LOCAL), "closed")
        with pytest.raises(Conflict):
            services.add_message(t, user(TEACHER), "Hallå?")


def test_internal_notes_are_hidden_from_the_requester(demo_app):
    with demo_app.test_request_context():
        t = ticket(LOCAL_SUBJECT)
        note = services.add_message(t, user(LOCAL), "Troligen synkfel.", internal=True)
        assert note not in reading.visible_messages(t, user(TEACHER))
        assert note in reading.visible_messages(t, user(CENTRAL))
        assert t.local_responded_at is None  # a note is not a response
        with pytest.raises(PermissionDenied):
            services.add_message(t, user(TEACHER), "Jag vill skriva internt", internal=True)


def test_civic_numbers_are_masked_and_revealing_is_audited(demo_app):
    with demo_app.test_request_context():
        t = file(subject="Elev 140301-1238 saknas", body="Personnummer 20140301-1238 finns inte.")
        msg = t.messages[0]
        assert "1238" not in t.subject and "1238" not in msg.body
        with pytest.raises(PermissionDenied):
            services.reveal_original(t, msg.id, user(TEACHER))
        assert services.reveal_original(t, msg.id, user(LOCAL)) == "Personnummer 20140301-1238 finns inte."
        assert t.events[-1].kind is EventKind.ORIGINAL_REVEALED and t.events[-1].actor_id == user(LOCAL).id
        # ... and in the organisation's audit log, in words, where a local admin of the school reads it.
        from helpdesk.admin import audit

        found = audit.search(audit.filter_for(user(LOCAL), {"operation": "reveal_civic_number"}))[0]
        assert [(e.actor_id, e.object_id, e.school_id) for e in found] == [(user(LOCAL).id, t.id, t.school_id)]
        assert audit.readable(found)[0].text == f"Tittade på det maskerade personnumret i fråga {t.number}"


def test_failure_in_the_middle_of_an_escalation_leaves_the_ticket_unchanged(demo_app, monkeypatch):
    with demo_app.test_request_context():
        t = ticket(LOCAL_SUBJECT)
        tid, events = t.id, len(t.events)
        db.session.commit()

        def boom(*a, **k):
            raise RuntimeError("mail down")
        monkeypatch.setattr(notifications, "escalated", boom)
        with pytest.raises(RuntimeError):
            services.escalate(t, user(LOCAL), "Provat allt")
        db.session.rollback()
        t = db.session.get(Ticket, tid)
        assert t.tier is Tier.LOCAL and t.status is TicketStatus.NEW
        assert db.session.scalar(select(func.count(TicketEvent.id)).where(TicketEvent.ticket_id == tid)) == events


def test_content_changed_is_sent_for_ticket_changes(demo_app):
    from helpdesk.events import content_changed

    seen = []

    def listener(sender, **kw):
        seen.append((sender, kw["object_id"]))
    content_changed.connect(listener)
    try:
        with demo_app.test_request_context():
            t = file()
            services.add_message(t, user(LOCAL), "Svar")
            assert seen.count(("ticket", t.id)) >= 2
    finally:
        content_changed.disconnect(listener)


def test_agents_link_the_help_article_that_answers_and_the_requester_sees_it(demo_app):
    from helpdesk.kb.services import article_for

    with demo_app.test_request_context():
        t = ticket(LOCAL_SUBJECT)
        local, teacher = user("lokal.norr@exempelkommun.se"), user(TEACHER)
        with pytest.raises(PermissionDenied):
            services.link_article(t, teacher, "losenord-glomt")
        with pytest.raises(PermissionDenied):
            services.link_article(t, user("leverantor@leverantor.example"), "losenord-glomt")
        for bad in ("finns-inte", "https://example.org/kb/a/<script>", "lokal-supportorganisation"):
            # Unknown, nonsense, or an article for central administrators the local agent cannot open.
            with pytest.raises(ValidationFailed):
                services.link_article(t, local, bad)
        assert t.kb_article_id is None
        services.link_article(t, local, "http://127.0.0.1:5000/kb/a/losenord-glomt#steg")
        db.session.flush()
        assert article_for(teacher, t.kb_article_id)["url"] == "/kb/a/losenord-glomt"
        assert t.events[-1].kind is EventKind.ARTICLE_LINKED
        services.link_article(t, local, "")
        assert t.kb_article_id is None


def test_deflection_counts_questions_answered_before_filing_for_central_only(demo_app):
    with demo_app.test_request_context():
        teacher = user(TEACHER)
        services.record_deflection(teacher, category="login", shown_article_ids=[11, 12])
        services.record_deflection(teacher, category="login", shown_article_ids=[11])
        file(shown_article_ids=[12])  # filed anyway
        db.session.flush()
        figures = services.filing_deflection(user("central@exempelkommun.se"))
        assert (figures["shown"], figures["gave_up"]) == (3, 2)
        assert figures["articles"] == [(11, 2), (12, 1)]
        assert services.filing_deflection(user("lokal.norr@exempelkommun.se")) is None
        assert services.filing_deflection(user("central@grannby.se"))["shown"] == 0


def test_a_file_on_an_internal_note_is_as_closed_as_the_note(demo_app):
    with demo_app.test_request_context():
        t = ticket(LOCAL_SUBJECT)
        note = services.add_message(t, user(LOCAL), "Loggen från skolans dator.", internal=True,
                                    attachments=[services.Upload("logg.txt", b"rad 1", "text/plain")])
        public = services.add_message(t, user(LOCAL), "Prova så här.",
                                      attachments=[services.Upload("steg.txt", b"steg 1", "text/plain")])
        hidden, shown = note.attachments[0], public.attachments[0]
        assert reading.get_attachment(t, user(LOCAL), hidden.id) is hidden
        assert reading.get_attachment(t, user(TEACHER), shown.id) is shown
        with pytest.raises(NotFound):
            reading.get_attachment(t, user(TEACHER), hidden.id)
        with pytest.raises(NotFound):  # another ticket's address for the same file
            reading.get_attachment(ticket(CENTRAL_SUBJECT), user(CENTRAL), shown.id)
