"""A ticket's messages: public replies and internal notes, their attachments, and revealing
the text as typed before personnummer were masked.
"""
from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

from helpdesk.access import can, require, scope_of
from helpdesk.auth.models import User
from helpdesk.errors import Conflict, NotFound, ValidationFailed
from helpdesk.extensions import db
from helpdesk.models_base import utcnow
from helpdesk.text import mask_civic_numbers
from helpdesk.tickets import notifications
from helpdesk.tickets.changes import (
    BODY_MAX,
    _clean_text,
    _event,
    _mark_response,
    _name_of,
    _recompute,
    _role_on,
    _touch,
)
from helpdesk.tickets.models import (
    Attachment,
    AuthorRole,
    EventKind,
    Ticket,
    TicketMessage,
    TicketStatus,
    Tier,
)
from helpdesk.tickets.policies import is_central_agent, is_local_agent, is_vendor_agent, works_current_tier

ALLOWED_TYPES = {
    ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
    ".pdf": "application/pdf", ".txt": "text/plain", ".csv": "text/csv",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass
class Upload:
    filename: str
    data: bytes
    content_type: str


def _check_upload(upload) -> Upload:
    """An upload (a werkzeug FileStorage or an Upload) within the size limit and allow-list."""
    if isinstance(upload, Upload):
        filename, data = upload.filename, upload.data
    else:
        filename = upload.filename or ""
        data = upload.read(current_app.config["TICKET_ATTACHMENT_MAX_BYTES"] + 1)
    filename = os.path.basename(filename.replace("\\", "/")).strip()[:200]
    ext = os.path.splitext(filename)[1].lower()
    if not filename or ext not in ALLOWED_TYPES:
        raise ValidationFailed(_l("Files of that type cannot be attached. Allowed: %(types)s.",
                                  types=", ".join(sorted(t.lstrip(".") for t in ALLOWED_TYPES))),
                               field="attachment")
    limit = current_app.config["TICKET_ATTACHMENT_MAX_BYTES"]
    if len(data) > limit:
        raise ValidationFailed(_l("The file is too large (at most %(mb)d MB).", mb=limit // (1024 * 1024)),
                               field="attachment")
    if not data:
        raise ValidationFailed(_l("The file is empty."), field="attachment")
    return Upload(filename, data, ALLOWED_TYPES[ext])


def _store(ticket: Ticket, message: TicketMessage, upload: Upload) -> Attachment:
    folder = Path(current_app.config["UPLOAD_DIR"]) / "tickets"
    folder.mkdir(parents=True, exist_ok=True)
    storage_name = uuid.uuid4().hex
    (folder / storage_name).write_bytes(upload.data)
    attachment = Attachment(message=message, filename=upload.filename,
                            content_type=upload.content_type, size=len(upload.data),
                            storage_name=storage_name)
    attachment.ticket_id = ticket.id
    ticket.attachment_count = (ticket.attachment_count or 0) + 1
    return attachment


def _add_message(ticket: Ticket, actor, body: str, *, role: AuthorRole, internal=False,
                 shared=False, files=(), author_name: str | None = None) -> TicketMessage:
    masked, changed = mask_civic_numbers(body)
    message = TicketMessage(ticket=ticket, author_id=actor.id if actor is not None else None,
                            author_name=author_name or _name_of(actor), author_role=role,
                            internal=internal, shared_with_vendor=shared, body=masked,
                            body_original=body if changed else None, created_at=utcnow())
    db.session.add(message)
    ticket.message_count = (ticket.message_count or 0) + 1
    if not internal:
        ticket.last_public_role = role
    if shared:
        ticket.last_vendor_role = role
    if files:
        db.session.flush()
        for upload in files:
            db.session.add(_store(ticket, message, upload))
    return message


def add_message(ticket: Ticket, actor, body, *, internal: bool = False, share_with_vendor: bool = False,
                attachments=()) -> TicketMessage:
    """A public reply or an internal note.

    The requester's reply reopens a resolved ticket and ends "waiting for requester". An
    agent's public reply is the tier's first response. A vendor agent's messages are always
    internal and shared with central (its counterpart), never shown to the requester.
    """
    body = _clean_text(body, "body", max_length=BODY_MAX, label=_l("a message"))
    scope = scope_of(actor)
    if ticket.status is TicketStatus.CLOSED:
        raise Conflict(_l("The question is closed. File a new question if you need more help."))
    vendor_side = ticket.tier is Tier.VENDOR and is_vendor_agent(scope, ticket) and not is_central_agent(scope, ticket)
    if vendor_side or (is_vendor_agent(scope, ticket) and not (is_local_agent(scope, ticket) or is_central_agent(scope, ticket))):
        require(actor, "tickets.note", ticket)
        internal, shared = True, True
    elif internal:
        require(actor, "tickets.note", ticket)
        shared = bool(share_with_vendor) and can(actor, "tickets.share_with_vendor", ticket)
    else:
        require(actor, "tickets.reply", ticket)
        shared = False
    files = [_check_upload(f) for f in attachments if f is not None]
    role = _role_on(actor, ticket)
    message = _add_message(ticket, actor, body, role=role, internal=internal, shared=shared, files=files)
    if role is AuthorRole.REQUESTER:
        if ticket.status is TicketStatus.RESOLVED:
            old = ticket.status
            ticket.status = TicketStatus.OPEN
            ticket.resolved_at = ticket.resolution_minutes = None
            _event(ticket, actor, EventKind.REOPENED, from_value=old, to_value=ticket.status)
        elif ticket.status is TicketStatus.WAITING_FOR_REQUESTER:
            old = ticket.status
            ticket.status = TicketStatus.OPEN
            _event(ticket, actor, EventKind.STATUS_CHANGED, from_value=old, to_value=ticket.status)
        _recompute(ticket)
        _touch(ticket)
        notifications.reply_from_requester(ticket, message, actor)
        return message
    if works_current_tier(scope, ticket) and (not internal or role is AuthorRole.VENDOR):
        _mark_response(ticket, ticket.tier)
        if ticket.status in (TicketStatus.NEW, TicketStatus.WAITING_FOR_TIER_ABOVE):
            old = ticket.status
            ticket.status = TicketStatus.OPEN
            _event(ticket, actor, EventKind.STATUS_CHANGED, from_value=old, to_value=ticket.status)
    _recompute(ticket)
    _touch(ticket)
    if not internal:
        notifications.reply_to_requester(ticket, message, actor)
    elif role is AuthorRole.VENDOR:
        notifications.vendor_reply(ticket, message, actor)
    return message


def reveal_original(ticket: Ticket, message_id: int | None, actor) -> str:
    """The text as typed before masking; every reveal is written to the history."""
    require(actor, "tickets.reveal", ticket)
    if message_id is None:
        if ticket.subject_original is None:
            raise NotFound()
        original, what = ticket.subject_original, "subject"
    else:
        message = db.session.get(TicketMessage, message_id)
        if message is None or message.ticket_id != ticket.id or message.body_original is None:
            raise NotFound()
        original, what = message.body_original, f"message {message.id}"
    _event(ticket, actor, EventKind.ORIGINAL_REVEALED, to_value=what)
    # Also in the organisation's audit log: who looked at a masked number is the data
    # controller's business, not only the ticket's.
    from helpdesk.admin.audit import record

    requester = db.session.get(User, ticket.requester_id) if ticket.requester_id else None
    requester_person = requester.person_id if requester is not None else None
    record(actor, "reveal_civic_number", ticket, organisation_id=ticket.organisation_id, label=ticket.number,
           after={"revealed": "subject" if message_id is None else "message"},
           person_id=ticket.student_id or requester_person)
    db.session.flush()
    return original
