"""Taking in one mail: the loop and size guards, then a reply, a desk answer or a new
question, through the same ticket services as the web.

`take_in(raw)` records the mail once per Message-ID (a mail fetched twice is one row and
one message), changes the tickets inside a savepoint, and on any refusal rolls that back
and records why: nothing is half-created. The caller commits.
"""
from __future__ import annotations

import email.policy
import hashlib
import logging
import re
from datetime import timedelta
from email.parser import BytesHeaderParser
from email.utils import parseaddr

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from helpdesk.access import can
from helpdesk.auth.models import User
from helpdesk.directory.models import Organisation, Vendor
from helpdesk.errors import HelpdeskError
from helpdesk.extensions import db
from helpdesk.mailin.models import InboundMail, Outcome
from helpdesk.mailin.parsing import BrokenMail, ParsedMail, parse, strip_quoted, uploads
from helpdesk.mailin.questions import new_question
from helpdesk.mailin.refusal import Refused
from helpdesk.models_base import utcnow
from helpdesk.notify.reply_address import ForgedToken, read_token
from helpdesk.notify.sender import message_id_domain
from helpdesk.tickets import services, vendor_desk
from helpdesk.tickets.models import Ticket

log = logging.getLogger(__name__)
_REFERENCE = re.compile(r"\[([A-Z0-9]{1,8}-\d{4}-\d{5})\]")


def _existing(key: str) -> InboundMail | None:
    return db.session.scalar(select(InboundMail).where(InboundMail.message_key == key))


def _record(key: str, sender: str, subject: str, size: int, outcome: Outcome, reason: str | None = None,
            detail: str | None = None, organisation_id=None, ticket_id=None) -> InboundMail:
    """One row per Message-ID: a second reader racing us loses on the unique key and gets ours."""
    row = InboundMail(message_key=key, sender=sender[:254], subject=(subject or "")[:300], size=size,
                      outcome=outcome, reason=reason, detail=(detail or None) and str(detail)[:500],
                      organisation_id=organisation_id, ticket_id=ticket_id, received_at=utcnow())
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        return _existing(key)
    if outcome is not Outcome.ACCEPTED:
        log.info("mail from %s %s: %s", sender, outcome.value, reason)
    return row


def _headers(raw: bytes) -> tuple[str, str, str]:
    """Key, sender and subject from the header alone (for mail too large or too broken to parse)."""
    try:
        head = BytesHeaderParser(policy=email.policy.default).parsebytes(raw)
        message_id = str(head.get("Message-ID", "")).strip()
        sender = parseaddr(str(head.get("From", "")))[1].lower()
        subject = str(head.get("Subject", ""))
    except Exception:  # a header we cannot even split: the hash still identifies the mail
        message_id, sender, subject = "", "", ""
    return (message_id[:255] or "sha256:" + hashlib.sha256(raw).hexdigest()), sender, subject


def refuse_too_large(header: bytes, size: int) -> InboundMail:
    """A mail over the limit, known by its header only (the reader never downloads it)."""
    key, sender, subject = _headers(header)
    return _existing(key) or _record(key, sender, subject, size, Outcome.QUARANTINED, "too_large",
                                     f"{size} bytes")


def take_in(raw: bytes) -> InboundMail:
    size = len(raw)
    if size > current_app.config["MAILIN_MAX_BYTES"]:
        return refuse_too_large(raw, size)
    try:
        mail = parse(raw)
    except BrokenMail as exc:
        key, sender, subject = _headers(raw)
        return _existing(key) or _record(key, sender, subject, size, Outcome.QUARANTINED, "broken_mime", str(exc))
    if found := _existing(mail.message_key):
        return found

    def record(outcome, reason=None, detail=None, **where):
        return _record(mail.message_key, mail.sender, mail.subject, size, outcome, reason, detail, **where)

    # Loop guards first: nothing automatic is ever answered.
    if mail.bounce:
        return record(Outcome.BOUNCE, "bounce", mail.bounced_recipient)
    if mail.message_id_domain == message_id_domain().lower():
        return record(Outcome.IGNORED, "own_message")
    if mail.auto_submitted:
        return record(Outcome.IGNORED, "auto_submitted")
    if mail.bulk:
        return record(Outcome.IGNORED, "bulk")
    if _too_many(mail.sender):
        return record(Outcome.QUARANTINED, "rate_limited")
    # Claim the Message-ID before touching a ticket: a second reader taking in the same mail
    # at once waits on the unique key (PostgreSQL) and then finds it taken, so the mail
    # becomes one message even then. The row is filled in with what came of it.
    claimed = InboundMail(message_key=mail.message_key, sender=mail.sender, subject=mail.subject, size=size,
                          outcome=Outcome.QUARANTINED, reason="error", received_at=utcnow())
    try:
        with db.session.begin_nested():
            db.session.add(claimed)
    except IntegrityError:
        return _existing(mail.message_key)
    try:
        with db.session.begin_nested():
            outcome, where = _route(mail)
    except Refused as exc:
        outcome, where = Outcome.QUARANTINED, {"reason": exc.reason, "detail": exc.detail,
                                               "organisation_id": exc.organisation_id, "ticket_id": exc.ticket_id}
        log.info("mail from %s quarantined: %s", mail.sender, exc.reason)
    claimed.outcome = outcome
    claimed.reason = where.get("reason")
    claimed.detail = (where.get("detail") or None) and str(where["detail"])[:500]
    claimed.organisation_id, claimed.ticket_id = where.get("organisation_id"), where.get("ticket_id")
    db.session.flush()
    return claimed


