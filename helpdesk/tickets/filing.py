"""Filing a question: the ticket's number, what the form offers, the school it is routed to,
and the questions that suggested articles answered before they were filed (deflection).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from helpdesk.access import can, require, scope_of
from helpdesk.directory.models import (
    Group,
    GroupKind,
    Membership,
    Organisation,
    Person,
    School,
)
from helpdesk.errors import Conflict, ValidationFailed, validate_all
from helpdesk.extensions import db
from helpdesk.models_base import as_id, utcnow
from helpdesk.text import mask_civic_numbers
from helpdesk.tickets import notifications
from helpdesk.tickets.changes import (
    BODY_MAX,
    SUBJECT_MAX,
    _announce,
    _clean_text,
    _event,
    _parse_enum,
    _recompute,
    _touch,
)
from helpdesk.tickets.messages import _add_message, _check_upload
from helpdesk.tickets.models import (
    AuthorRole,
    EventKind,
    FilingDeflection,
    RequesterRole,
    Ticket,
    TicketCategory,
    TicketCounter,
    TicketStatus,
    Tier,
)
from helpdesk.tickets.routing import school_has_local_contact


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

