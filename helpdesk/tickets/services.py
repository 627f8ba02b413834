"""The rules of tickets: filing, routing, escalation, replies, statuses and SLA clocks.

Every function takes the `actor` explicitly, checks the permission rule, validates,
changes objects and flushes; the caller (a view, the API, the tick, a test) commits once.

The rules live in modules by sub-capability, split by size; this module is their public face
(views, the API, mail intake and the tests call `services.file_ticket`, ...):
- changes: the text checks, history events, SLA clocks and touch every change shares;
- filing: numbers, the filing form's choices, routing a new question, deflection;
- messages: replies, internal notes, attachments, revealing masked text;
- routing: escalation, pulling up, sending back, asking for information, assignment;
- resolution: statuses, the vendor's case, the linked article, the rating.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from helpdesk.access import can
from helpdesk.errors import NotFound
from helpdesk.extensions import db
from helpdesk.tickets.agents import tier_agents  # noqa: F401 (kept importable from services)
from helpdesk.tickets.changes import BODY_MAX, NOTE_MAX, SUBJECT_MAX  # noqa: F401
from helpdesk.tickets.filing import (  # noqa: F401 (kept importable from services)
    FilingChoices,
    allocate_number,
    file_ticket,
    filing_choices,
    filing_deflection,
    guardian_categories,
    record_deflection,
    school_of_student,
)
from helpdesk.tickets.messages import ALLOWED_TYPES, Upload, add_message, reveal_original  # noqa: F401
from helpdesk.tickets.models import Ticket
from helpdesk.tickets.resolution import (  # noqa: F401 (kept importable from services)
    AGENT_STATUSES,
    link_article,
    rate,
    set_status,
    status_choices,
    update_vendor_case,
)
from helpdesk.tickets.routing import (  # noqa: F401 (kept importable from services)
    assign,
    escalate,
    pull_up,
    request_info,
    school_has_local_contact,
    send_back,
)


def get_ticket(ticket_id: int, actor) -> Ticket:
    """The ticket if the actor may see it; 404 otherwise (never tells that it exists)."""
    ticket = db.session.get(Ticket, ticket_id)
    if ticket is None or not can(actor, "tickets.view", ticket):
        raise NotFound(_l("That question could not be found."))
    return ticket
