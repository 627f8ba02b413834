"""What the tickets capability holds about a person (questions asked, messages, guest
requests, notification choices), for the privacy capability's export and erasure, and its
retention rules for closed tickets and guest requests."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import delete, event, func, or_, select, update
from sqlalchemy.orm import Session

from helpdesk import events as signals
from helpdesk.extensions import db
from helpdesk.models_base import utcnow
from helpdesk.privacy.registry import (
    ANONYMISED,
    KEPT,
    REMOVED,
    ErasureLine,
    Holding,
    RetentionRule,
)
from helpdesk.tickets.models import (
    AuthorRole,
    FilingDeflection,
    GuestRequest,
    NotificationPreference,
    Ticket,
    TicketEvent,
    TicketMessage,
    TicketStatus,
)

# Stored in place of a name or a text (the data, not the page, so in the portal's language).
ANONYMOUS = "Anonymiserad"
REMOVED_TEXT = "[Borttaget]"


def _when(value) -> str | None:
    return value.isoformat() if value is not None else None


def _requested(person, user_ids: list[int]):
    conds = [Ticket.requester_id.in_(user_ids)] if user_ids else []
    if person.email:
        conds.append(func.lower(Ticket.guest_email) == person.email.lower())
    return or_(*conds) if conds else None


def export(person, user_ids: list[int]) -> dict:
    where = _requested(person, user_ids)
    tickets = list(db.session.scalars(select(Ticket).where(where).order_by(Ticket.id))) if where is not None else []
    guest = []
    if person.email:
        guest = list(db.session.scalars(select(GuestRequest).where(
            func.lower(GuestRequest.email) == person.email.lower())))
    return {
        "tickets": [{
            "number": t.number, "subject": t.subject, "status": t.status.value, "category": t.category.value,
            "school": t.school.name, "created_at": _when(t.created_at), "closed_at": _when(t.closed_at),
            "resolution_summary": t.resolution_summary, "rating": t.rating, "rating_comment": t.rating_comment,
            # What the requester could read: every public message of their question.
            "messages": [{"author": m.author_name, "role": m.author_role.value, "body": m.body,
                          "created_at": _when(m.created_at)} for m in t.messages if not m.internal],
        } for t in tickets],
        # Questions a guardian asked about this person (a student): what they are about.
        "tickets_about_person": [{"number": t.number, "subject": t.subject, "created_at": _when(t.created_at)}
                                 for t in db.session.scalars(select(Ticket).where(Ticket.student_id == person.id)
                                                             .order_by(Ticket.id))],
        "guest_requests": [{"name": g.name, "email": g.email, "body": g.body, "created_at": _when(g.created_at),
                            "verified_at": _when(g.verified_at)} for g in guest],
        "messages_written_elsewhere": db.session.scalar(select(func.count(TicketMessage.id)).where(
            TicketMessage.author_id.in_(user_ids or [-1]),
            ~TicketMessage.ticket_id.in_([t.id for t in tickets] or [-1]))) or 0,
    }


# Files of removed attachments go only once the removal is committed: a rollback keeps both.
_FILES = "privacy_files_to_remove"


@event.listens_for(Session, "after_commit")
def _remove_files(session) -> None:
    if session.in_nested_transaction():  # a savepoint: the real commit is still to come
        return
    for path in session.info.pop(_FILES, []):
        Path(path).unlink(missing_ok=True)


@event.listens_for(Session, "after_rollback")
def _keep_files(session) -> None:
    # Any rollback, a savepoint's too, keeps the files: the safe side.
    session.info.pop(_FILES, None)


def _remove_attachments(ticket: Ticket, message: TicketMessage) -> None:
    folder = Path(current_app.config["UPLOAD_DIR"]) / "tickets"
    db.session.info.setdefault(_FILES, []).extend(str(folder / a.storage_name) for a in message.attachments)
    ticket.attachment_count = max(0, ticket.attachment_count - len(message.attachments))
    message.attachments.clear()


def anonymise_ticket(ticket: Ticket, *, remove_text: bool, requester_messages_only: bool = False) -> None:
    """Replace the requester and drop the text as typed; with `remove_text` the subject and
    the text go too (all of it, or only the requester's own messages)."""
    ticket.requester_name = ANONYMOUS
    ticket.requester_id = None
    ticket.guest_email = None
    ticket.student_id = None
    ticket.subject_original = None
    ticket.rating_comment = None
    if remove_text:
        ticket.subject = REMOVED_TEXT
        if not requester_messages_only:
            ticket.resolution_summary = REMOVED_TEXT if ticket.resolution_summary else None
    for m in ticket.messages:
        m.body_original = None
        if m.author_role is AuthorRole.REQUESTER:
            m.author_name = ANONYMOUS
            m.author_id = None
        if remove_text and (not requester_messages_only or m.author_role is AuthorRole.REQUESTER):
            m.body = REMOVED_TEXT
            _remove_attachments(ticket, m)
    if remove_text and not requester_messages_only:
        for e in ticket.events:
            e.note = None
    ticket.anonymised_at = utcnow()
    signals.content_changed.send("ticket", object_id=ticket.id, deleted=False)


def erase(person, user_ids: list[int], *, dry_run: bool, keep_directory: bool) -> list[ErasureLine]:
    lines: list[ErasureLine] = []
    where = _requested(person, user_ids)
    asked = list(db.session.scalars(select(Ticket).where(where))) if where is not None else []
    if asked:
        lines.append(ErasureLine("tickets", "tickets_asked", ANONYMISED, len(asked)))
        lines.append(ErasureLine("tickets", "support_replies", KEPT, sum(
            1 for t in asked for m in t.messages if m.author_role is not AuthorRole.REQUESTER), "work_record"))
    files = sum(len(m.attachments) for t in asked for m in t.messages if m.author_role is AuthorRole.REQUESTER)
    if files:
        lines.append(ErasureLine("tickets", "attachments", REMOVED, files))
    about = list(db.session.scalars(select(Ticket).where(Ticket.student_id == person.id)))
    if about:
        lines.append(ErasureLine("tickets", "tickets_about_child", KEPT, len(about), "other_requester"))
    ids = user_ids or [-1]
    written = db.session.scalar(select(func.count(TicketMessage.id)).where(
        TicketMessage.author_id.in_(ids), TicketMessage.author_role != AuthorRole.REQUESTER)) or 0
    if written:
        lines.append(ErasureLine("tickets", "replies_written", KEPT, written, "work_record"))
    guests = db.session.scalar(select(func.count(GuestRequest.id)).where(
        func.lower(GuestRequest.email) == (person.email or "").lower())) if person.email else 0
    if guests:
        lines.append(ErasureLine("tickets", "guest_requests", REMOVED, guests))
    prefs = db.session.scalar(select(func.count(NotificationPreference.id)).where(
        NotificationPreference.user_id.in_(ids))) or 0
    if prefs:
        lines.append(ErasureLine("tickets", "notification_choices", REMOVED, prefs))
    if dry_run:
        return lines
    for t in asked:
        anonymise_ticket(t, remove_text=True, requester_messages_only=True)
    for t in about:
        # The question is the guardian's; the child's link goes, the (masked) text stays.
        t.student_id = None
        signals.content_changed.send("ticket", object_id=t.id, deleted=False)
    if user_ids:
        for stmt in (update(TicketMessage).where(TicketMessage.author_id.in_(ids)).values(author_name=ANONYMOUS),
                     update(TicketEvent).where(TicketEvent.actor_id.in_(ids)).values(actor_name=ANONYMOUS),
                     update(Ticket).where(Ticket.assignee_id.in_(ids)).values(assignee_name=ANONYMOUS),
                     update(FilingDeflection).where(FilingDeflection.user_id.in_(ids)).values(user_id=None),
                     delete(NotificationPreference).where(NotificationPreference.user_id.in_(ids))):
            db.session.execute(stmt.execution_options(synchronize_session=False))
    if person.email:
        db.session.execute(delete(GuestRequest).where(func.lower(GuestRequest.email) == person.email.lower())
                           .execution_options(synchronize_session=False))
    return lines


# ---------------------------------------------------------------- retention


def _closed_before(org_id: int, cutoff: datetime):
    return select(Ticket).where(Ticket.organisation_id == org_id, Ticket.status == TicketStatus.CLOSED,
                                Ticket.closed_at < cutoff, Ticket.anonymised_at.is_(None))


def closed_count(org_id: int, cutoff: datetime, settings: dict) -> int:
    return db.session.scalar(select(func.count()).select_from(_closed_before(org_id, cutoff).subquery())) or 0


def closed_examples(org_id: int, cutoff: datetime, settings: dict, limit: int) -> list[str]:
    # Ticket numbers and dates only: nothing that names anyone.
    return [f"{t.number} ({t.closed_at:%Y-%m-%d})" for t in db.session.scalars(
        _closed_before(org_id, cutoff).order_by(Ticket.closed_at).limit(limit))]


def closed_apply(org_id: int, cutoff: datetime, settings: dict) -> int:
    n = 0
    for t in db.session.scalars(_closed_before(org_id, cutoff).order_by(Ticket.id)).all():
        anonymise_ticket(t, remove_text=settings.get("ticket_text") == "remove")
        n += 1
    db.session.flush()
    return n


def _old_guest_requests(org_id: int, cutoff: datetime):
    done = select(Ticket.id).where(Ticket.status == TicketStatus.CLOSED)
    return select(GuestRequest.id).where(GuestRequest.organisation_id == org_id, GuestRequest.created_at < cutoff,
                                         or_(GuestRequest.ticket_id.is_(None), GuestRequest.ticket_id.in_(done)))


def _guest_addresses(org_id: int, cutoff: datetime):
    return select(Ticket.id).where(Ticket.organisation_id == org_id, Ticket.guest_email.is_not(None),
                                   Ticket.status == TicketStatus.CLOSED, Ticket.closed_at < cutoff)


def guest_count(org_id: int, cutoff: datetime, settings: dict) -> int:
    return sum(db.session.scalar(select(func.count()).select_from(q.subquery())) or 0
               for q in (_old_guest_requests(org_id, cutoff), _guest_addresses(org_id, cutoff)))


def guest_apply(org_id: int, cutoff: datetime, settings: dict) -> int:
    n = guest_count(org_id, cutoff, settings)
    db.session.execute(update(Ticket).where(Ticket.id.in_(_guest_addresses(org_id, cutoff)))
                       .values(guest_email=None).execution_options(synchronize_session=False))
    db.session.execute(delete(GuestRequest).where(GuestRequest.id.in_(_old_guest_requests(org_id, cutoff)))
                       .execution_options(synchronize_session=False))
    return n


def register() -> None:
    from helpdesk.privacy import registry

    registry.register_holding(Holding("tickets", export, erase, order=30))
    registry.register_retention_rule(RetentionRule("closed_ticket_days", closed_count, closed_apply,
                                                   closed_examples))
    registry.register_retention_rule(RetentionRule("guest_request_days", guest_count, guest_apply))
