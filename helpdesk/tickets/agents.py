"""Who works a tier for a ticket.

Its own module so that both the ticket rules (services) and the mail (notifications) can ask
without importing each other (the two used to import one another in a cycle).
"""
from __future__ import annotations

from sqlalchemy import select

from helpdesk.auth.models import Role, RoleAssignment, User
from helpdesk.extensions import db
from helpdesk.tickets.models import Ticket, Tier


def tier_agents(ticket: Ticket, tier: Tier | None = None) -> list[User]:
    """The accounts that work the given tier (default: the ticket's tier) for this ticket."""
    tier = tier or ticket.tier
    stmt = select(User).where(User.enabled)
    if tier is Tier.LOCAL:
        stmt = stmt.where(User.id.in_(select(RoleAssignment.user_id).where(
            RoleAssignment.role == Role.LOCAL_ADMIN, RoleAssignment.school_id == ticket.school_id)))
    elif tier is Tier.CENTRAL:
        stmt = stmt.where(User.id.in_(select(RoleAssignment.user_id).where(
            RoleAssignment.role == Role.CENTRAL_ADMIN,
            RoleAssignment.organisation_id == ticket.organisation_id)))
    else:
        if ticket.vendor_id is None:
            return []
        stmt = stmt.where(User.vendor_id == ticket.vendor_id, User.id.in_(select(RoleAssignment.user_id).where(
            RoleAssignment.role == Role.VENDOR_AGENT)))
    return list(db.session.scalars(stmt.order_by(User.email)))
