"""E-mail about tickets, queued in the outbox in the caller's transaction.

Each mail is rendered from `templates/tickets/mail/<name>.txt` (first line: the subject) in
the recipient's language, and only to users whose notification settings allow that kind.
"""
from __future__ import annotations

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import select

from helpdesk.auth.models import User
from helpdesk.extensions import db
from helpdesk.directory.models import Vendor
from helpdesk.notify.reply_address import desk_address, reply_address
from helpdesk.text import mask_civic_numbers
from helpdesk.notify.services import queue_mail
from helpdesk.tickets.agents import tier_agents
from helpdesk.tickets.models import NotificationKind, NotificationPreference, Ticket, Tier


def _url(path: str) -> str:
    return current_app.config["PUBLIC_URL"].rstrip("/") + path


def ticket_url(ticket: Ticket) -> str:
    return _url(f"/tickets/{ticket.id}")


def _send(to: str, template: str, locale: str | None, kind: str, *, user: User | None = None,
          internal: bool = False, **context) -> None:
    """Queue one mail. Sent to an account about a ticket, it carries a reply address, so
    answering the mail answers the ticket (an internal-note mail: with an internal note)."""
    ticket = context.get("ticket")
    reply_to = reply_address(ticket.id, user.id, internal=internal) \
        if user is not None and isinstance(ticket, Ticket) else None
    with force_locale(locale or "sv"):
        text = render_template(f"tickets/mail/{template}.txt", can_reply=reply_to is not None,
                               internal_mail=internal, **context)
    subject, _, body = text.strip().partition("\n")
    queue_mail(to, subject.strip(), body.strip() + "\n", kind=f"ticket_{kind}", reply_to=reply_to)


def _wanted(users: list[User], kind: NotificationKind, actor=None) -> list[User]:
    users = [u for u in users if u is not None and u.enabled and (actor is None or u.id != actor.id)]
    if not users:
        return []
    off = set(db.session.scalars(select(NotificationPreference.user_id).where(
        NotificationPreference.user_id.in_([u.id for u in users]),
        NotificationPreference.kind == kind, NotificationPreference.enabled.is_(False))))
    seen, out = set(), []
    for u in users:
        if u.id not in off and u.id not in seen:
            seen.add(u.id)
            out.append(u)
    return out


def _agents(ticket: Ticket, tier: Tier | None = None) -> list[User]:
    if ticket.assignee_id and (tier is None or tier is ticket.tier):
        assignee = db.session.get(User, ticket.assignee_id)
        if assignee is not None:
            return [assignee]
    return tier_agents(ticket, tier)


def _requester(ticket: Ticket) -> User | None:
    return db.session.get(User, ticket.requester_id) if ticket.requester_id else None


def _to_requester(ticket: Ticket, template: str, kind: NotificationKind, actor, **context) -> None:
    user = _requester(ticket)
    if user is not None:
        for u in _wanted([user], kind, actor):
            _send(u.email, template, u.locale, kind.value, user=u, ticket=ticket, url=ticket_url(ticket), **context)
    elif ticket.guest_email:
        # A guest has no settings; the follow link is the one sent when the ticket was made.
        _send(ticket.guest_email, template, "sv", kind.value, ticket=ticket, url=None, **context)


def new_in_queue(ticket: Ticket, actor) -> None:
    for u in _wanted(_agents(ticket), NotificationKind.NEW_TICKET, actor):
        _send(u.email, "new_ticket", u.locale, "new_ticket", user=u, ticket=ticket, url=ticket_url(ticket))


def escalated(ticket: Ticket, actor, note) -> None:
    for u in _wanted(_agents(ticket), NotificationKind.ESCALATION, actor):
        _send(u.email, "escalated", u.locale, "escalation", user=u, internal=True, ticket=ticket,
              url=ticket_url(ticket), note=note)
    _to_requester(ticket, "status_changed", NotificationKind.STATUS_CHANGE, actor)
    if ticket.tier is Tier.VENDOR:
        to_vendor_desk(ticket, note)


def desk_of(ticket: Ticket) -> Vendor | None:
    """The vendor of the ticket if it is worked by e-mail."""
    vendor = db.session.get(Vendor, ticket.vendor_id) if ticket.vendor_id else None
    return vendor if vendor is not None and vendor.desk_email else None


def to_vendor_desk(ticket: Ticket, note: str) -> None:
    """Queue the case for the desk (in the escalation's transaction)."""
    vendor = desk_of(ticket)
    if vendor is None:
        return
    masked_note, _ = mask_civic_numbers(note or "")
    # The desk is not one of our users; it reads Swedish, the portal's language.
    with force_locale("sv"):
        text = render_template("tickets/mail/vendor_desk_case.txt", ticket=ticket, note=masked_note)
    subject, _, body = text.strip().partition("\n")
    queue_mail(vendor.desk_email, subject.strip(), body.strip() + "\n", kind="ticket_vendor_desk",
               reply_to=desk_address(ticket.id))


def sent_back(ticket: Ticket, actor, note) -> None:
    for u in _wanted(_agents(ticket), NotificationKind.ESCALATION, actor):
        _send(u.email, "sent_back", u.locale, "escalation", user=u, internal=True, ticket=ticket,
              url=ticket_url(ticket), note=note)


def status_changed(ticket: Ticket, actor) -> None:
    _to_requester(ticket, "status_changed", NotificationKind.STATUS_CHANGE, actor)


def reply_to_requester(ticket: Ticket, message, actor) -> None:
    _to_requester(ticket, "reply", NotificationKind.REPLY, actor, message=message)


def reply_from_requester(ticket: Ticket, message, actor) -> None:
    for u in _wanted(_agents(ticket), NotificationKind.REPLY, actor):
        _send(u.email, "reply", u.locale, "reply", user=u, ticket=ticket, url=ticket_url(ticket), message=message)


def vendor_reply(ticket: Ticket, message, actor) -> None:
    # The vendor's messages are internal notes: an answer by mail is one too.
    for u in _wanted(_agents(ticket, Tier.CENTRAL), NotificationKind.REPLY, actor):
        _send(u.email, "reply", u.locale, "reply", user=u, internal=True, ticket=ticket,
              url=ticket_url(ticket), message=message)


def desk_resolved(ticket: Ticket, message) -> None:
    """The vendor's desk wrote that the case is solved: central writes the summary."""
    for u in _wanted(_agents(ticket, Tier.CENTRAL), NotificationKind.STATUS_CHANGE):
        _send(u.email, "desk_resolved", u.locale, "status_change", user=u, internal=True, ticket=ticket,
              url=ticket_url(ticket), message=message)


def breached(ticket: Ticket, kind: str) -> None:
    for u in _wanted(_agents(ticket), NotificationKind.BREACH):
        _send(u.email, "breach", u.locale, "breach", user=u, internal=True, ticket=ticket,
              url=ticket_url(ticket), due_kind=kind)


def guest_verification(guest, token: str) -> None:
    _send(guest.email, "guest_verify", guest.locale, "guest_verify", guest=guest,
          url=_url(f"/help/verify/{token}"))


def guest_follow_link(guest, ticket: Ticket, token: str) -> None:
    _send(guest.email, "guest_follow", guest.locale, "guest_follow", guest=guest, ticket=ticket,
          url=_url(f"/help/follow/{token}"))
