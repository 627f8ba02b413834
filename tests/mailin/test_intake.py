"""A mail becomes a message through the ticket services, or is refused with a reason and
changes nothing."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from helpdesk.extensions import db
from helpdesk.mailin.intake import take_in
from helpdesk.mailin.models import InboundMail, Outcome
from helpdesk.notify.reply_address import reply_address
from helpdesk.tickets import services
from helpdesk.tickets.models import Attachment, AuthorRole, Ticket, TicketMessage, TicketStatus
from tests.mailin.mails import SUPPORT, mail, reply_to_of, user

TEACHER = "larare.norr@exempelkommun.se"
LOCAL = "lokal.norr@exempelkommun.se"
OTHER_LOCAL = "lokal.soder@exempelkommun.se"


@pytest.fixture
def app_config():
    return {"MAIL_REPLY_ADDRESS": SUPPORT}


@pytest.fixture
def filed(demo_app):
    """A teacher's question that the local admin has answered (both notified by mail)."""
    with demo_app.test_request_context():
        t = services.file_ticket(user(TEACHER), subject="Appen startar inte", body="Den kraschar.",
                                 category="bug")
        services.add_message(t, user(LOCAL), "Vilken version har du?")
        db.session.commit()
        yield t


def _messages(ticket) -> list[TicketMessage]:
    return list(db.session.scalars(select(TicketMessage).where(TicketMessage.ticket_id == ticket.id)
                                   .order_by(TicketMessage.id)))


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_requesters_reply_becomes_a_public_message_without_the_quoted_history(filed):
    to = reply_to_of(TEACHER)
    raw = mail(TEACHER, to, "Version 4.2, och mitt personnummer är 19850101-1234.\n\n-- \nAnna Lärare\nNorrskolan",
               quoted="Vilken version har du?")
    row = take_in(raw)
    db.session.commit()
    assert row.outcome is Outcome.ACCEPTED and row.ticket_id == filed.id
    last = _messages(filed)[-1]
    assert last.author_id == user(TEACHER).id and last.author_role is AuthorRole.REQUESTER
    assert not last.internal
    assert last.body.startswith("Version 4.2")
    assert "Vilken version har du?" not in last.body and "Anna Lärare" not in last.body
    assert "1234" not in last.body and last.body_original is not None  # masked as on the web
    # The same service as the web: the local admin hears of the reply.
    assert reply_to_of(LOCAL) != to


def test_an_agents_reply_is_public_unless_it_answers_an_internal_note_mail(filed):
    take_in(mail(LOCAL, reply_address(filed.id, user(LOCAL).id, internal=False), "Prova att starta om."))
    take_in(mail(LOCAL, reply_address(filed.id, user(LOCAL).id, internal=True), "Notis: kolla loggen."))
    db.session.commit()
    public, note = _messages(filed)[-2:]
    assert public.body == "Prova att starta om." and not public.internal
    assert public.author_role is AuthorRole.LOCAL
    assert note.body == "Notis: kolla loggen." and note.internal


def test_attachments_follow_the_web_rules(filed):
    to = reply_to_of(TEACHER)
    take_in(mail(TEACHER, to, "Här är en skärmbild.", files=[("bild.png", b"\x89PNG fake", "image/png")]))
    db.session.commit()
    found = db.session.scalar(select(Attachment).where(Attachment.ticket_id == filed.id))
    assert found is not None and found.filename == "bild.png"
    before = len(_messages(filed))
    row = take_in(mail(TEACHER, to, "Och ett program.", files=[("virus.exe", b"MZ", "application/octet-stream")]))
    db.session.commit()
    assert row.outcome is Outcome.QUARANTINED and row.reason == "refused" and row.detail
    assert len(_messages(filed)) == before  # nothing half-created


def test_a_forged_or_edited_token_is_refused(filed):
    real = reply_to_of(TEACHER)
    local, domain = real.split("@")
    edited = local[:-1] + ("0" if local[-1] != "0" else "1") + "@" + domain
    # Another ticket's id with the signature of this one.
    parts = local.split(".")
    parts[1] = str(filed.id + 1)
    moved = ".".join(parts) + "@" + domain
    for address in (edited, moved, f"support+r.{filed.id}.1.p.deadbeef@exempelkommun.se"):
        row = take_in(mail(TEACHER, address, "Försök"))
        assert row.outcome is Outcome.QUARANTINED and row.reason == "forged_token", address
    db.session.commit()
    assert len(_messages(filed)) == 2


def test_a_token_for_a_ticket_the_sender_may_no_longer_see_is_refused(filed):
    # A local admin who has moved to another school (here: the other school's admin).
    outsider = user(OTHER_LOCAL)
    row = take_in(mail(OTHER_LOCAL, reply_address(filed.id, outsider.id, internal=False), "Hej"))
    db.session.commit()
    assert row.outcome is Outcome.QUARANTINED and row.reason == "ticket_not_visible"
    assert len(_messages(filed)) == 2


def test_a_reply_from_another_address_than_the_recipients_is_refused(filed):
    row = take_in(mail("someone@elsewhere.example", reply_to_of(TEACHER), "Hej"))
    db.session.commit()
    assert row.outcome is Outcome.QUARANTINED and row.reason == "sender_mismatch"
    assert len(_messages(filed)) == 2


