"""Support-group boards: boards, threads, posts and what hangs on them; meetings.

Counters on Thread (post_count, last_post_id, last_activity_at) are kept by the services
so a board page lists threads without counting posts.
"""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint, false as sa_false, text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from helpdesk.auth.models import User
from helpdesk.directory.models import Organisation, School
from helpdesk.extensions import db
from helpdesk.models_base import UTCDateTime, enum_column, free_text, utcnow


class BoardKind(str, enum.Enum):
    SUPPORT_GROUP = "support_group"  # every local and central contact of the organisation
    STAFF = "staff"  # every staff member of the organisation
    SCHOOLS = "schools"  # staff of chosen schools
    VENDOR = "vendor"  # central contacts of every organisation using the vendor, and its agents


class Board(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    # Empty for the vendor board, which belongs to the vendor instead.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendor.id"), index=True)
    name: Mapped[str] = free_text(String(120))
    description: Mapped[str] = free_text(String(500), default="")
    kind: Mapped[BoardKind] = enum_column(BoardKind, index=True)
    # The organisation's default "Supportgruppen" board.
    is_default: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation | None] = relationship()
    schools: Mapped[list[BoardSchool]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    # One default board per organisation and one forum per vendor, even when two requests
    # make them at the same moment.
    __table_args__ = (
        Index("uq_board_default_per_org", "organisation_id", unique=True,
              sqlite_where=text("is_default"), postgresql_where=text("is_default")),
        Index("uq_board_vendor_forum", "vendor_id", unique=True,
              sqlite_where=text("kind = 'vendor'"), postgresql_where=text("kind = 'vendor'")),
    )

    @property
    def school_ids(self) -> set[int]:
        return {s.school_id for s in self.schools}


class BoardSchool(db.Model):
    """A school whose staff see a board of kind SCHOOLS."""

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("board.id"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)

    school: Mapped[School] = relationship()
    __table_args__ = (UniqueConstraint("board_id", "school_id", name="uq_board_school"),)


class Thread(db.Model):
    __tablename__ = "board_thread"

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("board.id"), index=True)
    title: Mapped[str] = free_text(String(200))
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    solved: Mapped[bool] = mapped_column(default=False, index=True)
    # The accepted answer; a plain column (no foreign key) to keep thread and post acyclic.
    accepted_post_id: Mapped[int | None] = mapped_column(Integer)
    pinned: Mapped[bool] = mapped_column(default=False)
    locked: Mapped[bool] = mapped_column(default=False)
    post_count: Mapped[int] = mapped_column(default=0)
    last_post_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # The ticket this thread was started from (tickets capability), when there is one.
    linked_ticket_id: Mapped[int | None] = mapped_column(Integer, index=True)
    # The draft knowledge-base article made from this thread ("promote to FAQ").
    promoted_article_id: Mapped[int | None] = mapped_column(Integer)

    board: Mapped[Board] = relationship()
    author: Mapped[User] = relationship()

    # A board's page in its order (id last, so ties keep one order), with the columns the
    # filters test, so "unanswered" and "solved" and their counts read the index alone: at
    # 50,000 threads the filter walked the table row by row (250 ms for one unanswered).
    __table_args__ = (Index("ix_board_thread_listing", "board_id", "pinned", "last_activity_at", "id",
                            "post_count", "solved"),)

    @property
    def replies(self) -> int:
        return max(self.post_count - 1, 0)


