"""Tickets: a question routed local → central → vendor, its conversation and its history.

Names of people are copied onto messages and events when they are written (`author_name`,
`actor_name`), so a ticket page and a queue render without joining accounts and people.
"""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from helpdesk.directory.models import Organisation, School
from helpdesk.extensions import db
from helpdesk.models_base import UTCDateTime, enum_column, free_text, utcnow


# Plain (not str) enums: their members never compare equal to another capability's enum
# value, so their labels cannot clash (TicketCategory.OTHER vs GroupKind.OTHER).
class TicketCategory(enum.Enum):
    LOGIN = "login"
    ADMINISTRATION = "administration"
    USAGE = "usage"
    BUG = "bug"
    FEEDBACK = "feedback"
    OTHER = "other"


class Tier(enum.Enum):
    LOCAL = "local"
    CENTRAL = "central"
    VENDOR = "vendor"


TIER_ORDER = [Tier.LOCAL, Tier.CENTRAL, Tier.VENDOR]


class TicketStatus(enum.Enum):
    NEW = "new"
    OPEN = "open"
    WAITING_FOR_REQUESTER = "waiting_for_requester"
    WAITING_FOR_TIER_ABOVE = "waiting_for_tier_above"
    RESOLVED = "resolved"
    CLOSED = "closed"


ACTIVE_STATUSES = (TicketStatus.NEW, TicketStatus.OPEN, TicketStatus.WAITING_FOR_REQUESTER,
                   TicketStatus.WAITING_FOR_TIER_ABOVE)
DONE_STATUSES = (TicketStatus.RESOLVED, TicketStatus.CLOSED)


class RequesterRole(enum.Enum):
    STAFF = "staff"
    GUARDIAN = "guardian"
    GUEST = "guest"  # a guardian who could not log in, through the public form


class AuthorRole(enum.Enum):
    REQUESTER = "requester"
    LOCAL = "local"
    CENTRAL = "central"
    VENDOR = "vendor"
    SYSTEM = "system"


class EventKind(enum.Enum):
    CREATED = "created"
    ROUTED_TO_CENTRAL = "routed_to_central"  # the school has no local contact
    ASSIGNED = "assigned"
    STATUS_CHANGED = "status_changed"
    ESCALATED = "escalated"
    AUTO_ESCALATED = "auto_escalated"
    PULLED_UP = "pulled_up"
    SENT_BACK = "sent_back"
    REOPENED = "reopened"
    INFO_REQUESTED = "info_requested"
    VENDOR_CASE = "vendor_case"
    RATED = "rated"
    SLA_BREACHED = "sla_breached"
    ORIGINAL_REVEALED = "original_revealed"
    ARTICLE_LINKED = "article_linked"


