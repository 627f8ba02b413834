from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from helpdesk.extensions import db
from helpdesk.models_base import UTCDateTime, free_text, utcnow


class OutboxMail(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = free_text(String(300))
    body: Mapped[str] = free_text(Text)
    # What kind of notification this is (password_reset, ticket_reply, ...), for filtering.
    kind: Mapped[str] = mapped_column(String(40), default="general", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    last_error: Mapped[str | None] = mapped_column(String(500))
    # Where a reply goes: a reply address with a signed token (helpdesk/notify/reply_address.py).
    reply_to: Mapped[str | None] = mapped_column(String(254))
