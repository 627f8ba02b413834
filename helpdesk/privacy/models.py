"""The privacy capability's own tables: retention settings, export requests and erasures."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from helpdesk.extensions import db
from helpdesk.models_base import UTCDateTime, utcnow


class RetentionSettings(db.Model):
    """An organisation's retention rules. `active` is what the job carries out; a change is
    `proposed` first and becomes active only when central confirms it after reading its dry
    run (no bulk change without a plan a person can read first)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), unique=True)
    active: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    proposed: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    proposed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PersonExport(db.Model):
    """A request for a person's data (GDPR art. 15/20) and when it was delivered."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    downloads: Mapped[int] = mapped_column(default=0)


class ErasureRecord(db.Model):
    """One erasure (on request, art. 17, or by the retention job) and its report: what was
    removed, anonymised and kept, and why. Holds no name."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    # None when the retention job erased a person who had left.
    erased_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # request or retention
    cause: Mapped[str] = mapped_column(String(16))
    # The person was synced: their directory entry is erased at the source.
    synced: Mapped[bool] = mapped_column(default=False)
    report: Mapped[list] = mapped_column(JSON)
