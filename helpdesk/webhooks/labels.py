"""What each event type and delivery state is called on the pages."""
from flask_babel import lazy_gettext as _l

EVENTS = {
    "ticket.created": _l("A question is filed"),
    "ticket.escalated": _l("A question is escalated (with the new tier)"),
    "ticket.resolved": _l("A question is resolved"),
    "ticket.rated": _l("A requester rates the answer"),
    "article.published": _l("An article is published"),
    "approval.requested": _l("An approval is requested"),
    "approval.decided": _l("An approval is decided"),
    "webhook.test": _l("Test event"),
}

STATUS = {
    "pending": _l("Waiting"),
    "delivered": _l("Delivered"),
    "failed": _l("Failed"),
}