def test_a_reply_with_nothing_above_the_quote_is_refused(filed):
    row = take_in(mail(TEACHER, reply_to_of(TEACHER), "", quoted="Vilken version har du?"))
    assert row.outcome is Outcome.QUARANTINED and row.reason == "empty"


def test_a_reply_to_a_closed_ticket_is_refused_in_words(filed):
    filed.status = TicketStatus.CLOSED
    db.session.commit()
    row = take_in(mail(TEACHER, reply_to_of(TEACHER), "Hej igen"))
    db.session.commit()
    assert row.outcome is Outcome.QUARANTINED and row.reason == "refused"
    assert "closed" in row.detail.lower() or "stängd" in row.detail.lower()


def test_the_same_mail_fetched_twice_is_one_message(filed):
    raw = mail(TEACHER, reply_to_of(TEACHER), "En gång")
    first = take_in(raw)
    db.session.commit()
    second = take_in(raw)
    db.session.commit()
    assert first.id == second.id
    assert [m.body for m in _messages(filed)].count("En gång") == 1
    assert _count(InboundMail) == 1


@pytest.mark.parametrize("headers, outcome, reason", [
    ({"Auto-Submitted": "auto-replied"}, Outcome.IGNORED, "auto_submitted"),
    ({"Precedence": "bulk"}, Outcome.IGNORED, "bulk"),
    ({"Precedence": "list"}, Outcome.IGNORED, "bulk"),
    ({"Precedence": "junk"}, Outcome.IGNORED, "bulk"),
    ({"X-Autoreply": "yes"}, Outcome.IGNORED, "auto_submitted"),
])
def test_automatic_mail_is_never_taken_in(filed, headers, outcome, reason):
    row = take_in(mail(TEACHER, reply_to_of(TEACHER), "Jag är på semester.", headers=headers))
    db.session.commit()
    assert (row.outcome, row.reason) == (outcome, reason)
    assert len(_messages(filed)) == 2


def test_our_own_mail_coming_back_is_ignored(filed):
    raw = mail(TEACHER, reply_to_of(TEACHER), "Loop").replace(b"@mailclient.example>", b"@helpdesk>")
    row = take_in(raw)
    assert (row.outcome, row.reason) == (Outcome.IGNORED, "own_message")


def test_a_bounce_goes_to_the_bounce_log(demo_app):
    raw = (b"From: MAILER-DAEMON@exempelkommun.se\r\nTo: support@exempelkommun.se\r\n"
           b"Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <b1@mx.example>\r\n"
           b"MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=XX\r\n\r\n"
           b"--XX\r\nContent-Type: text/plain\r\n\r\nThe mail could not be delivered.\r\n"
           b"--XX\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example\r\n\r\n"
           b"Final-Recipient: rfc822; gone@exempelkommun.se\r\nAction: failed\r\nStatus: 5.1.1\r\n"
           b"--XX--\r\n")
    with demo_app.app_context():
        row = take_in(raw)
        db.session.commit()
        assert row.outcome is Outcome.BOUNCE and row.detail == "gone@exempelkommun.se"


def test_broken_mime_is_quarantined(demo_app):
    raw = (b"From: larare.norr@exempelkommun.se\r\nTo: support@exempelkommun.se\r\nSubject: Trasig\r\n"
           b"Message-ID: <broken@x.example>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed\r\n\r\n"
           b"no boundary at all\r\n")
    with demo_app.app_context():
        row = take_in(raw)
        db.session.commit()
        assert row.outcome is Outcome.QUARANTINED and row.reason == "broken_mime"
        assert row.sender == "larare.norr@exempelkommun.se" and row.subject == "Trasig"


def test_a_30_mb_attachment_is_refused_before_it_is_read(filed):
    raw = mail(TEACHER, reply_to_of(TEACHER), "Stor fil", files=[("film.pdf", b"x" * (30 * 1024 * 1024), "application/pdf")])
    row = take_in(raw)
    db.session.commit()
    assert row.outcome is Outcome.QUARANTINED and row.reason == "too_large"
    assert len(_messages(filed)) == 2 and _count(Attachment) == 0


def test_a_sender_over_the_rate_limit_is_quarantined(filed, demo_app):
    demo_app.config["MAILIN_SENDER_LIMIT_PER_HOUR"] = 2
    to = reply_to_of(TEACHER)
    rows = [take_in(mail(TEACHER, to, f"Meddelande {n}")) for n in range(3)]
    db.session.commit()
    assert [r.outcome for r in rows] == [Outcome.ACCEPTED, Outcome.ACCEPTED, Outcome.QUARANTINED]
    assert rows[-1].reason == "rate_limited"
    assert len(_messages(filed)) == 4


def test_mail_to_no_question_and_no_open_address_is_refused(demo_app):
    with demo_app.app_context():
        row = take_in(mail(TEACHER, SUPPORT, "Hej"))
        db.session.commit()
        assert (row.outcome, row.reason) == (Outcome.QUARANTINED, "no_route")
        assert db.session.get(Ticket, 10_000) is None
