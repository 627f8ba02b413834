"""Support-group meetings: planning and rescheduling, invitations (.ics), the agenda from threads
and tickets, and minutes that become a thread."""
from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from helpdesk import hooks
from helpdesk.access import can, require, scope_of
from helpdesk.auth.models import Role, RoleAssignment, User
from helpdesk.boards import tickets_link
from helpdesk.boards.models import (
    AgendaItem,
    AgendaKind,
    Board,
    Meeting,
    MeetingKind,
    MeetingSchool,
    PostRevision,
    Thread,
)
from helpdesk.boards.policies import (
    local_org_ids,
)

# The board rules' own helpers: meetings are part of the board service, split off by size.
from helpdesk.boards.boards import support_board_of
from helpdesk.boards.notifications import _mail, _public_url
from helpdesk.boards.posting import MAX_TITLE, _changed, _clean_body, _clean_title, first_post, start_thread
from helpdesk.boards.services import STOCKHOLM
from helpdesk.directory.models import Organisation, School
from helpdesk.errors import NotFound, PermissionDenied, ValidationFailed
from helpdesk.extensions import db
from helpdesk.models_base import as_id, utcnow
from helpdesk.text import render_markdown


def organisations_for_meetings(actor) -> list[Organisation]:
    scope = scope_of(actor)
    return list(db.session.scalars(select(Organisation).where(
        Organisation.id.in_(scope.central_org_ids)).order_by(Organisation.name)))


def visible_meetings(actor) -> list[Meeting]:
    require(actor, "boards.use")
    scope = scope_of(actor)
    org_ids = set(scope.central_org_ids) | local_org_ids(scope)
    if scope.vendor_id is not None:
        org_ids |= set(db.session.scalars(select(Organisation.id).where(Organisation.vendor_id == scope.vendor_id)))
    meetings = db.session.scalars(select(Meeting).where(Meeting.organisation_id.in_(org_ids))
                                  .order_by(Meeting.starts_at.desc()).limit(200))
    from helpdesk.access import can

    return [m for m in meetings if can(actor, "boards.view_meeting", m)]


def get_meeting(actor, meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, as_id(meeting_id) or 0)
    if meeting is None or not can(actor, "boards.view_meeting", meeting):
        raise NotFound(_l("That meeting does not exist."))
    return meeting


def _checked_meeting(organisation_id: int, title: str, kind, starts_at, duration_minutes, school_ids):
    title = _clean_title(title)
    if not isinstance(kind, MeetingKind):
        raise ValidationFailed(_l("Choose the kind of meeting."), field="kind")
    if starts_at is None or starts_at.tzinfo is None:
        raise ValidationFailed(_l("Give the date and time."), field="starts_at")
    if not isinstance(duration_minutes, int) or not 15 <= duration_minutes <= 480:
        raise ValidationFailed(_l("The length must be between 15 and 480 minutes."), field="duration")
    wanted = {i for i in (as_id(s) for s in school_ids or []) if i}
    valid = set(db.session.scalars(select(School.id).where(School.id.in_(wanted),
                                                           School.organisation_id == organisation_id)))
    if not wanted or valid != wanted or len(wanted) != len(school_ids or []):
        raise ValidationFailed(_l("Invite one or more schools of the organisation."), field="schools")
    return title, sorted(valid)


def plan_meeting(actor, *, organisation_id: int, title: str, kind: MeetingKind, starts_at: datetime | None,
                 duration_minutes: int, location: str = "", school_ids: list[int] | None = None,
                 invite_vendor: bool = False) -> Meeting:
    """Central plans a workshop or a check-in meeting and invites the contacts of chosen schools."""
    require(actor, "boards.plan_meeting")
    if not scope_of(actor).is_central_for(organisation_id):
        raise PermissionDenied()
    title, schools = _checked_meeting(organisation_id, title, kind, starts_at, duration_minutes, school_ids)
    meeting = Meeting(organisation_id=organisation_id, title=title, kind=kind, starts_at=starts_at,
                      duration_minutes=duration_minutes, location=(location or "").strip()[:200],
                      created_by_id=actor.id, uid=f"{uuid.uuid4()}@helpdesk-boards",
                      invitees=[MeetingSchool(school_id=s) for s in schools], invite_vendor=bool(invite_vendor))
    db.session.add(meeting)
    db.session.flush()
    invite(meeting)
    return meeting