def _too_many(sender: str) -> bool:
    since = utcnow() - timedelta(hours=1)
    count = db.session.scalar(select(func.count(InboundMail.id)).where(
        InboundMail.sender == sender, InboundMail.received_at >= since)) or 0
    return count >= current_app.config["MAILIN_SENDER_LIMIT_PER_HOUR"]


def _route(mail: ParsedMail) -> tuple[Outcome, dict]:
    for address in mail.recipients:
        try:
            token = read_token(address)
        except ForgedToken:
            raise Refused("forged_token", address) from None
        if token is not None and token.kind == "reply":
            return _reply(mail, token)
        if token is not None and token.kind == "desk":
            return _desk(mail, db.session.get(Ticket, token.ticket_id))
    if found := _REFERENCE.search(mail.subject):
        ticket = db.session.scalar(select(Ticket).where(Ticket.number == found.group(1)))
        if ticket is not None and _desk_vendor(ticket, mail) is not None:
            return _desk(mail, ticket)
    org = db.session.scalar(select(Organisation).where(func.lower(Organisation.inbound_email).in_(mail.recipients)))
    if org is not None:
        return new_question(mail, org)
    raise Refused("no_route")


def _service(call, ticket: Ticket) -> None:
    """Run a ticket service; its refusal (in words for a person) becomes the quarantine's."""
    try:
        call()
    except HelpdeskError as exc:
        raise Refused("refused", str(exc.message), ticket.organisation_id, ticket.id) from None


def _reply(mail: ParsedMail, token) -> tuple[Outcome, dict]:
    ticket = db.session.get(Ticket, token.ticket_id)
    user = db.session.get(User, token.user_id)
    org_id = ticket.organisation_id if ticket is not None else None
    # Scope first: a ticket the person may no longer see is refused like a missing one.
    if ticket is None or user is None or not user.enabled or not can(user, "tickets.view", ticket):
        raise Refused("ticket_not_visible", None, org_id)
    if user.email.lower() != mail.sender:
        raise Refused("sender_mismatch", None, org_id, ticket.id)
    text = strip_quoted(mail.text)
    if not text:
        raise Refused("empty", None, org_id, ticket.id)
    internal = token.internal and can(user, "tickets.note", ticket)
    _service(lambda: services.add_message(ticket, user, text, internal=internal, attachments=uploads(mail)),
             ticket)
    return Outcome.ACCEPTED, {"organisation_id": org_id, "ticket_id": ticket.id}


def _desk_vendor(ticket: Ticket, mail: ParsedMail) -> Vendor | None:
    vendor = vendor_desk.desk_of(ticket)
    return vendor if vendor is not None and vendor.desk_email.lower() == mail.sender else None


def _desk(mail: ParsedMail, ticket: Ticket | None) -> tuple[Outcome, dict]:
    vendor = _desk_vendor(ticket, mail) if ticket is not None else None
    if vendor is None:
        raise Refused("not_from_desk", None, ticket.organisation_id if ticket else None)
    text = strip_quoted(mail.text)
    _service(lambda: vendor_desk.desk_answer(ticket, vendor, subject=mail.subject, body=text,
                                             files=uploads(mail)), ticket)
    return Outcome.ACCEPTED, {"organisation_id": ticket.organisation_id, "ticket_id": ticket.id}
