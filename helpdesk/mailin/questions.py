"""New questions by mail to an organisation's address.

Mail from the address of a person in the organisation's directory (an enabled account of
the organisation) is filed like a web question, by the same service, so it is routed the
same way (the school's local queue, or central's). Mail from anyone else gets one polite
answer pointing to the public "I can't log in" form, and nothing is created.
"""
from __future__ import annotations

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import func, select

from helpdesk.auth.models import User
from helpdesk.directory.models import Organisation
from helpdesk.errors import HelpdeskError
from helpdesk.mailin.models import Outcome
from helpdesk.mailin.parsing import ParsedMail, strip_quoted, uploads
from helpdesk.mailin.refusal import Refused
from helpdesk.extensions import db
from helpdesk.notify.services import queue_mail
from helpdesk.tickets import services
from helpdesk.tickets.models import TicketCategory


def _person(org: Organisation, address: str) -> User | None:
    return db.session.scalar(select(User).where(
        func.lower(User.email) == address, User.organisation_id == org.id, User.enabled))


def new_question(mail: ParsedMail, org: Organisation) -> tuple[Outcome, dict]:
    user = _person(org, mail.sender)
    if user is None:
        url = current_app.config["PUBLIC_URL"].rstrip("/") + "/help/cannot-log-in"
        # In Swedish: nothing tells which language a stranger reads.
        with force_locale("sv"):
            text = render_template("mailin/unknown_sender.txt", organisation=org, url=url)
        subject, _, body = text.strip().partition("\n")
        queue_mail(mail.sender, subject.strip(), body.strip() + "\n", kind="mailin_unknown_sender")
        return Outcome.ANSWERED, {"reason": "unknown_sender", "organisation_id": org.id}
    # A signature is not part of the question; a mail that is all "signature" keeps its text.
    body = strip_quoted(mail.text) or mail.text.strip()
    subject = mail.subject.strip() or body.split("\n", 1)[0][:services.SUBJECT_MAX]
    try:
        ticket = services.file_ticket(user, subject=subject[:services.SUBJECT_MAX], body=body,
                                      category=TicketCategory.OTHER.value, attachments=uploads(mail))
    except HelpdeskError as exc:
        problems = getattr(exc, "problems", None) or [exc]
        detail = "; ".join(str(getattr(p, "message", p)) for p in problems)
        raise Refused("refused", detail, org.id) from None
    return Outcome.ACCEPTED, {"organisation_id": org.id, "ticket_id": ticket.id}
