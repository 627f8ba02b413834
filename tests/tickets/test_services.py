"""The routing rules, one by one, through the services (no HTTP)."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from helpdesk.auth.models import User
from helpdesk.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from helpdesk.extensions import db
from helpdesk.notify.models import OutboxMail
from helpdesk.tickets import notifications, services
from helpdesk.tickets.demo import CENTRAL_SUBJECT, GUARDIAN_SUBJECT, LOCAL_SUBJECT, VENDOR_SUBJECT
from helpdesk.tickets.models import (
    EventKind,
    Ticket,
    TicketEvent,
    TicketMessage,
    TicketStatus,
    Tier,
)


def user(email) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def ticket(subject) -> Ticket:
    return db.session.scalar(select(Ticket).where(Ticket.subject == subject))


TEACHER = "larare.norr@exempelkommun.se"
LOCAL = "lokal.norr@exempelkommun.se"
LOCAL2 = "lokal2.norr@exempelkommun.se"
LOCAL_SODER = "lokal.soder@exempelkommun.se"
CENTRAL = "central@exempelkommun.se"
VENDOR = "leverantor@leverantor.example"
GUARDIAN = "vardnadshavare.norr@exempelkommun.se"
GRANNBY = "central@grannby.se"


def file(email=TEACHER, **kw):
    args = {"subject": "Appen visar fel klass", "body": "Jag ser 7B i stället för 6A.", "category": "usage"}
    args.update(kw)
    return services.file_ticket(user(email), **args)


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
        visible = services.visible_messages(t, vendor)
        assert visible and all(m.shared_with_vendor for m in visible)
        assert len(visible) < len(services.visible_messages(t, user(CENTRAL)))
        rows, _ = services.list_tickets(vendor)
        assert [r.id for r in rows] == [t.id]


def test_vendor_replies_to_central_asks_for_info_and_sends_back(demo_app):
    with demo_app.test_request_context():
        t = ticket(VENDOR_SUBJECT)
        vendor = user(VENDOR)
        m = services.add_message(t, vendor, "Vi har hittat felet.")
        assert m.internal and m.shared_with_vendor and t.status is TicketStatus.OPEN
        assert t.vendor_responded_at is not None
        assert m not in services.visible_messages(t, user("rektor.norr@exempelkommun.se"))
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
        assert note not in services.visible_messages(t, user(TEACHER))
        assert note in services.visible_messages(t, user(CENTRAL))
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


def test_tick_auto_escalates_overdue_local_tickets_once(demo_app):
    with demo_app.test_request_context():
        t = ticket(LOCAL_SUBJECT)
        later = t.local_response_due + timedelta(minutes=1)
        assert services.auto_escalate_overdue(later) == 1
        assert services.auto_escalate_overdue(later) == 0  # a second tick finds nothing
        assert t.tier is Tier.CENTRAL and t.events[-1].kind is EventKind.AUTO_ESCALATED
        db.session.commit()


def test_breach_is_notified_once_per_deadline(demo_app):
    with demo_app.test_request_context():
        t = ticket(CENTRAL_SUBJECT)
        later = t.sla_due_at + timedelta(minutes=1)
        before = db.session.scalar(select(func.count(OutboxMail.id)).where(OutboxMail.kind == "ticket_breach"))
        assert services.notify_breaches(later) >= 1
        assert services.notify_breaches(later) == 0
        after = db.session.scalar(select(func.count(OutboxMail.id)).where(OutboxMail.kind == "ticket_breach"))
        assert after > before
        assert t.events[-1].kind is EventKind.SLA_BREACHED


def test_long_resolved_tickets_are_closed(demo_app):
    with demo_app.test_request_context():
        t = ticket(LOCAL_SUBJECT)
        services.set_status(t, user(LOCAL), "resolved")
        assert services.auto_close_resolved(datetime.now(timezone.utc) + timedelta(days=3)) == 0
        assert services.auto_close_resolved(datetime.now(timezone.utc) + timedelta(days=8)) == 2  # with the demo's
        assert t.status is TicketStatus.CLOSED


def test_notification_preferences_are_honoured(demo_app):
    with demo_app.test_request_context():
        services.set_preferences(user(LOCAL), {"reply"})  # new tickets off
        file()
        to = set(db.session.scalars(select(OutboxMail.to_address).where(OutboxMail.kind == "ticket_new_ticket")))
        assert LOCAL not in to and LOCAL2 in to


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


def test_guest_request_creates_a_ticket_only_after_confirmation(demo_app):
    with demo_app.test_request_context():
        from helpdesk.directory.models import School

        norr = db.session.scalar(select(School.id).where(School.name == "Norrskolan"))
        before = db.session.scalar(select(func.count(Ticket.id)))
        _req, token = services.start_guest_request(name="Vera Vh", email="Vera@Example.org", school_id=norr,
                                                   body="Jag har inget BankID.")
        assert db.session.scalar(select(func.count(Ticket.id))) == before
        t, follow = services.confirm_guest_request(token)
        assert t.tier is Tier.LOCAL and t.guest_email == "vera@example.org" and t.requester_id is None
        with pytest.raises(NotFound):
            services.confirm_guest_request(token)  # single use
        assert services.guest_ticket(follow).id == t.id
        services.add_message(t, user(LOCAL), "Du kan logga in med Freja eID.")
        services.guest_reply(follow, "Tack!")
        assert t.messages[-1].author_name == "Vera Vh"
        assert db.session.scalar(select(TicketMessage.id).where(TicketMessage.ticket_id == t.id).limit(1))


def test_two_ticks_at_once_escalate_a_ticket_once(demo_app):
    """On PostgreSQL the conditional UPDATE waits for the other tick, then finds nothing to do."""
    if demo_app.test_database_kind != "postgresql":
        pytest.skip("concurrent writers are a PostgreSQL deployment; SQLite has one writer")
    with demo_app.app_context():
        due = ticket(LOCAL_SUBJECT).local_response_due
    later = due + timedelta(minutes=1)
    done, errors = [], []
    barrier = threading.Barrier(2)

    def tick():
        try:
            with demo_app.test_request_context():
                barrier.wait()
                done.append(services.auto_escalate_overdue(later))
                db.session.commit()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=tick) for _ in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors and sorted(done) == [0, 1]
    with demo_app.app_context():
        t = ticket(LOCAL_SUBJECT)
        assert [e.kind for e in t.events].count(EventKind.AUTO_ESCALATED) == 1


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


def test_central_closes_days_and_open_deadlines_move(demo_app):
    from datetime import date

    with demo_app.test_request_context():
        central = user("central@exempelkommun.se")
        for who in ("lokal.norr@exempelkommun.se", TEACHER):
            with pytest.raises(PermissionDenied):
                services.add_closed_day(user(who), "2099-10-30")
        for bad in ("30/10/2026", "", "2027-02-30", "2000-01-03"):
            with pytest.raises(ValidationFailed):
                services.add_closed_day(central, bad)
        t = ticket(LOCAL_SUBJECT)
        due = t.sla_due_at
        assert due is not None and due.date() >= date.today()  # the demo's ticket is open now
        # Close the day the open ticket's deadline falls on: the deadline moves on.
        day = services.add_closed_day(central, due.date().isoformat(), "Studiedag")
        db.session.flush()
        assert t.sla_due_at > due
        with pytest.raises(ValidationFailed):
            services.add_closed_day(central, day.day.isoformat())  # already closed
        assert [d.day for d in services.closed_days(central)] == [day.day]
        assert services.closed_days(user("central@grannby.se")) == []
        with pytest.raises(NotFound):
            services.remove_closed_day(user("central@grannby.se"), day.id)
        services.remove_closed_day(central, day.id)
        db.session.flush()
        assert services.closed_days(central) == [] and t.sla_due_at == due


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


def test_an_organisation_sets_its_own_targets_and_open_deadlines_follow(demo_app):
    with demo_app.test_request_context():
        central = user("central@exempelkommun.se")
        t = ticket(LOCAL_SUBJECT)
        before = t.local_response_due
        wanted = {"local": ("2", "10"), "central": ("8", "40"), "vendor": ("16", "120")}
        with pytest.raises(PermissionDenied):
            services.set_sla_targets(user("lokal.norr@exempelkommun.se"), wanted)
        for bad in ({**wanted, "local": ("två", "10")}, {**wanted, "local": ("0", "10")},
                    {**wanted, "local": ("10", "2")}, {"local": ("2", "10")}):
            with pytest.raises(ValidationFailed):
                services.set_sla_targets(central, bad)
        assert services.sla_targets(central)["local"] == (8, 40)
        services.set_sla_targets(central, wanted)
        db.session.flush()
        assert services.sla_targets(central)["local"] == (2, 10)
        assert t.local_response_due < before  # 2 business hours instead of 8
        assert services.sla_targets(user("central@grannby.se"))["local"] == (8, 40)  # Grannby keeps the defaults


def test_a_file_on_an_internal_note_is_as_closed_as_the_note(demo_app):
    with demo_app.test_request_context():
        t = ticket(LOCAL_SUBJECT)
        note = services.add_message(t, user(LOCAL), "Loggen från skolans dator.", internal=True,
                                    attachments=[services.Upload("logg.txt", b"rad 1", "text/plain")])
        public = services.add_message(t, user(LOCAL), "Prova så här.",
                                      attachments=[services.Upload("steg.txt", b"steg 1", "text/plain")])
        hidden, shown = note.attachments[0], public.attachments[0]
        assert services.get_attachment(t, user(LOCAL), hidden.id) is hidden
        assert services.get_attachment(t, user(TEACHER), shown.id) is shown
        with pytest.raises(NotFound):
            services.get_attachment(t, user(TEACHER), hidden.id)
        with pytest.raises(NotFound):  # another ticket's address for the same file
            services.get_attachment(ticket(CENTRAL_SUBJECT), user(CENTRAL), shown.id)


def test_new_targets_read_the_calendar_and_targets_once_not_per_open_ticket(demo_app):
    from sqlalchemy import event

    with demo_app.test_request_context():
        central = user("central@exempelkommun.se")
        open_tickets = db.session.scalar(select(func.count(Ticket.id)).where(
            Ticket.organisation_id == central.organisation_id, Ticket.status.in_(services.ACTIVE_STATUSES)))
        assert open_tickets > 1
        statements: list[str] = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731 (conn, cursor, statement, ...)
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            services.set_sla_targets(central, {"local": ("2", "10"), "central": ("8", "40"),
                                               "vendor": ("16", "120")})
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        assert sum("FROM closed_day" in s for s in statements) == 1
        assert sum("FROM sla_target" in s for s in statements) == 2  # the rows to update, then the targets
