"""The rules of tickets: filing, routing, escalation, replies, statuses and SLA clocks.

Every function takes the `actor` explicitly, checks the permission rule, validates,
changes objects and flushes; the caller (a view, the API, the tick, a test) commits once.
"""
from __future__ import annotations

import os
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from helpdesk import events as signals
from helpdesk import hooks
from helpdesk.access import can, require, scope_of
from helpdesk.auth.models import Role, RoleAssignment, User
from helpdesk.directory.models import (
    Group,
    GroupKind,
    Membership,
    Organisation,
    Person,
    School,
)
from helpdesk.errors import Conflict, NotFound, PermissionDenied, ValidationFailed, validate_all
from helpdesk.extensions import db
from helpdesk.models_base import as_id, utcnow
from helpdesk.text import mask_civic_numbers
from helpdesk.tickets import notifications, sla
from helpdesk.tickets.agents import tier_agents  # noqa: F401 (kept importable from services)
from helpdesk.tickets.models import (
    Attachment,
    AuthorRole,
    EventKind,
    FilingDeflection,
    RequesterRole,
    Ticket,
    TicketCategory,
    TicketCounter,
    TicketEvent,
    TicketMessage,
    TicketStatus,
    Tier,
)
from helpdesk.tickets.policies import (
    is_central_agent,
    is_local_agent,
    is_requester,
    is_vendor_agent,
    works_current_tier,
)

