"""Every mail the reader took in, once per Message-ID: what became of it and why.

The same table is the idempotency key (a mail fetched twice is one row), the quarantine
(refused mail with the reason), the bounce log and the per-sender rate count.
"""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from helpdesk.extensions import db
from helpdesk.models_base import UTCDateTime, enum_column, free_text, utcnow


class Outcome(enum.Enum):
    ACCEPTED = "accepted"        # became a message or a ticket
    ANSWERED = "answered"        # an unknown sender was told where to turn; nothing created
    QUARANTINED = "quarantined"  # refused, with the reason
    IGNORED = "ignored"          # automatic mail (loop guard): dropped without an answer
    BOUNCE = "bounce"            # a delivery report about mail we sent


class InboundMail(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    # The Message-ID, or a hash of the raw mail when it has none.
    message_key: Mapped[str] = mapped_column(String(255), unique=True)
    sender: Mapped[str] = mapped_column(String(254), default="")
    # Masked like any other text: a personnummer in a subject is not kept as typed.
    subject: Mapped[str] = free_text(String(300), default="")
    size: Mapped[int] = mapped_column(default=0)
    outcome: Mapped[Outcome] = enum_column(Outcome)
    # A short code (mailin/reasons.py has its words) and a detail for the operator.
    reason: Mapped[str | None] = mapped_column(String(40))
    detail: Mapped[str | None] = free_text(String(500))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        Index("ix_inbound_mail_sender_time", "sender", "received_at"),
        Index("ix_inbound_mail_org_outcome", "organisation_id", "outcome", "received_at"),
    )
