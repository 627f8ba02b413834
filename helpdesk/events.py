"""Signals between capabilities, so one never imports another's internals.

`content_changed` is sent by a service, inside its transaction, whenever something the
search index holds (an article, a thread, a ticket) is created, changed or deleted; the
search capability answers by writing an index-outbox row in the same transaction.
"""
from blinker import Namespace

_signals = Namespace()

# sender: the kind ("article", "thread", "ticket"); keyword: object_id=int, deleted=bool
content_changed = _signals.signal("content-changed")

# sender: "appointed" or "removed"; keywords: user_id=int, role=str (a Role value),
# organisation_id=int|None, school_id=int|None, group_id=int|None. Sent by the support
# organisation's appointment service inside its transaction, so boards (and anyone else)
# follow appointments without reading the role tables themselves.
role_changed = _signals.signal("role-changed")

# sender: the event type ("ticket.created", "ticket.escalated", "ticket.resolved", "ticket.rated",
# "article.published", "approval.requested", "approval.decided"); keywords: organisation_id=int,
# data=dict of ids and states only (never a name, an address or a personnummer). Sent by the
# services inside their transaction; webhooks queue a delivery per hook in the same one.
domain_event = _signals.signal("domain-event")