class TicketCounter(db.Model):
    """The last number handed out per organisation and year; bumped with one atomic UPDATE."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    year: Mapped[int]
    last_number: Mapped[int] = mapped_column(default=0)

    __table_args__ = (UniqueConstraint("organisation_id", "year", name="uq_ticket_counter_org_year"),)


# The columns of the insight indexes (see Ticket.__table_args__), shared with the migration.
_INSIGHT_FILTERS = ("tier", "school_id", "category", "vendor_id", "vendor_escalated_at")
INSIGHT_CREATED = ("organisation_id", "created_at", *_INSIGHT_FILTERS, "central_responded_at",
                   "local_response_minutes", "central_response_minutes", "vendor_response_minutes")
INSIGHT_RESOLVED = ("organisation_id", "resolved_at", *_INSIGHT_FILTERS, "resolution_minutes")
INSIGHT_RATED = ("organisation_id", "rated_at", *_INSIGHT_FILTERS, "rating")
INSIGHT_OPEN = ("status", "organisation_id", "created_at", *_INSIGHT_FILTERS)  # "open now" and its ages


class Ticket(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(24), unique=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    requester_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    requester_role: Mapped[RequesterRole] = enum_column(RequesterRole)
    requester_name: Mapped[str] = mapped_column(String(200))
    # Only for guests (no account): where the magic link and replies go.
    guest_email: Mapped[str | None] = mapped_column(String(254))
    student_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    category: Mapped[TicketCategory] = enum_column(TicketCategory, index=True)
    subject: Mapped[str] = free_text(String(200))
    # The subject as typed, when masking changed it; shown only to agents who reveal it.
    subject_original: Mapped[str | None] = mapped_column(String(200))
    tier: Mapped[Tier] = enum_column(Tier, default=Tier.LOCAL)
    status: Mapped[TicketStatus] = enum_column(TicketStatus, default=TicketStatus.NEW)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    assignee_name: Mapped[str | None] = mapped_column(String(200))
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendor.id"), index=True)
    vendor_escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    vendor_reference: Mapped[str | None] = mapped_column(String(64))
    vendor_status: Mapped[str | None] = free_text(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    message_count: Mapped[int] = mapped_column(default=0)
    # Who wrote the last message the requester sees, and the last one shared with the vendor
    # (kept by the reply service): "the asker answered" on the start page is then one count
    # instead of a look at every open ticket's messages.
    last_public_role: Mapped[AuthorRole | None] = enum_column(AuthorRole, nullable=True)
    last_vendor_role: Mapped[AuthorRole | None] = enum_column(AuthorRole, nullable=True)
    attachment_count: Mapped[int] = mapped_column(default=0)

    # SLA: first response per tier, and the deadlines worked out from the history.
    local_responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    central_responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    vendor_responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    local_response_due: Mapped[datetime | None] = mapped_column(UTCDateTime)
    local_resolution_due: Mapped[datetime | None] = mapped_column(UTCDateTime)
    central_response_due: Mapped[datetime | None] = mapped_column(UTCDateTime)
    central_resolution_due: Mapped[datetime | None] = mapped_column(UTCDateTime)
    vendor_response_due: Mapped[datetime | None] = mapped_column(UTCDateTime)
    vendor_resolution_due: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The running tier's next deadline (None while paused or done): what queues sort by.
    sla_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sla_due_kind: Mapped[str | None] = mapped_column(String(32))
    breach_notified_kind: Mapped[str | None] = mapped_column(String(32))

    # Business minutes (the SLA clock: opening hours, holidays, the organisation's closed
    # days) from reaching a tier to its first response there, and from filing to resolution,
    # recorded when they happen so the insight dashboard takes medians and percentiles in
    # SQL instead of replaying every ticket's history through the calendar in Python.
    local_response_minutes: Mapped[int | None]
    central_response_minutes: Mapped[int | None]
    vendor_response_minutes: Mapped[int | None]
    resolution_minutes: Mapped[int | None]

    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution_summary: Mapped[str | None] = free_text(Text)
    rating: Mapped[int | None]
    rating_comment: Mapped[str | None] = free_text(Text)
    rated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Knowledge-base articles suggested while the question was written (comma-separated ids),
    # and the article an agent links the ticket to later (no foreign key: kb is optional).
    shown_article_ids: Mapped[str | None] = mapped_column(String(500))
    kb_article_id: Mapped[int | None] = mapped_column(index=True)
    # Set when the retention rules or an erasure replaced the requester and the text.
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation] = relationship()
    school: Mapped[School] = relationship()
    messages: Mapped[list[TicketMessage]] = relationship(
        back_populates="ticket", order_by="TicketMessage.id", cascade="all, delete-orphan")
    events: Mapped[list[TicketEvent]] = relationship(
        back_populates="ticket", order_by="TicketEvent.id", cascade="all, delete-orphan")

    __table_args__ = (
        # The queue's pages: one range per status, in the page's order (deadline, then id),
        # so a page by keyset reads only its own rows (views_of_queue.py). The counts come
        # from TicketCount, except "passed deadline", a range on the deadline.
        Index("ix_ticket_queue_org", "organisation_id", "tier", "status", "sla_due_at", "id"),
        Index("ix_ticket_queue_school", "school_id", "tier", "status", "sla_due_at", "id"),
        Index("ix_ticket_queue_vendor", "vendor_id", "tier", "status", "sla_due_at", "id"),
        # The breach warnings' (periodic.py) deadlines not yet warned of. Partial, so that
        # it is no index of deadlines for the whole table: PostgreSQL took such an index for
        # the queue's ranges (walk the deadlines in order, filter for the organisation, tier
        # and status), and read a quarter of a million rows for a range that held none.
        Index("ix_ticket_breach_due", "sla_due_at",
              postgresql_where=text("breach_notified_kind IS DISTINCT FROM sla_due_kind"),
              sqlite_where=text("breach_notified_kind IS NOT sla_due_kind")),
        Index("ix_ticket_status_resolved", "status", "resolved_at"),
        # The insight overview (helpdesk/insight/services.py) reads one organisation's tickets
        # by the day they were filed, resolved or rated; these carry every column those
        # queries read, so they are answered from the index alone, without the wide rows.
        Index("ix_ticket_insight_created", *INSIGHT_CREATED),
        Index("ix_ticket_insight_resolved", *INSIGHT_RESOLVED),
        Index("ix_ticket_insight_rated", *INSIGHT_RATED),
        Index("ix_ticket_insight_open", *INSIGHT_OPEN),
    )

    @property
    def is_done(self) -> bool:
        return self.status in DONE_STATUSES

    @property
    def was_escalated(self) -> bool:
        return self.tier is not Tier.LOCAL or self.central_responded_at is not None

    def response_due(self, tier: Tier) -> datetime | None:
        return getattr(self, f"{tier.value}_response_due")

    def resolution_due(self, tier: Tier) -> datetime | None:
        return getattr(self, f"{tier.value}_resolution_due")

    def responded_at(self, tier: Tier) -> datetime | None:
        return getattr(self, f"{tier.value}_responded_at")


class TicketMessage(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    author_name: Mapped[str] = mapped_column(String(200))
    author_role: Mapped[AuthorRole] = enum_column(AuthorRole)
    # Internal notes are for agents only; the vendor sees only what is shared with it.
    internal: Mapped[bool] = mapped_column(default=False)
    shared_with_vendor: Mapped[bool] = mapped_column(default=False)
    body: Mapped[str] = free_text(Text)
    # The body as typed, when a civic number was masked; revealed to agents, audited.
    body_original: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    ticket: Mapped[Ticket] = relationship(back_populates="messages")
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="message", order_by="Attachment.id", cascade="all, delete-orphan")

    @property
    def was_masked(self) -> bool:
        return self.body_original is not None


class TicketEvent(db.Model):
    """One line of a ticket's history: who, when, from, to and the note.

    `tier_after` and `status_after` snapshot the ticket after the event, so the SLA clocks
    can be recomputed from the history alone.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    actor_name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[EventKind] = enum_column(EventKind)
    from_value: Mapped[str | None] = mapped_column(String(64))
    to_value: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = free_text(Text)
    tier_after: Mapped[Tier] = enum_column(Tier)
    status_after: Mapped[TicketStatus] = enum_column(TicketStatus)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    ticket: Mapped[Ticket] = relationship(back_populates="events")

    # Deadlines passed in a period (the insight overview): by kind and day, not per ticket.
    __table_args__ = (Index("ix_ticket_event_kind_created", "kind", "created_at", "ticket_id", "to_value"),)