class Post(db.Model):
    __tablename__ = "board_post"

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("board_thread.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    body: Mapped[str] = free_text(Text)
    body_html: Mapped[str] = free_text(Text)
    quoted_post_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden: Mapped[bool] = mapped_column(default=False)
    hidden_reason: Mapped[str | None] = free_text(String(500))
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    thread: Mapped[Thread] = relationship()
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    attachments: Mapped[list[PostAttachment]] = relationship(
        back_populates="post", lazy="selectin", order_by="PostAttachment.id")


class PostAttachment(db.Model):
    """A file on a post. Kept in the database (deferred), so every app server sees it and it
    is never under the web root; served only to those who may see the thread."""

    __tablename__ = "board_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("board_post.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    post: Mapped[Post] = relationship(back_populates="attachments")


class PostRevision(db.Model):
    """The text a post had before an edit; kept so the history can be shown."""

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("board_post.id"), index=True)
    body: Mapped[str] = free_text(Text)
    written_at: Mapped[datetime] = mapped_column(UTCDateTime)
    edited_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Subscription(db.Model):
    """A user follows a board (every new thread) or a thread (every new post)."""

    __tablename__ = "board_subscription"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    board_id: Mapped[int | None] = mapped_column(ForeignKey("board.id"), index=True)
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("board_thread.id"), index=True)
    email: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("user_id", "board_id", name="uq_board_subscription_board"),
        UniqueConstraint("user_id", "thread_id", name="uq_board_subscription_thread"),
    )


class ReadMarker(db.Model):
    """How far a user has read a thread: posts with a higher id are unread."""

    __tablename__ = "board_read_marker"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("board_thread.id"), index=True)
    last_read_post_id: Mapped[int] = mapped_column(default=0)
    read_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("user_id", "thread_id", name="uq_board_read_marker"),)


class Mention(db.Model):
    __tablename__ = "board_mention"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("board_post.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("post_id", "user_id", name="uq_board_mention"),)


class Report(db.Model):
    """Someone reported a post to the moderators."""

    __tablename__ = "board_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("board_post.id"), index=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    reason: Mapped[str] = free_text(String(1000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    post: Mapped[Post] = relationship()
    reporter: Mapped[User] = relationship(foreign_keys=[reporter_id])


class MeetingKind(str, enum.Enum):
    WORKSHOP = "workshop"
    CHECK_IN = "check_in"  # avstämningsmöte


class Meeting(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    title: Mapped[str] = free_text(String(200))
    kind: Mapped[MeetingKind] = enum_column(MeetingKind)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    duration_minutes: Mapped[int] = mapped_column(default=60)
    location: Mapped[str] = free_text(String(200), default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    minutes: Mapped[str | None] = free_text(Text)
    minutes_thread_id: Mapped[int | None] = mapped_column(ForeignKey("board_thread.id"))
    # A stable UID for the .ics file, so calendars update the event instead of adding one.
    uid: Mapped[str] = mapped_column(String(80), unique=True)
    sequence: Mapped[int] = mapped_column(default=0)
    # The organisation's vendor's agents are invited too: they see this meeting, its agenda
    # and its .ics, and nothing else of the organisation.
    invite_vendor: Mapped[bool] = mapped_column(default=False, server_default=sa_false())

    organisation: Mapped[Organisation] = relationship()
    invitees: Mapped[list[MeetingSchool]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    agenda: Mapped[list[AgendaItem]] = relationship(cascade="all, delete-orphan",
                                                    order_by="AgendaItem.position")

    @property
    def school_ids(self) -> set[int]:
        return {i.school_id for i in self.invitees}


class MeetingSchool(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)

    school: Mapped[School] = relationship(lazy="joined")
    __table_args__ = (UniqueConstraint("meeting_id", "school_id", name="uq_meeting_school"),)


class AgendaKind(str, enum.Enum):
    THREAD = "thread"
    TICKET = "ticket"
    CATEGORY = "category"
    NOTE = "note"
    REPORT = "report"  # the insight capability's monthly report; `category` holds the month


class AgendaItem(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[AgendaKind] = enum_column(AgendaKind)
    title: Mapped[str] = free_text(String(300))
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("board_thread.id"), index=True)
    # Ticket ids and category codes belong to the tickets capability: plain values here.
    ticket_id: Mapped[int | None] = mapped_column(Integer)
    category: Mapped[str | None] = mapped_column(String(40))
