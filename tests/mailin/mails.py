"""Building mails the way mail clients write them, for the mail-in tests."""
from __future__ import annotations

from email.message import EmailMessage
from email.utils import make_msgid

from sqlalchemy import select

from helpdesk.auth.models import User
from helpdesk.extensions import db
from helpdesk.notify.models import OutboxMail

SUPPORT = "support@exempelkommun.se"


def user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def mail(sender: str, to: str, body: str, *, subject: str = "Re: Din fråga", headers: dict | None = None,
         files: list[tuple[str, bytes, str]] = (), quoted: str | None = None) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain="mailclient.example")
    for name, value in (headers or {}).items():
        msg[name] = value
    text = body
    if quoted is not None:
        text += "\n\nDen 2 dec. 2026 kl. 10:15 skrev Supporten <" + SUPPORT + ">:\n" + \
            "\n".join("> " + line for line in quoted.splitlines()) + "\n"
    msg.set_content(text)
    for filename, data, content_type in files:
        maintype, subtype = content_type.split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return bytes(msg)


def reply_to_of(to_address: str, kind_prefix: str = "ticket_") -> str:
    """The Reply-To of the newest notification queued for an address."""
    found = db.session.scalar(select(OutboxMail).where(OutboxMail.to_address == to_address,
                                                       OutboxMail.kind.startswith(kind_prefix))
                              .order_by(OutboxMail.id.desc()))
    assert found is not None and found.reply_to, f"no notification with a reply address for {to_address}"
    return found.reply_to
