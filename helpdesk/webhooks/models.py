"""The webhooks capability's tables: an organisation's hooks and every delivery to them."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from helpdesk.extensions import db
from helpdesk.models_base import UTCDateTime, utcnow


class Webhook(db.Model):
    """An address the organisation's own systems listen on, and the events it wants. The
    secret signs every delivery; it is shown once, when the hook is made."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    url: Mapped[str] = mapped_column(String(500))
    # The chosen event types, e.g. ["ticket.created", "ticket.resolved"].
    events: Mapped[list] = mapped_column(JSON)
    secret: Mapped[str] = mapped_column(String(80))
    active: Mapped[bool] = mapped_column(default=True)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # "failures" (disabled by the delivery job) or "admin" (by a person).
    disabled_reason: Mapped[str | None] = mapped_column(String(32))
    # Deliveries that failed for good in a row; a delivered one starts the count again.
    failure_count: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Deleting keeps the row (and its delivery log) but the hook is gone from every page.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WebhookDelivery(db.Model):
    """One event for one hook: pending until delivered, or failed once every retry is used."""

    id: Mapped[int] = mapped_column(primary_key=True)
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhook.id"), index=True)
    # The same on every retry (the webhook-id header), so the receiver can drop repeats.
    event_id: Mapped[str] = mapped_column(String(40))
    event_type: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict] = mapped_column(JSON)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # pending, delivered or failed
    status: Mapped[str] = mapped_column(String(16), default="pending")
    last_status_code: Mapped[int | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    webhook: Mapped[Webhook] = relationship()

    __table_args__ = (Index("ix_webhook_delivery_due", "status", "next_attempt_at"),)
