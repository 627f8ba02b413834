"""Who may do what with a ticket. Every rule gets the user's Scope and the ticket."""
from __future__ import annotations

from helpdesk.access import Scope, rule
from helpdesk.tickets.models import DONE_STATUSES, Ticket, TicketStatus, Tier


def is_requester(scope: Scope, ticket: Ticket) -> bool:
    return scope.authenticated and ticket.requester_id is not None and ticket.requester_id == scope.user.id


def is_local_agent(scope: Scope, ticket: Ticket) -> bool:
    return ticket.school_id in scope.local_school_ids


def is_central_agent(scope: Scope, ticket: Ticket) -> bool:
    return scope.is_central_for(ticket.organisation_id)


def is_vendor_agent(scope: Scope, ticket: Ticket) -> bool:
    return scope.vendor_id is not None and ticket.vendor_id == scope.vendor_id \
        and ticket.vendor_escalated_at is not None


def is_agent(scope: Scope, ticket: Ticket) -> bool:
    return is_local_agent(scope, ticket) or is_central_agent(scope, ticket) or is_vendor_agent(scope, ticket)


def works_current_tier(scope: Scope, ticket: Ticket) -> bool:
    """An agent of the tier the ticket is at now."""
    if ticket.tier is Tier.LOCAL:
        return is_local_agent(scope, ticket)
    if ticket.tier is Tier.CENTRAL:
        return is_central_agent(scope, ticket)
    return is_vendor_agent(scope, ticket)


@rule("tickets.file")
def can_file(scope: Scope, _obj=None) -> bool:
    return scope.authenticated and scope.organisation_id is not None and (scope.is_staff or scope.is_guardian)


@rule("tickets.view")
def can_view(scope: Scope, ticket: Ticket) -> bool:
    # Guardians and staff see only their own tickets; never another family's.
    return is_requester(scope, ticket) or is_agent(scope, ticket)


@rule("tickets.view_internal")
def can_view_internal(scope: Scope, ticket: Ticket) -> bool:
    return is_agent(scope, ticket)


@rule("tickets.view_requester_details")
def can_view_requester_details(scope: Scope, ticket: Ticket) -> bool:
    """The vendor sees the requester's name and role only; central is its counterpart."""
    return is_requester(scope, ticket) or is_local_agent(scope, ticket) or is_central_agent(scope, ticket)


@rule("tickets.reply")
def can_reply(scope: Scope, ticket: Ticket) -> bool:
    """A public reply: the requester (unless closed) or a local/central agent of the ticket."""
    if ticket.status is TicketStatus.CLOSED:
        return False
    if is_requester(scope, ticket):
        return True
    if ticket.tier is Tier.LOCAL:
        return is_local_agent(scope, ticket) or is_central_agent(scope, ticket)
    return is_central_agent(scope, ticket)


@rule("tickets.note")
def can_note(scope: Scope, ticket: Ticket) -> bool:
    """An internal note (a vendor agent's notes are its replies to central)."""
    return is_agent(scope, ticket) and ticket.status is not TicketStatus.CLOSED and (
        not is_vendor_agent(scope, ticket) or ticket.tier is Tier.VENDOR or is_central_agent(scope, ticket))


@rule("tickets.share_with_vendor")
def can_share_with_vendor(scope: Scope, ticket: Ticket) -> bool:
    return is_central_agent(scope, ticket) and ticket.vendor_escalated_at is not None


@rule("tickets.assign")
def can_assign(scope: Scope, ticket: Ticket) -> bool:
    return ticket.status not in DONE_STATUSES and works_current_tier(scope, ticket)


@rule("tickets.escalate")
def can_escalate(scope: Scope, ticket: Ticket) -> bool:
    """Local agents escalate to central; only central escalates to the vendor."""
    if ticket.status in DONE_STATUSES:
        return False
    if ticket.tier is Tier.LOCAL:
        return is_local_agent(scope, ticket) or is_central_agent(scope, ticket)
    if ticket.tier is Tier.CENTRAL:
        return is_central_agent(scope, ticket) and ticket.organisation.vendor_id is not None
    return False


