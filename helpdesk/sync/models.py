"""Runs of the SS 12000 import, and manual data the sync left pointing at removed things."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from helpdesk.extensions import db
from helpdesk.models_base import UTCDateTime, enum_column, free_text, utcnow


class SyncRunStatus(str, enum.Enum):
    RUNNING = "running"
    OK = "ok"
    FAILED = "failed"
    DRY_RUN = "dry_run"
    # Would deactivate too much: nothing was changed until central confirms it.
    HELD = "held"


class SyncRun(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    source: Mapped[str] = mapped_column(String(500))
    status: Mapped[SyncRunStatus] = enum_column(SyncRunStatus, default=SyncRunStatus.RUNNING)
    # {"person": {"created": n, "updated": n, "deactivated": n}, ...}
    counts: Mapped[dict | None] = mapped_column(JSON)
    warnings: Mapped[list | None] = mapped_column(JSON)
    error: Mapped[str | None] = free_text(Text)
    # The organisations the run touched, so each central team sees only its own runs.
    organisation_ids: Mapped[list | None] = mapped_column(JSON)
    # The plan worked out before anything was written: per organisation, the people and
    # groups created/updated/deactivated and how many were active ([Changes.as_dict(), ...]).
    plan: Mapped[list | None] = mapped_column(JSON)
    # What a held run read (sha256 of the export), so a confirmation applies the same export.
    fingerprint: Mapped[str | None] = mapped_column(String(64))
    full: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SyncFlag(db.Model):
    """Manual data that points at something the sync removed: kept, and shown to central."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("sync_run.id"), index=True)
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[int]
    reason: Mapped[str] = free_text(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
