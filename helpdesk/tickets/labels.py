from flask_babel import lazy_gettext as _l

from helpdesk.labels import add_labels
from helpdesk.tickets.models import (
    AuthorRole,
    EventKind,
    NotificationKind,
    RequesterRole,
    TicketCategory,
    TicketStatus,
    Tier,
)

add_labels({
    TicketCategory.LOGIN: _l("Login and accounts"),
    TicketCategory.ADMINISTRATION: _l("Administration and sync"),
    TicketCategory.USAGE: _l("Using the platform"),
    TicketCategory.BUG: _l("Bug or outage"),
    TicketCategory.FEEDBACK: _l("Idea or feedback"),
    TicketCategory.OTHER: _l("Other"),
    Tier.LOCAL: _l("Local (school)"),
    Tier.CENTRAL: _l("Central team"),
    Tier.VENDOR: _l("Vendor"),
    TicketStatus.NEW: _l("New"),
    TicketStatus.OPEN: _l("Open"),
    TicketStatus.WAITING_FOR_REQUESTER: _l("Waiting for requester"),
    TicketStatus.WAITING_FOR_TIER_ABOVE: _l("Waiting for tier above"),
    TicketStatus.RESOLVED: _l("Resolved"),
    TicketStatus.CLOSED: _l("Closed"),
    RequesterRole.STAFF: _l("Staff"),
    RequesterRole.GUARDIAN: _l("Guardian"),
    RequesterRole.GUEST: _l("Guardian (not logged in)"),
    AuthorRole.REQUESTER: _l("Requester"),
    AuthorRole.LOCAL: _l("Local support"),
    AuthorRole.CENTRAL: _l("Central support"),
    AuthorRole.VENDOR: _l("Vendor"),
    AuthorRole.SYSTEM: _l("System"),
    EventKind.CREATED: _l("Filed"),
    EventKind.ROUTED_TO_CENTRAL: _l("Routed to the central team"),
    EventKind.ASSIGNED: _l("Assigned"),
    EventKind.STATUS_CHANGED: _l("Status changed"),
    EventKind.ESCALATED: _l("Escalated"),
    EventKind.AUTO_ESCALATED: _l("Escalated automatically"),
    EventKind.PULLED_UP: _l("Taken up by the central team"),
    EventKind.SENT_BACK: _l("Sent back"),
    EventKind.REOPENED: _l("Reopened"),
    EventKind.INFO_REQUESTED: _l("Vendor asked for more information"),
    EventKind.VENDOR_CASE: _l("Vendor case updated"),
    EventKind.RATED: _l("Rated"),
    EventKind.SLA_BREACHED: _l("Deadline passed"),
    EventKind.ORIGINAL_REVEALED: _l("Original text shown"),
    EventKind.ARTICLE_LINKED: _l("Help article linked"),
    NotificationKind.NEW_TICKET: _l("A new question arrives in my queue"),
    NotificationKind.REPLY: _l("Someone replies to a question I follow"),
    NotificationKind.ESCALATION: _l("A question is escalated or sent back to my queue"),
    NotificationKind.STATUS_CHANGE: _l("The status of my question changes"),
    NotificationKind.BREACH: _l("A question in my queue passes its deadline"),
})

# Values stored as plain strings in the history (from/to of an event).
VALUE_LABELS = {**{t.value: t for t in Tier}, **{s.value: s for s in TicketStatus}}

# The audit log in words.
from helpdesk import audit_phrases as phrases  # noqa: E402

phrases.register("reveal_civic_number", _l("Looked at a masked personal identity number"),
                 _l("Looked at the masked personal identity number in question %(object)s"))
phrases.register_field("revealed", _l("Where"), lambda v: {"subject": _l("the subject"),
                                                      "message": _l("a message")}.get(v, v))