@rule("tickets.pull_up")
def can_pull_up(scope: Scope, ticket: Ticket) -> bool:
    return ticket.tier is Tier.LOCAL and ticket.status not in DONE_STATUSES and is_central_agent(scope, ticket)


@rule("tickets.send_back")
def can_send_back(scope: Scope, ticket: Ticket) -> bool:
    if ticket.status in DONE_STATUSES:
        return False
    if ticket.tier is Tier.CENTRAL:
        return is_central_agent(scope, ticket)
    if ticket.tier is Tier.VENDOR:
        return is_vendor_agent(scope, ticket)
    return False


@rule("tickets.set_status")
def can_set_status(scope: Scope, ticket: Ticket) -> bool:
    if ticket.status is TicketStatus.CLOSED:
        return False
    return works_current_tier(scope, ticket) or (
        ticket.status is TicketStatus.RESOLVED and is_central_agent(scope, ticket))


@rule("tickets.link_article")
def can_link_article(scope: Scope, ticket: Ticket) -> bool:
    """Local and central agents name the help article that answers the question (the
    vendor reads other help than the organisation's)."""
    return is_local_agent(scope, ticket) or is_central_agent(scope, ticket)


@rule("tickets.request_info")
def can_request_info(scope: Scope, ticket: Ticket) -> bool:
    """The vendor asks central for more information."""
    return ticket.tier is Tier.VENDOR and ticket.status not in DONE_STATUSES and is_vendor_agent(scope, ticket)


@rule("tickets.vendor_case")
def can_update_vendor_case(scope: Scope, ticket: Ticket) -> bool:
    return ticket.vendor_escalated_at is not None and (
        is_vendor_agent(scope, ticket) or is_central_agent(scope, ticket))


@rule("tickets.rate")
def can_rate(scope: Scope, ticket: Ticket) -> bool:
    return is_requester(scope, ticket) and ticket.status in DONE_STATUSES and ticket.rating is None


@rule("tickets.reveal")
def can_reveal(scope: Scope, ticket: Ticket) -> bool:
    """The original text behind a masked civic number: local and central agents only."""
    return is_local_agent(scope, ticket) or is_central_agent(scope, ticket)


@rule("tickets.view_queue")
def can_view_queue(scope: Scope, tier: Tier | None = None) -> bool:
    if tier is None:
        return bool(scope.local_school_ids or scope.central_org_ids or scope.vendor_id)
    if tier is Tier.LOCAL:
        return bool(scope.local_school_ids or scope.central_org_ids)
    if tier is Tier.CENTRAL:
        return bool(scope.central_org_ids)
    return scope.vendor_id is not None


@rule("tickets.follow_queue")
def can_follow_queue(scope: Scope, tab: str | None = None) -> bool:
    """Follow the questions one passed up, read-only (the ticket rules above decide what may
    be done with each): a local admin the ones of their schools now with central or the
    vendor ("escalated"), central the ones of its organisation with the vendor ("vendor")."""
    if tab == "escalated":
        return bool(scope.local_school_ids)
    if tab == "vendor":
        return bool(scope.central_org_ids)
    return False


@rule("tickets.manage_canned")
def can_manage_canned(scope: Scope, _obj=None) -> bool:
    return bool(scope.local_school_ids or scope.central_org_ids) and scope.organisation_id is not None


@rule("tickets.manage_service_levels")
def can_manage_service_levels(scope: Scope, _obj=None) -> bool:
    """The central team sets its support's closed days and its targets for answers."""
    return scope.organisation_id is not None and scope.is_central_for(scope.organisation_id)


@rule("tickets.view_deflection")
def can_view_deflection(scope: Scope, _obj=None) -> bool:
    """How many questions the suggested articles answered: the central team's figure."""
    return scope.organisation_id is not None and scope.is_central_for(scope.organisation_id)


@rule("tickets.notification_settings")
def can_change_notifications(scope: Scope, _obj=None) -> bool:
    return scope.authenticated
