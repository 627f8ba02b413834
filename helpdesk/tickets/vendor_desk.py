"""The vendor's own help desk, by e-mail: the rules for a vendor configured "by e-mail".

Escalating to such a vendor sends the case to its desk address; the desk's answers come
back (helpdesk/mailin) as vendor messages on the ticket, through `desk_answer` here, so
the same rules hold as for a vendor agent who logs in: the messages are internal and
shared with central, the vendor's first response is marked, a "resolved" from the desk
resolves the ticket and asks central for the summary.

What leaves for the desk is what the vendor may see: the shared note, the subject, the
category, the organisation and the reference; never the requester's name or address, and
never a personnummer (masked, like every text the vendor sees).
"""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

from helpdesk.directory.models import Vendor
from helpdesk.errors import Conflict, ValidationFailed
from helpdesk.models_base import utcnow
from helpdesk.tickets import notifications
from helpdesk.tickets.changes import BODY_MAX, _event, _mark_response, _recompute, _touch
from helpdesk.tickets.messages import _add_message, _check_upload
from helpdesk.tickets.notifications import desk_of  # noqa: F401  (the desk rules read as one module)
from helpdesk.tickets.models import AuthorRole, EventKind, Ticket, TicketStatus, Tier

# The desk's own case number in its subject: "Case 4711", "Ärende #VS-2026-12", "[#4711]".
_CASE = re.compile(r"(?i)(?:\b(?:case|ärende|ticket|incident)\s*(?:no\.?|nr\.?)?\s*[:#]?\s*|\[#|(?<!\w)#)"
                   r"([A-Z0-9][A-Z0-9-]{1,40})")
# Words from the desk that mean the case is solved (its subject or its first line).
_RESOLVED = re.compile(r"(?i)\b(resolved|solved|closed|löst|åtgärdad|stängd)\b")


def case_number(subject: str, ticket: Ticket) -> str | None:
    """The desk's own case number from its subject (never our own reference)."""
    for found in _CASE.finditer(subject or ""):
        value = found.group(1).rstrip("-")
        if value.upper() != ticket.number.upper() and value.upper() not in ticket.number.upper():
            return value[:64]
    return None


def says_resolved(subject: str, body: str) -> bool:
    first_line = (body or "").strip().split("\n", 1)[0]
    return bool(_RESOLVED.search(subject or "") or _RESOLVED.search(first_line))


def desk_answer(ticket: Ticket, vendor: Vendor, *, subject: str, body: str, files=()):
    """The desk answered: a vendor message (internal, shared with central) on the ticket,
    its case number kept, and a "resolved" resolves the ticket. The caller commits."""
    if ticket.vendor_id != vendor.id or not vendor.desk_email:
        raise Conflict(_l("The question is not with this vendor's desk."))
    if ticket.status is TicketStatus.CLOSED:
        raise Conflict(_l("The question is closed. File a new question if you need more help."))
    body = (body or "").strip()
    if not body:
        raise ValidationFailed(_l("Write %(what)s.", what=_l("a message")), field="body")
    if len(body) > BODY_MAX:
        body = body[:BODY_MAX]
    uploads = [_check_upload(f) for f in files]
    message = _add_message(ticket, None, body, role=AuthorRole.VENDOR, internal=True, shared=True,
                                    files=uploads, author_name=vendor.name)
    reference = case_number(subject, ticket)
    if reference and reference != ticket.vendor_reference:
        ticket.vendor_reference = reference
        _event(ticket, None, EventKind.VENDOR_CASE, to_value=reference, actor_name=vendor.name)
    if ticket.tier is Tier.VENDOR:
        _mark_response(ticket, Tier.VENDOR)
    resolved = says_resolved(subject, body) and ticket.status is not TicketStatus.RESOLVED
    old = ticket.status
    if resolved:
        ticket.status = TicketStatus.RESOLVED
        ticket.resolved_at = utcnow()
        ticket.vendor_status = "resolved"
    elif ticket.status in (TicketStatus.NEW, TicketStatus.WAITING_FOR_TIER_ABOVE):
        ticket.status = TicketStatus.OPEN
    if ticket.status is not old:
        _event(ticket, None, EventKind.STATUS_CHANGED, from_value=old, to_value=ticket.status,
               actor_name=vendor.name)
    _recompute(ticket)
    _touch(ticket)
    if resolved:
        notifications.desk_resolved(ticket, message)
        notifications.status_changed(ticket, None)
    else:
        notifications.vendor_reply(ticket, message, None)
    return message