SUBJECT_MAX = 200
BODY_MAX = 10_000
NOTE_MAX = 5_000
ALLOWED_TYPES = {
    ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
    ".pdf": "application/pdf", ".txt": "text/plain", ".csv": "text/csv",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


# ---------------------------------------------------------------- small helpers

def get_ticket(ticket_id: int, actor) -> Ticket:
    """The ticket if the actor may see it; 404 otherwise (never tells that it exists)."""
    ticket = db.session.get(Ticket, ticket_id)
    if ticket is None or not can(actor, "tickets.view", ticket):
        raise NotFound(_l("That question could not be found."))
    return ticket


def _clean_text(value, field: str, *, max_length: int, label, required: bool = True) -> str:
    value = (value or "").strip() if isinstance(value, str) else ""
    if required and not value:
        raise ValidationFailed(_l("Write %(what)s.", what=label), field=field)
    if len(value) > max_length:
        raise ValidationFailed(_l("The text is too long (at most %(n)d characters).", n=max_length),
                               field=field)
    return value


def _parse_enum(enum_cls, value, field: str, message):
    try:
        return enum_cls(value)
    except ValueError:
        raise ValidationFailed(message, field=field) from None


def _name_of(user) -> str:
    return user.display_name if user is not None else "System"


def _role_on(actor, ticket: Ticket) -> AuthorRole:
    if actor is None:
        return AuthorRole.SYSTEM
    scope = scope_of(actor)
    if is_requester(scope, ticket) and not works_current_tier(scope, ticket):
        return AuthorRole.REQUESTER
    if ticket.tier is Tier.VENDOR and is_vendor_agent(scope, ticket):
        return AuthorRole.VENDOR
    if is_central_agent(scope, ticket):
        return AuthorRole.CENTRAL
    if is_local_agent(scope, ticket):
        return AuthorRole.LOCAL
    if is_vendor_agent(scope, ticket):
        return AuthorRole.VENDOR
    return AuthorRole.REQUESTER


def _event(ticket: Ticket, actor, kind: EventKind, *, from_value=None, to_value=None, note=None,
           actor_name: str | None = None) -> TicketEvent:
    event = TicketEvent(ticket=ticket, actor_id=actor.id if actor is not None else None,
                        actor_name=actor_name or _name_of(actor), kind=kind,
                        from_value=getattr(from_value, "value", from_value),
                        to_value=getattr(to_value, "value", to_value), note=note,
                        tier_after=ticket.tier, status_after=ticket.status, created_at=utcnow())
    db.session.add(event)
    if kind is not EventKind.CREATED:  # announced by _route_new, once routed
        _announce(ticket, kind, to_value)
    return event


# The history events that other systems hear of as webhooks (see helpdesk.events.domain_event).
_ANNOUNCED = {EventKind.ESCALATED: "ticket.escalated", EventKind.AUTO_ESCALATED: "ticket.escalated",
              EventKind.PULLED_UP: "ticket.escalated", EventKind.RATED: "ticket.rated"}


def _announce(ticket: Ticket, kind: EventKind, to_value=None) -> None:
    """Tell listeners (webhooks) of a change, in its transaction: ids and states only."""
    if kind is EventKind.STATUS_CHANGED and to_value is TicketStatus.RESOLVED:
        event_type = "ticket.resolved"
    elif kind is EventKind.CREATED:
        event_type = "ticket.created"
    else:
        event_type = _ANNOUNCED.get(kind)
    if event_type is None:
        return
    if ticket.id is None:
        db.session.flush()
    data = {"ticket_id": ticket.id, "number": ticket.number, "school_id": ticket.school_id,
            "tier": ticket.tier.value, "status": ticket.status.value}
    if kind is EventKind.RATED:
        data["rating"] = ticket.rating
    signals.domain_event.send(event_type, organisation_id=ticket.organisation_id, data=data)


def _touch(ticket: Ticket) -> None:
    ticket.updated_at = utcnow()
    db.session.flush()
    signals.content_changed.send("ticket", object_id=ticket.id, deleted=False)


def _mark_response(ticket: Ticket, tier: Tier) -> None:
    attr = f"{tier.value}_responded_at"
    if getattr(ticket, attr) is None:
        setattr(ticket, attr, utcnow())
        setattr(ticket, f"{tier.value}_response_minutes", sla.response_minutes(ticket, tier, getattr(ticket, attr)))


def _mark_resolved(ticket: Ticket) -> None:
    ticket.resolved_at = ticket.resolved_at or utcnow()
    ticket.resolution_minutes = sla.resolution_minutes(ticket, ticket.resolved_at)


def _recompute(ticket: Ticket) -> None:
    db.session.flush()
    sla.recompute(ticket)


def school_has_local_contact(school_id: int) -> bool:
    return bool(db.session.scalar(select(exists().where(
        RoleAssignment.role == Role.LOCAL_ADMIN, RoleAssignment.school_id == school_id,
        RoleAssignment.user_id == User.id, User.enabled))))


# ---------------------------------------------------------------- numbers

def allocate_number(org: Organisation, year: int | None = None) -> str:
    """The next human number, e.g. EXK-2026-00042.

    One atomic UPDATE ... RETURNING bumps the counter row; PostgreSQL locks that row until
    the transaction ends, so two filings at the same instant get different numbers. The
    first ticket of a year inserts the row inside a savepoint; if another transaction beat
    us to it, the insert fails and the UPDATE is tried again.
    """
    year = year or utcnow().year
    for _ in range(3):
        number = db.session.execute(
            update(TicketCounter)
            .where(TicketCounter.organisation_id == org.id, TicketCounter.year == year)
            .values(last_number=TicketCounter.last_number + 1)
            .returning(TicketCounter.last_number)
        ).scalar()
        if number is not None:
            return f"{org.code}-{year}-{number:05d}"
        try:
            with db.session.begin_nested():
                db.session.execute(insert(TicketCounter).values(
                    organisation_id=org.id, year=year, last_number=1))
            return f"{org.code}-{year}-00001"
        except IntegrityError:
            continue
    raise Conflict(_l("A ticket number could not be reserved. Please try again."))


# ---------------------------------------------------------------- filing

@dataclass
class FilingChoices:
    """What the filing form offers: the schools a staff member works at, a guardian's children."""

    schools: list[School]
    children: list[tuple[Person, School | None]]


def school_of_student(student_id: int) -> School | None:
    row = db.session.execute(
        select(School).join(Group, Group.school_id == School.id)
        .join(Membership, Membership.group_id == Group.id)
        .where(Membership.person_id == student_id, Membership.active, Group.archived_at.is_(None))
        .order_by((Group.kind != GroupKind.CLASS), Group.id).limit(1)).scalar()
    return row


def filing_choices(actor) -> FilingChoices:
    scope = scope_of(actor)
    school_ids = set(scope.duty_school_ids) | set(scope.local_school_ids) if scope.is_staff else set()
    schools = list(db.session.scalars(select(School).where(
        School.id.in_(school_ids), School.organisation_id == scope.organisation_id).order_by(School.name))) \
        if school_ids else []
    children = []
    if scope.is_guardian and scope.child_ids:
        for person in db.session.scalars(select(Person).where(Person.id.in_(scope.child_ids))
                                         .order_by(Person.given_name)):
            children.append((person, school_of_student(person.id)))
    return FilingChoices(schools, children)


def _resolve_school(actor, school_id, student_id) -> tuple[School, Person | None, RequesterRole]:
    scope = scope_of(actor)
    choices = filing_choices(actor)
    if student_id is not None:
        if student_id not in scope.child_ids:
            raise ValidationFailed(_l("Choose one of your own children."), field="student_id")
        for person, school in choices.children:
            if person.id == student_id:
                if school is None:
                    raise ValidationFailed(_l("Your child is not placed at a school yet. "
                                              "Contact the school directly."), field="student_id")
                return school, person, RequesterRole.GUARDIAN
    if school_id is not None:
        for school in choices.schools:
            if school.id == school_id:
                return school, None, RequesterRole.STAFF
        raise ValidationFailed(_l("Choose a school you work at."), field="school_id")
    if choices.schools and not choices.children:
        if len(choices.schools) == 1:
            return choices.schools[0], None, RequesterRole.STAFF
        raise ValidationFailed(_l("Choose the school the question is about."), field="school_id")
    if choices.children and not choices.schools:
        placed = [(p, s) for p, s in choices.children if s is not None]
        if len(choices.children) == 1 and placed:
            return placed[0][1], placed[0][0], RequesterRole.GUARDIAN
        raise ValidationFailed(_l("Choose the child the question is about."), field="student_id")
    if choices.schools or choices.children:
        raise ValidationFailed(_l("Choose the school the question is about."), field="school_id")
    raise ValidationFailed(_l("You are not linked to any school, so the question cannot be routed. "
                              "Contact your school."), field="school_id")


def _route_new(ticket: Ticket, actor, school: School, actor_name: str | None = None) -> None:
    """Local first; straight to central when the school has no local contact (said in history)."""
    _event(ticket, actor, EventKind.CREATED, to_value=ticket.tier, actor_name=actor_name)
    if not school_has_local_contact(school.id):
        ticket.tier = Tier.CENTRAL
        # The page explains the reason from the event's kind, in the reader's language.
        _event(ticket, None, EventKind.ROUTED_TO_CENTRAL, from_value=Tier.LOCAL, to_value=Tier.CENTRAL)
    _announce(ticket, EventKind.CREATED)  # after routing: the tier where it landed


def guardian_categories() -> list[TicketCategory]:
    """A guardian's questions: administration and the sync are school staff's business."""
    return [c for c in TicketCategory if c is not TicketCategory.ADMINISTRATION]


def file_ticket(actor, *, subject, body, category, school_id=None, student_id=None,
                shown_article_ids: list[int] | None = None, attachments=()) -> Ticket:
    """A teacher or guardian files a question. Staff choose their school, guardians the child;
    it lands in the school's local queue, or central's when the school has no local contact."""
    require(actor, "tickets.file")
    # Every field is checked, so the form can list all its problems at once.
    category, where, subject, body, files = validate_all(
        lambda: _parse_enum(TicketCategory, category, "category", _l("Choose a category.")),
        lambda: _resolve_school(actor, school_id, student_id),
        lambda: _clean_text(subject, "subject", max_length=SUBJECT_MAX, label=_l("a subject")),
        lambda: _clean_text(body, "body", max_length=BODY_MAX, label=_l("your question")),
        lambda: [_check_upload(f) for f in attachments if f is not None])
    school, student, role = where
    if role is RequesterRole.GUARDIAN and category not in guardian_categories():
        raise ValidationFailed(_l("Choose a category."), field="category")
    masked_subject, changed = mask_civic_numbers(subject)
    org = db.session.get(Organisation, school.organisation_id)
    ticket = Ticket(
        number=allocate_number(org), organisation_id=org.id, school_id=school.id,
        requester_id=actor.id, requester_role=role, requester_name=actor.display_name,
        student_id=student.id if student else None, category=category,
        subject=masked_subject, subject_original=subject if changed else None,
        tier=Tier.LOCAL, status=TicketStatus.NEW, vendor_id=org.vendor_id,
        shown_article_ids=",".join(str(i) for i in shown_article_ids or []) or None,
        created_at=utcnow(),
    )
    db.session.add(ticket)
    _add_message(ticket, actor, body, role=AuthorRole.REQUESTER, files=files)
    _route_new(ticket, actor, school)
    _recompute(ticket)
    _touch(ticket)
    if shown_article_ids:
        db.session.add(FilingDeflection(user_id=actor.id, organisation_id=org.id, category=category,
                                        shown_article_ids=ticket.shown_article_ids, gave_up=False,
                                        ticket_id=ticket.id))
    notifications.new_in_queue(ticket, actor)
    return ticket


def record_deflection(actor, *, category, shown_article_ids: list[int]) -> FilingDeflection:
    """The asker read the suggested articles and did not file: the question was deflected."""
    require(actor, "tickets.file")
    category = _parse_enum(TicketCategory, category, "category", _l("Choose a category."))
    row = FilingDeflection(user_id=actor.id, organisation_id=actor.organisation_id, category=category,
                           shown_article_ids=",".join(str(i) for i in shown_article_ids)[:500], gave_up=True)
    db.session.add(row)
    db.session.flush()
    return row


def filing_deflection(actor, days: int = 30) -> dict | None:
    """Of the questions written with suggested articles in the last `days`, how many were
    not filed because an article answered them, and which articles did most of that.
    None for anyone but the central team."""
    if not can(actor, "tickets.view_deflection"):
        return None
    since = utcnow() - timedelta(days=days)
    mine = (FilingDeflection.organisation_id == actor.organisation_id) & (FilingDeflection.created_at >= since)
    shown = db.session.scalar(select(func.count(FilingDeflection.id)).where(mine)) or 0
    given_up = list(db.session.scalars(select(FilingDeflection.shown_article_ids).where(mine, FilingDeflection.gave_up)))
    # The ids came with the form, so only plausible ones are counted.
    answered = Counter(i for ids in given_up for i in map(as_id, ids.split(",")) if i)
    return {"shown": shown, "gave_up": len(given_up), "articles": answered.most_common(5)}


# ---------------------------------------------------------------- messages and attachments

@dataclass
class Upload:
    filename: str
    data: bytes
    content_type: str


def _check_upload(upload) -> Upload:
    """An upload (a werkzeug FileStorage or an Upload) within the size limit and allow-list."""
    if isinstance(upload, Upload):
        filename, data = upload.filename, upload.data
    else:
        filename = upload.filename or ""
        data = upload.read(current_app.config["TICKET_ATTACHMENT_MAX_BYTES"] + 1)
    filename = os.path.basename(filename.replace("\\", "/")).strip()[:200]
    ext = os.path.splitext(filename)[1].lower()
    if not filename or ext not in ALLOWED_TYPES:
        raise ValidationFailed(_l("Files of that type cannot be attached. Allowed: %(types)s.",
                                  types=", ".join(sorted(t.lstrip(".") for t in ALLOWED_TYPES))),
                               field="attachment")
    limit = current_app.config["TICKET_ATTACHMENT_MAX_BYTES"]
    if len(data) > limit:
        raise ValidationFailed(_l("The file is too large (at most %(mb)d MB).", mb=limit // (1024 * 1024)),
                               field="attachment")
    if not data:
        raise ValidationFailed(_l("The file is empty."), field="attachment")
    return Upload(filename, data, ALLOWED_TYPES[ext])


def _store(ticket: Ticket, message: TicketMessage, upload: Upload) -> Attachment:
    folder = Path(current_app.config["UPLOAD_DIR"]) / "tickets"
    folder.mkdir(parents=True, exist_ok=True)
    storage_name = uuid.uuid4().hex
    (folder / storage_name).write_bytes(upload.data)
    attachment = Attachment(message=message, filename=upload.filename,
                            content_type=upload.content_type, size=len(upload.data),
                            storage_name=storage_name)
    attachment.ticket_id = ticket.id
    ticket.attachment_count = (ticket.attachment_count or 0) + 1
    return attachment


def _add_message(ticket: Ticket, actor, body: str, *, role: AuthorRole, internal=False,
                 shared=False, files=(), author_name: str | None = None) -> TicketMessage:
    masked, changed = mask_civic_numbers(body)
    message = TicketMessage(ticket=ticket, author_id=actor.id if actor is not None else None,
                            author_name=author_name or _name_of(actor), author_role=role,
                            internal=internal, shared_with_vendor=shared, body=masked,
                            body_original=body if changed else None, created_at=utcnow())
    db.session.add(message)
    ticket.message_count = (ticket.message_count or 0) + 1
    if not internal:
        ticket.last_public_role = role
    if shared:
        ticket.last_vendor_role = role
    if files:
        db.session.flush()
        for upload in files:
            db.session.add(_store(ticket, message, upload))
    return message


def add_message(ticket: Ticket, actor, body, *, internal: bool = False, share_with_vendor: bool = False,
                attachments=()) -> TicketMessage:
    """A public reply or an internal note.

    The requester's reply reopens a resolved ticket and ends "waiting for requester". An
    agent's public reply is the tier's first response. A vendor agent's messages are always
    internal and shared with central (its counterpart), never shown to the requester.
    """
    body = _clean_text(body, "body", max_length=BODY_MAX, label=_l("a message"))
    scope = scope_of(actor)
    if ticket.status is TicketStatus.CLOSED:
        raise Conflict(_l("The question is closed. File a new question if you need more help."))
    vendor_side = ticket.tier is Tier.VENDOR and is_vendor_agent(scope, ticket) and not is_central_agent(scope, ticket)
    if vendor_side or (is_vendor_agent(scope, ticket) and not (is_local_agent(scope, ticket) or is_central_agent(scope, ticket))):
        require(actor, "tickets.note", ticket)
        internal, shared = True, True
    elif internal:
        require(actor, "tickets.note", ticket)
        shared = bool(share_with_vendor) and can(actor, "tickets.share_with_vendor", ticket)
    else:
        require(actor, "tickets.reply", ticket)
        shared = False
    files = [_check_upload(f) for f in attachments if f is not None]
    role = _role_on(actor, ticket)
    message = _add_message(ticket, actor, body, role=role, internal=internal, shared=shared, files=files)
    if role is AuthorRole.REQUESTER:
        if ticket.status is TicketStatus.RESOLVED:
            old = ticket.status
            ticket.status = TicketStatus.OPEN
            ticket.resolved_at = ticket.resolution_minutes = None
            _event(ticket, actor, EventKind.REOPENED, from_value=old, to_value=ticket.status)
        elif ticket.status is TicketStatus.WAITING_FOR_REQUESTER:
            old = ticket.status
            ticket.status = TicketStatus.OPEN
            _event(ticket, actor, EventKind.STATUS_CHANGED, from_value=old, to_value=ticket.status)
        _recompute(ticket)
        _touch(ticket)
        notifications.reply_from_requester(ticket, message, actor)
        return message
    if works_current_tier(scope, ticket) and (not internal or role is AuthorRole.VENDOR):
        _mark_response(ticket, ticket.tier)
        if ticket.status in (TicketStatus.NEW, TicketStatus.WAITING_FOR_TIER_ABOVE):
            old = ticket.status
            ticket.status = TicketStatus.OPEN
            _event(ticket, actor, EventKind.STATUS_CHANGED, from_value=old, to_value=ticket.status)
    _recompute(ticket)
    _touch(ticket)
    if not internal:
        notifications.reply_to_requester(ticket, message, actor)
    elif role is AuthorRole.VENDOR:
        notifications.vendor_reply(ticket, message, actor)
    return message


def reveal_original(ticket: Ticket, message_id: int | None, actor) -> str:
    """The text as typed before masking; every reveal is written to the history."""
    require(actor, "tickets.reveal", ticket)
    if message_id is None:
        if ticket.subject_original is None:
            raise NotFound()
        original, what = ticket.subject_original, "subject"
    else:
        message = db.session.get(TicketMessage, message_id)
        if message is None or message.ticket_id != ticket.id or message.body_original is None:
            raise NotFound()
        original, what = message.body_original, f"message {message.id}"
    _event(ticket, actor, EventKind.ORIGINAL_REVEALED, to_value=what)
    # Also in the organisation's audit log: who looked at a masked number is the data
    # controller's business, not only the ticket's.
    from helpdesk.admin.audit import record

    requester = db.session.get(User, ticket.requester_id) if ticket.requester_id else None
    requester_person = requester.person_id if requester is not None else None
    record(actor, "reveal_civic_number", ticket, organisation_id=ticket.organisation_id, label=ticket.number,
           after={"revealed": "subject" if message_id is None else "message"},
           person_id=ticket.student_id or requester_person)
    db.session.flush()
    return original


# ---------------------------------------------------------------- routing

def _note(note) -> str:
    return _clean_text(note, "note", max_length=NOTE_MAX,
                       label=_l("a note saying what has been tried"))


def escalate(ticket: Ticket, actor, note) -> Ticket:
    """Local → central (a local agent, with a required note of what was tried; central may
    pull a local ticket up); central → vendor (central only, with a required note, which is
    shared with the vendor). One transaction: if anything fails, nothing changes."""
    require(actor, "tickets.escalate", ticket)
    note = _note(note)
    scope = scope_of(actor)
    if ticket.tier is Tier.LOCAL:
        if is_central_agent(scope, ticket) and not is_local_agent(scope, ticket):
            return pull_up(ticket, actor, note)
        _mark_response(ticket, Tier.LOCAL)
        old = ticket.tier
        ticket.tier = Tier.CENTRAL
    elif ticket.tier is Tier.CENTRAL:
        org = ticket.organisation
        if org.vendor_id is None:
            raise ValidationFailed(_l("The organisation has no vendor to escalate to."), field="note")
        _mark_response(ticket, Tier.CENTRAL)
        old = ticket.tier
        ticket.tier = Tier.VENDOR
        ticket.vendor_id = org.vendor_id
        ticket.vendor_escalated_at = ticket.vendor_escalated_at or utcnow()
        _add_message(ticket, actor, note, role=AuthorRole.CENTRAL, internal=True, shared=True)
    else:
        raise PermissionDenied()
    ticket.status = TicketStatus.WAITING_FOR_TIER_ABOVE
    ticket.assignee_id, ticket.assignee_name = None, None
    _event(ticket, actor, EventKind.ESCALATED, from_value=old, to_value=ticket.tier, note=note)
    _recompute(ticket)
    _touch(ticket)
    notifications.escalated(ticket, actor, note)
    return ticket


def pull_up(ticket: Ticket, actor, note=None) -> Ticket:
    """Central takes a ticket up from a school's local queue."""
    require(actor, "tickets.pull_up", ticket)
    note = _clean_text(note, "note", max_length=NOTE_MAX, label=_l("a note"), required=False) or None
    ticket.tier = Tier.CENTRAL
    ticket.status = TicketStatus.OPEN
    ticket.assignee_id, ticket.assignee_name = actor.id, actor.display_name
    _mark_response(ticket, Tier.CENTRAL)
    _event(ticket, actor, EventKind.PULLED_UP, from_value=Tier.LOCAL, to_value=Tier.CENTRAL, note=note)
    _recompute(ticket)
    _touch(ticket)
    notifications.status_changed(ticket, actor)
    return ticket


def send_back(ticket: Ticket, actor, note) -> Ticket:
    """Central sends a ticket back down to the school's local contact, or the vendor back to
    central, with a required note."""
    require(actor, "tickets.send_back", ticket)
    note = _clean_text(note, "note", max_length=NOTE_MAX, label=_l("a note for the tier below"))
    old = ticket.tier
    if ticket.tier is Tier.CENTRAL:
        if not school_has_local_contact(ticket.school_id):
            raise ValidationFailed(_l("The school has no local support contact to send the question to."),
                                   field="note")
        _mark_response(ticket, Tier.CENTRAL)
        ticket.tier = Tier.LOCAL
    elif ticket.tier is Tier.VENDOR:
        _mark_response(ticket, Tier.VENDOR)
        ticket.tier = Tier.CENTRAL
        _add_message(ticket, actor, note, role=AuthorRole.VENDOR, internal=True, shared=True)
    ticket.status = TicketStatus.OPEN
    ticket.assignee_id, ticket.assignee_name = None, None
    _event(ticket, actor, EventKind.SENT_BACK, from_value=old, to_value=ticket.tier, note=note)
    _recompute(ticket)
    _touch(ticket)
    notifications.sent_back(ticket, actor, note)
    return ticket


def request_info(ticket: Ticket, actor, note) -> TicketMessage:
    """The vendor asks central for more information (a shared note, and a line in history)."""
    require(actor, "tickets.request_info", ticket)
    note = _clean_text(note, "note", max_length=NOTE_MAX, label=_l("what you need to know"))
    _mark_response(ticket, Tier.VENDOR)
    message = _add_message(ticket, actor, note, role=AuthorRole.VENDOR, internal=True, shared=True)
    _event(ticket, actor, EventKind.INFO_REQUESTED, note=note)
    _recompute(ticket)
    _touch(ticket)
    notifications.vendor_reply(ticket, message, actor)
    return message


def assign(ticket: Ticket, actor, assignee_id: int | None) -> Ticket:
    """Assign to oneself or another agent of the ticket's current tier (None: unassign)."""
    require(actor, "tickets.assign", ticket)
    if assignee_id is None:
        assignee = None
    else:
        assignee = next((u for u in tier_agents(ticket) if u.id == assignee_id), None)
        if assignee is None:
            raise ValidationFailed(_l("Choose someone who works this queue."), field="assignee_id")
    old = ticket.assignee_name
    ticket.assignee_id = assignee.id if assignee else None
    ticket.assignee_name = assignee.display_name if assignee else None
    if ticket.status is TicketStatus.NEW:
        ticket.status = TicketStatus.OPEN
    _event(ticket, actor, EventKind.ASSIGNED, from_value=(old or "")[:64] or None,
           to_value=(ticket.assignee_name or "")[:64] or None)
    _recompute(ticket)
    _touch(ticket)
    return ticket


AGENT_STATUSES = (TicketStatus.OPEN, TicketStatus.WAITING_FOR_REQUESTER, TicketStatus.RESOLVED,
                  TicketStatus.CLOSED)


def status_choices(ticket: Ticket, actor) -> list[TicketStatus]:
    if not can(actor, "tickets.set_status", ticket):
        return []
    if ticket.tier is Tier.VENDOR:
        allowed = [TicketStatus.OPEN, TicketStatus.RESOLVED]
    else:
        allowed = list(AGENT_STATUSES)
    return [s for s in allowed if s is not ticket.status]


def set_status(ticket: Ticket, actor, status, *, note=None, resolution_summary=None) -> Ticket:
    """Open, wait for the requester (pauses the clock), resolve or close.

    Resolving a ticket that went beyond the school asks central or the vendor for a short
    resolution summary, kept for the boards and the knowledge base.
    """
    require(actor, "tickets.set_status", ticket)
    status = _parse_enum(TicketStatus, status, "status", _l("Choose a status."))
    if status is ticket.status:
        # The status select opens on the current status: sent unchanged, say so.
        raise ValidationFailed(_l("The question already has that status. Choose another one."), field="status")
    if status not in status_choices(ticket, actor):
        raise ValidationFailed(_l("The question cannot be moved to that status now."), field="status")
    note = _clean_text(note, "note", max_length=NOTE_MAX, label=_l("a note"), required=False) or None
    if status is TicketStatus.RESOLVED:
        summary = _clean_text(resolution_summary, "resolution_summary", max_length=NOTE_MAX,
                              label=_l("a resolution summary"), required=ticket.was_escalated)
        ticket.resolution_summary = summary or ticket.resolution_summary
        ticket.resolved_at = None
        _mark_resolved(ticket)
    elif status is TicketStatus.CLOSED:
        ticket.closed_at = utcnow()
        if ticket.resolved_at is None:
            _mark_resolved(ticket)
    else:
        ticket.resolved_at = ticket.resolution_minutes = None
    if status in (TicketStatus.WAITING_FOR_REQUESTER, TicketStatus.RESOLVED) and works_current_tier(
            scope_of(actor), ticket):
        _mark_response(ticket, ticket.tier)
    old = ticket.status
    ticket.status = status
    _event(ticket, actor, EventKind.STATUS_CHANGED, from_value=old, to_value=status, note=note)
    _recompute(ticket)
    _touch(ticket)
    notifications.status_changed(ticket, actor)
    return ticket


def update_vendor_case(ticket: Ticket, actor, reference, vendor_status) -> Ticket:
    require(actor, "tickets.vendor_case", ticket)
    reference = _clean_text(reference, "vendor_reference", max_length=64, label=_l("a case reference"),
                            required=False) or None
    vendor_status = _clean_text(vendor_status, "vendor_status", max_length=64, label=_l("a case status"),
                                required=False) or None
    ticket.vendor_reference, ticket.vendor_status = reference, vendor_status
    _event(ticket, actor, EventKind.VENDOR_CASE, to_value=reference, note=vendor_status)
    _touch(ticket)
    return ticket


def link_article(ticket: Ticket, actor, ref) -> Ticket:
    """Name the help article that answers the question (its address or slug), or clear it
    with an empty value. Only an article the agent may read can be named."""
    require(actor, "tickets.link_article", ticket)
    ref = _clean_text(ref, "article", max_length=300, label=_l("an article address"), required=False)
    if not ref:
        ticket.kb_article_id = None
    else:
        find = hooks.get("find_article")
        if find is None:
            raise Conflict(_l("The knowledge base is not installed, so no article can be linked."))
        found = find(actor, ref)
        if found is None:
            raise ValidationFailed(_l("There is no help article you can open at that address."), field="article")
        ticket.kb_article_id = found["id"]
    _event(ticket, actor, EventKind.ARTICLE_LINKED)
    _touch(ticket)
    return ticket


def rate(ticket: Ticket, actor, rating, comment=None) -> Ticket:
    """The requester rates the answer (1-5) once the ticket is resolved."""
    require(actor, "tickets.rate", ticket)
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise ValidationFailed(_l("Choose a rating from 1 to 5."), field="rating")
    comment = _clean_text(comment, "rating_comment", max_length=2000, label=_l("a comment"), required=False)
    ticket.rating, ticket.rating_comment, ticket.rated_at = rating, comment or None, utcnow()
    _event(ticket, actor, EventKind.RATED, to_value=str(rating))
    _touch(ticket)
    return ticket
