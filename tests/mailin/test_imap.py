"""End to end with real mail servers on loopback (tests/support/mail_servers.py): the
portal sends over SMTP, Dovecot stores, people answer from their mail client (the test
plays it, over SMTP), and the portal reads its IMAP mailbox with `flask mail fetch` or the
tick."""
from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from sqlalchemy import select

from helpdesk.core.tick import run_tick
from helpdesk.directory.models import Vendor
from helpdesk.extensions import db
from helpdesk.mailin.imap import Mailbox
from helpdesk.mailin.models import InboundMail, Outcome
from helpdesk.tickets.models import AuthorRole, Ticket, TicketStatus
from tests.conftest import login
from tests.mailin.mails import SUPPORT
from tests.support.mail_servers import mail_servers

TEACHER = "larare.norr@exempelkommun.se"
LOCAL = "lokal.norr@exempelkommun.se"
CENTRAL = "central@exempelkommun.se"
DESK = "desk@leverantor.example"


@pytest.fixture
def servers():
    with mail_servers(users=("support", "desk", "larare.norr")) as running:
        yield running


@pytest.fixture
def app_config(servers):
    return {"MAIL_REPLY_ADDRESS": SUPPORT, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": servers.smtp_port,
            "MAIL_IMAP_MAILBOXES": [Mailbox(**servers.imap_settings("support"))]}


def _client(app, who):
    client = app.test_client()
    login(client, who)
    return client


def _inbox(servers, user, subject_part) -> list[EmailMessage]:
    found = [email.message_from_bytes(raw, policy=email.policy.default) for raw in servers.fetch_all(user)]
    return [m for m in found if subject_part in str(m["Subject"])]


def _answer(original: EmailMessage, sender: str, text: str, subject: str | None = None) -> tuple[bytes, str]:
    """A reply as a mail client writes it: to the Reply-To, with the quoted original."""
    to = str(original["Reply-To"])
    reply = EmailMessage()
    reply["From"] = sender
    reply["To"] = to
    reply["Subject"] = subject or "Re: " + str(original["Subject"])
    reply["Message-ID"] = make_msgid(domain="mailclient.example")
    reply["In-Reply-To"] = str(original["Message-ID"])
    quoted = "\n".join("> " + line for line in original.get_content().splitlines())
    reply.set_content(f"{text}\n\nOn Wed, Dec 2, 2026 at 10:15 AM Supporten <{SUPPORT}> wrote:\n{quoted}\n")
    return bytes(reply), to


def _fetch(app) -> str:
    result = app.test_cli_runner().invoke(args=["mail", "fetch"])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_teacher_answers_the_local_admins_reply_from_her_mail_client(demo_app, servers):
    teacher = _client(demo_app, TEACHER)
    response = teacher.post("/tickets/new", data={"category": "usage", "subject": "Klass 6B saknas",
                                                  "body": "Jag ser inte 6B.", "action": "file"})
    assert response.status_code == 302
    with demo_app.app_context():
        ticket_id = db.session.scalar(select(Ticket.id).where(Ticket.subject == "Klass 6B saknas"))
    local = _client(demo_app, LOCAL)
    assert local.post(f"/tickets/{ticket_id}/reply", data={"body": "Vilken skola gäller det?"}).status_code == 302

    (notification,) = _inbox(servers, "larare.norr", "Klass 6B saknas") or _inbox(servers, "larare.norr", "")[-1:]
    assert notification["Auto-Submitted"] == "auto-generated"
    raw, to = _answer(notification, TEACHER, "Norrskolan, klass 6B. Mitt pnr 19850101-1234.")
    servers.send(raw, TEACHER, [to])

    assert "1 accepted" in _fetch(demo_app)
    with demo_app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        last = ticket.messages[-1]
        assert last.author_role is AuthorRole.REQUESTER and not last.internal
        assert last.body.startswith("Norrskolan, klass 6B.") and "Vilken skola" not in last.body
        assert "1234" not in last.body
        count = len(ticket.messages)
    # Fetched again, or delivered twice: still one message.
    assert "nothing new" in _fetch(demo_app)
    servers.send(raw, TEACHER, [to])
    _fetch(demo_app)
    with demo_app.app_context():
        assert len(db.session.get(Ticket, ticket_id).messages) == count
        assert db.session.scalar(select(InboundMail).where(InboundMail.ticket_id == ticket_id)).outcome \
            is Outcome.ACCEPTED


def test_central_escalates_to_the_desk_by_mail_and_the_desks_answers_land(demo_app, servers):
    with demo_app.app_context():
        db.session.scalar(select(Vendor)).desk_email = DESK
        db.session.commit()
    teacher = _client(demo_app, TEACHER)
    teacher.post("/tickets/new", data={"category": "bug", "subject": "Exporten fastnar",
                                       "body": "PDF-exporten hänger.", "action": "file"})
    with demo_app.app_context():
        ticket_id = db.session.scalar(select(Ticket.id).where(Ticket.subject == "Exporten fastnar"))
        number = db.session.get(Ticket, ticket_id).number
    _client(demo_app, LOCAL).post(f"/tickets/{ticket_id}/escalate", data={"note": "Provat två webbläsare."})
    _client(demo_app, CENTRAL).post(f"/tickets/{ticket_id}/escalate", data={"note": "Gäller alla skolor."})

    (case,) = _inbox(servers, "desk", number)
    assert TEACHER not in case.as_string() and "Gäller alla skolor." in case.get_content()
    assert "Auto-Submitted" not in case  # a person's escalation: the desk must take it
    raw, to = _answer(case, DESK, "Vi felsöker.", subject=f"Re: [{number}] Exporten fastnar [Case #VS-4711]")
    servers.send(raw, DESK, [to])
    with demo_app.app_context():
        report = dict(run_tick())
    assert report["mail: fetch"] == "1 accepted"
    with demo_app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        assert ticket.messages[-1].author_role is AuthorRole.VENDOR
        assert ticket.messages[-1].body == "Vi felsöker." and ticket.vendor_reference == "VS-4711"

    raw, to = _answer(case, DESK, "Rättat i 4.3.", subject=f"Re: [{number}] Exporten fastnar [Case #VS-4711] resolved")
    servers.send(raw, DESK, [to])
    with demo_app.app_context():
        run_tick()
    with demo_app.app_context():
        assert db.session.get(Ticket, ticket_id).status is TicketStatus.RESOLVED


def test_a_30_mb_mail_is_refused_from_its_header_without_being_downloaded(demo_app, servers):
    big = EmailMessage()
    big["From"] = TEACHER
    big["To"] = SUPPORT
    big["Subject"] = "Film från lektionen"
    big["Message-ID"] = "<big@mailclient.example>"
    big.set_content("Se bifogad fil.")
    big.add_attachment(b"\0" * (30 * 1024 * 1024), maintype="application", subtype="pdf", filename="film.pdf")
    servers.send(bytes(big), TEACHER, [SUPPORT])
    assert "1 quarantined" in _fetch(demo_app)
    with demo_app.app_context():
        row = db.session.scalar(select(InboundMail))
        assert (row.outcome, row.reason, row.subject) == (Outcome.QUARANTINED, "too_large", "Film från lektionen")
        assert row.size > 30 * 1024 * 1024
    assert "nothing new" in _fetch(demo_app)  # flagged seen: not looked at again


def test_fetch_without_a_mailbox_says_what_to_set(demo_app):
    demo_app.config["MAIL_IMAP_MAILBOXES"] = []
    result = demo_app.test_cli_runner().invoke(args=["mail", "fetch"])
    assert result.exit_code != 0 and "MAIL_IMAP_HOST" in result.output