class Attachment(db.Model):
    """A file on a message, stored under UPLOAD_DIR (outside the web root) by a random name."""

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id"), index=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("ticket_message.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    storage_name: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    message: Mapped[TicketMessage] = relationship(back_populates="attachments")


class CannedReply(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    language: Mapped[str] = mapped_column(String(5))
    title: Mapped[str] = free_text(String(120))
    body: Mapped[str] = free_text(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class NotificationKind(enum.Enum):
    NEW_TICKET = "new_ticket"
    REPLY = "reply"
    ESCALATION = "escalation"
    STATUS_CHANGE = "status_change"
    BREACH = "breach"


class NotificationPreference(db.Model):
    """A user's choice for one kind of notification; no row means the default (on)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    kind: Mapped[NotificationKind] = enum_column(NotificationKind)
    enabled: Mapped[bool] = mapped_column(default=True)

    __table_args__ = (UniqueConstraint("user_id", "kind", name="uq_notification_preference_user_kind"),)


class SlaTarget(db.Model):
    """An organisation's own targets for one tier, in business hours; tiers without a row
    use the app's TICKET_SLA_HOURS."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    tier: Mapped[Tier] = enum_column(Tier)
    response_hours: Mapped[int]
    resolution_hours: Mapped[int]

    __table_args__ = (UniqueConstraint("organisation_id", "tier", name="uq_sla_target_org_tier"),)


class ClosedDay(db.Model):
    """A day an organisation's support is closed beyond Swedish public holidays."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    day: Mapped[date]
    note: Mapped[str] = free_text(String(200), default="")

    __table_args__ = (UniqueConstraint("organisation_id", "day", name="uq_closed_day_org_day"),)


class GuestRequest(db.Model):
    """A question from the public "I can't log in" form, waiting for its e-mail to be confirmed.

    Only SHA-256 hashes of the tokens are stored: the verification token (single use) and
    the follow token of the magic link sent once the ticket exists.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), index=True)
    body: Mapped[str] = free_text(Text)
    locale: Mapped[str] = mapped_column(String(5), default="sv")
    verify_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    follow_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id"), index=True)
    # What the form was for: "login" (I can't log in) or "accessibility" (a problem reported
    # from the accessibility statement, which goes to the central team).
    purpose: Mapped[str] = mapped_column(String(16), default="login", server_default="login")

    ticket: Mapped[Ticket | None] = relationship()


