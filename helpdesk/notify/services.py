"""Queueing mail. Sending is in `sender`; nothing here talks to a mail server."""
from __future__ import annotations

from flask import g, has_request_context, render_template
from flask_babel import force_locale

from helpdesk.extensions import db
from helpdesk.notify.models import OutboxMail


def queue_mail(to_address: str, subject: str, body: str, *, kind: str = "general",
               reply_to: str | None = None) -> OutboxMail:
    """Add a mail to the outbox in the caller's transaction; it leaves only if that commits."""
    mail = OutboxMail(to_address=to_address, subject=subject[:300], body=body, kind=kind, reply_to=reply_to)
    db.session.add(mail)
    if has_request_context():
        g.setdefault("queued_mail", []).append(mail)
    return mail


def queue_template(to_address: str, template: str, *, locale: str | None, kind: str, **context):
    """Render `templates/mail/<template>.txt` in the recipient's language and queue it.

    The template's first line is the subject.
    """
    with force_locale(locale or "sv"):
        text = render_template(f"mail/{template}.txt", **context)
    subject, _, body = text.strip().partition("\n")
    return queue_mail(to_address, subject.strip(), body.strip() + "\n", kind=kind)