def reschedule_meeting(actor, meeting: Meeting, *, title: str, kind: MeetingKind, starts_at: datetime | None,
                       duration_minutes: int, location: str = "", school_ids: list[int] | None = None,
                       invite_vendor: bool | None = None) -> Meeting:
    """Central changes a meeting; the calendar file's SEQUENCE goes up so calendars update the
    event, and the invited contacts are told."""
    require(actor, "boards.edit_meeting", meeting)
    title, schools = _checked_meeting(meeting.organisation_id, title, kind, starts_at, duration_minutes,
                                      school_ids)
    meeting.title, meeting.kind, meeting.starts_at = title, kind, starts_at
    meeting.duration_minutes, meeting.location = duration_minutes, (location or "").strip()[:200]
    current = {i.school_id: i for i in meeting.invitees}
    meeting.invitees = [current.get(s) or MeetingSchool(school_id=s) for s in schools]
    if invite_vendor is not None:
        meeting.invite_vendor = bool(invite_vendor)
    meeting.sequence += 1
    db.session.flush()
    invite(meeting, changed=True)
    return meeting


def invite(meeting: Meeting, *, changed: bool = False) -> None:
    """Mail the invited contacts a link to the meeting and its calendar file."""
    local = meeting.starts_at.astimezone(STOCKHOLM)
    for contact in invitee_contacts(meeting):
        _mail(contact, "meeting", "board_meeting", changed=changed, meeting=meeting, when=local.strftime("%Y-%m-%d %H:%M"),
              url=_public_url(f"/boards/meetings/{meeting.id}"), ics=_public_url(f"/boards/meetings/{meeting.id}.ics"))


def previous_meeting(meeting: Meeting) -> Meeting | None:
    return db.session.scalar(select(Meeting).where(
        Meeting.organisation_id == meeting.organisation_id, Meeting.starts_at < meeting.starts_at,
        Meeting.id != meeting.id).order_by(Meeting.starts_at.desc()).limit(1))


def agenda_since(meeting: Meeting) -> datetime:
    prev = previous_meeting(meeting)
    return prev.starts_at if prev is not None else meeting.starts_at - timedelta(days=30)


def agenda_candidates(actor, meeting: Meeting) -> dict:
    """What can go on the agenda: open or recent threads of the organisation's boards since
    the last meeting, and (with tickets) escalated tickets and the top categories."""
    require(actor, "boards.edit_meeting", meeting)
    since = min(agenda_since(meeting), utcnow() - timedelta(days=7))
    taken = {i.thread_id for i in meeting.agenda if i.thread_id}
    threads = [t for t in db.session.scalars(
        select(Thread).join(Board, Board.id == Thread.board_id)
        .where(Board.organisation_id == meeting.organisation_id,
               or_(Thread.solved.is_(False), Thread.last_activity_at >= since),
               Thread.last_activity_at >= since - timedelta(days=60))
        .order_by(Thread.solved, Thread.last_activity_at.desc()).limit(30)) if t.id not in taken]
    taken_tickets = {i.ticket_id for i in meeting.agenda if i.ticket_id}
    taken_categories = {i.category for i in meeting.agenda if i.category and i.kind is AgendaKind.CATEGORY}
    month = report_month(meeting)
    taken_report = any(i.kind is AgendaKind.REPORT and i.category == month for i in meeting.agenda)
    return {
        "since": since,
        "previous": previous_meeting(meeting),
        "threads": threads,
        "tickets": [t for t in tickets_link.escalated_tickets(meeting.organisation_id, since)
                    if t[0] not in taken_tickets],
        "categories": [c for c in tickets_link.top_categories(meeting.organisation_id, since)
                       if c[0] not in taken_categories],
        # The last whole month's report, when the insight capability offers it to this actor.
        "report_month": None if taken_report or not hooks.get("insight_report_url")(actor, month) else month,
    }


def report_month(meeting: Meeting) -> str:
    """The last whole month before the meeting (YYYY-MM): the one its report covers."""
    first = meeting.starts_at.astimezone(STOCKHOLM).date().replace(day=1)
    return (first - timedelta(days=1)).strftime("%Y-%m")


def report_url(actor, month: str | None) -> str | None:
    return hooks.get("insight_report_url")(actor, month) if month else None


