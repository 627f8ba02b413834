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
from helpdesk.notify.services import queue_mail
from helpdesk.tickets.agents import tier_agents
from helpdesk.tickets.models import NotificationKind, NotificationPreference, Ticket, Tier


def _url(path: str) -> str:
    return current_app.config["PUBLIC_URL"].rstrip("/") + path


def ticket_url(ticket: Ticket) -> str:
    return _url(f"/tickets/{ticket.id}")


def _send(to: str, template: str, locale: str | None, kind: str, **context) -> None:
    with force_locale(locale or "sv"):
        text = render_template(f"tickets/mail/{template}.txt", **context)
    subject, _, body = text.strip().partition("\n")
    queue_mail(to, subject.strip(), body.strip() + "\n", kind=f"ticket_{kind}")


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
            _send(u.email, template, u.locale, kind.value, ticket=ticket, url=ticket_url(ticket), **context)
    elif ticket.guest_email:
        # A guest has no settings; the follow link is the one sent when the ticket was made.
        _send(ticket.guest_email, template, "sv", kind.value, ticket=ticket, url=None, **context)


def new_in_queue(ticket: Ticket, actor) -> None:
    for u in _wanted(_agents(ticket), NotificationKind.NEW_TICKET, actor):
        _send(u.email, "new_ticket", u.locale, "new_ticket", ticket=ticket, url=ticket_url(ticket))


def escalated(ticket: Ticket, actor, note) -> None:
    for u in _wanted(_agents(ticket), NotificationKind.ESCALATION, actor):
        _send(u.email, "escalated", u.locale, "escalation", ticket=ticket, url=ticket_url(ticket), note=note)
    _to_requester(ticket, "status_changed", NotificationKind.STATUS_CHANGE, actor)


def sent_back(ticket: Ticket, actor, note) -> None:
    for u in _wanted(_agents(ticket), NotificationKind.ESCALATION, actor):
        _send(u.email, "sent_back", u.locale, "escalation", ticket=ticket, url=ticket_url(ticket), note=note)


def status_changed(ticket: Ticket, actor) -> None:
    _to_requester(ticket, "status_changed", NotificationKind.STATUS_CHANGE, actor)


def reply_to_requester(ticket: Ticket, message, actor) -> None:
    _to_requester(ticket, "reply", NotificationKind.REPLY, actor, message=message)


def reply_from_requester(ticket: Ticket, message, actor) -> None:
    for u in _wanted(_agents(ticket), NotificationKind.REPLY, actor):
        _send(u.email, "reply", u.locale, "reply", ticket=ticket, url=ticket_url(ticket), message=message)


def vendor_reply(ticket: Ticket, message, actor) -> None:
    for u in _wanted(_agents(ticket, Tier.CENTRAL), NotificationKind.REPLY, actor):
        _send(u.email, "reply", u.locale, "reply", ticket=ticket, url=ticket_url(ticket), message=message)


def breached(ticket: Ticket, kind: str) -> None:
    for u in _wanted(_agents(ticket), NotificationKind.BREACH):
        _send(u.email, "breach", u.locale, "breach", ticket=ticket, url=ticket_url(ticket), due_kind=kind)


def guest_verification(guest, token: str) -> None:
    _send(guest.email, "guest_verify", guest.locale, "guest_verify", guest=guest,
          url=_url(f"/help/verify/{token}"))


def guest_follow_link(guest, ticket: Ticket, token: str) -> None:
    _send(guest.email, "guest_follow", guest.locale, "guest_follow", guest=guest, ticket=ticket,
          url=_url(f"/help/follow/{token}"))