class FilingDeflection(db.Model):
    """Articles suggested while a question was written, and whether the asker then gave up
    filing (the answer was found) or filed anyway; the dashboard counts deflected questions."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    category: Mapped[TicketCategory] = enum_column(TicketCategory)
    shown_article_ids: Mapped[str] = mapped_column(String(500), default="")
    gave_up: Mapped[bool] = mapped_column(default=False)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TicketCount(db.Model):
    """How many tickets share one queue key: the queue page's counts per status, tab, "mine"
    and "unassigned" are sums over these rows instead of counts over the tickets. Kept in the
    transaction of every change by `helpdesk/tickets/counters.py`; `flask --app helpdesk tickets
    counters rebuild` counts them again from the tickets. No vendor or assignee is stored as 0
    (a NULL would never collide in the unique key). The start page's figures are sums over
    the same rows (glance.py)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int]
    school_id: Mapped[int]
    vendor_id: Mapped[int] = mapped_column(default=0)
    tier: Mapped[Tier] = enum_column(Tier)
    status: Mapped[TicketStatus] = enum_column(TicketStatus)
    assignee_id: Mapped[int] = mapped_column(default=0)
    # The asker wrote the last public message; central the last one shared with the vendor.
    asker_answered: Mapped[bool] = mapped_column(default=False)
    central_answered: Mapped[bool] = mapped_column(default=False)
    n: Mapped[int] = mapped_column(default=0)

    __table_args__ = (
        UniqueConstraint("organisation_id", "tier", "status", "school_id", "vendor_id", "assignee_id",
                         "asker_answered", "central_answered", name="uq_ticket_count_key"),
        Index("ix_ticket_count_school", "school_id", "tier", "status"),
        Index("ix_ticket_count_vendor", "vendor_id", "tier", "status"),
    )


class QueueVersion(db.Model):
    """A number that moves whenever anything a queue page shows may have changed: one row per
    organisation (any change to one of its tickets, in the transaction of the change) and
    row 0 for the directory (schools, people, accounts, roles). The rendered queue pages are
    cached under these numbers (queue_cache.py), so a change is seen by the next request.
    A new row starts at a random number, never at 1: a database emptied and filled again
    (tests, a restore) must not hand out a number an old cached page was kept under."""

    organisation_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(BigInteger, default=0)