def add_agenda_item(actor, meeting: Meeting, *, kind: str, ref: str | int | None = None,
                    text: str | None = None) -> AgendaItem:
    require(actor, "boards.edit_meeting", meeting)
    position = max((i.position for i in meeting.agenda), default=0) + 1
    if kind == "thread":
        thread = db.session.get(Thread, as_id(str(ref or ""))) if as_id(str(ref or "")) else None
        if thread is None or thread.board.organisation_id != meeting.organisation_id:
            raise ValidationFailed(_l("Choose a thread of the organisation."), field="ref")
        item = AgendaItem(kind=AgendaKind.THREAD, thread_id=thread.id, title=thread.title)
    elif kind == "ticket":
        ticket = tickets_link.get_ticket(as_id(str(ref or ""))) if as_id(str(ref or "")) else None
        if ticket is None or getattr(ticket, "organisation_id", None) != meeting.organisation_id:
            raise ValidationFailed(_l("Choose a ticket of the organisation."), field="ref")
        item = AgendaItem(kind=AgendaKind.TICKET, ticket_id=ticket.id, title=tickets_link.ticket_title(ticket))
    elif kind == "category":
        code = str(ref or "").strip()[:40]
        name = tickets_link.category_label(code)
        if name is None:
            raise ValidationFailed(_l("Choose a category."), field="ref")
        item = AgendaItem(kind=AgendaKind.CATEGORY, category=code, title=name)
    elif kind == "report":
        month = str(ref or "").strip()
        if not re.fullmatch(r"(19|20|21)\d\d-(0[1-9]|1[0-2])", month) or report_url(actor, month) is None:
            raise ValidationFailed(_l("Choose the month of the report."), field="ref")
        item = AgendaItem(kind=AgendaKind.REPORT, category=month,
                          title=str(_l("Monthly report %(month)s", month=month)))
    elif kind == "note":
        text = " ".join((text or "").split())
        if not text:
            raise ValidationFailed(_l("Write the agenda item."), field="text")
        if len(text) > 300:
            raise ValidationFailed(_l("The text is too long (at most %(n)d characters).", n=300), field="text")
        item = AgendaItem(kind=AgendaKind.NOTE, title=text)
    else:
        raise ValidationFailed(_l("Choose what to add."), field="kind")
    item.position = position
    meeting.agenda.append(item)
    db.session.flush()
    return item


def remove_agenda_item(actor, meeting: Meeting, item_id: int) -> None:
    require(actor, "boards.edit_meeting", meeting)
    item = next((i for i in meeting.agenda if i.id == item_id), None)
    if item is None:
        raise NotFound()
    meeting.agenda.remove(item)
    db.session.flush()


def save_minutes(actor, meeting: Meeting, minutes: str) -> Thread:
    """The minutes are kept on the meeting and become (or update) a thread on the support board."""
    require(actor, "boards.edit_meeting", meeting)
    minutes = _clean_body(minutes)
    meeting.minutes = minutes
    thread = db.session.get(Thread, meeting.minutes_thread_id) if meeting.minutes_thread_id else None
    if thread is None:
        board = support_board_of(meeting.organisation_id)
        local = meeting.starts_at.astimezone(STOCKHOLM)
        with force_locale(actor.locale or "sv"):
            title = str(_l("Minutes: %(title)s, %(date)s", title=meeting.title, date=local.strftime("%Y-%m-%d")))
        thread = start_thread(actor, board, title[:MAX_TITLE], minutes)
        meeting.minutes_thread_id = thread.id
    else:
        post = first_post(thread)
        if post is not None and post.body != minutes:
            db.session.add(PostRevision(post_id=post.id, body=post.body,
                                        written_at=post.edited_at or post.created_at, edited_by_id=actor.id))
            post.body, post.body_html, post.edited_at = minutes, render_markdown(minutes), utcnow()
            thread.last_activity_at = utcnow()
            _changed(thread)
    meeting.sequence += 1
    db.session.flush()
    return thread


def invitee_contacts(meeting: Meeting) -> list[User]:
    """The local contacts of the invited schools, and the vendor's agents when invited."""
    invited = RoleAssignment.role == Role.LOCAL_ADMIN
    invited = invited & RoleAssignment.school_id.in_(meeting.school_ids) if meeting.school_ids else None
    vendor_id = meeting.organisation.vendor_id
    if meeting.invite_vendor and vendor_id is not None:
        agents = (RoleAssignment.role == Role.VENDOR_AGENT) & (User.vendor_id == vendor_id)
        invited = agents if invited is None else invited | agents
    if invited is None:
        return []
    return list(db.session.scalars(
        select(User).join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(invited, User.enabled.is_(True)).distinct().order_by(User.email)))
