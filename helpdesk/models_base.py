"""Shared column types and mixins for the models of every capability."""
from __future__ import annotations

import enum
from datetime import datetime, timezone

from sqlalchemy import DateTime, Enum, String, event
from sqlalchemy.orm import Mapped, Mapper, mapped_column
from sqlalchemy.types import TypeDecorator

from helpdesk.text import masked


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def as_id(value) -> int | None:
    """A database id from untrusted input (an int or a string of digits), or None: a number
    too big for an INTEGER column must never reach the database, which would fail on it."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.isdigit() and len(value) < 11:
        value = int(value)
    return value if isinstance(value, int) and 0 < value < 2**31 else None


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite forgets the zone otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def enum_column(enum_cls: type[enum.Enum], **kwargs):
    """Store an enum by its value, as a plain string (no native ENUM types to migrate)."""
    return mapped_column(
        Enum(enum_cls, native_enum=False, values_callable=lambda e: [m.value for m in e],
             validate_strings=True, length=32),
        **kwargs,
    )


class Source(str, enum.Enum):
    """Who owns a directory object: the nightly sync or a person."""

    SYNC = "sync"
    MANUAL = "manual"


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class SyncOwnedMixin:
    """Objects that may come from the SS 12000 sync or be made by hand."""

    source: Mapped[Source] = enum_column(Source, default=Source.MANUAL, index=True)
    external_id: Mapped[str | None] = mapped_column(String(64), index=True)
    active: Mapped[bool] = mapped_column(default=True, index=True)
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


# Free text a person types (subjects, messages, notes, posts, search queries, mail bodies)
# is declared with `free_text(...)`; whatever assigns it (a service, the API, the CLI, the
# sync, a test) gets the civic numbers masked at assignment, so the object in memory, the
# row, the search index built from it and the mail composed from it all hold the masked
# text. One guarantee instead of a call in every service. Core insert()/update() statements
# bypass it: they must pass values through `helpdesk.text.masked` themselves.
MASKED = "masked"


def free_text(type_, **kwargs):
    """A column of free text that never holds a personnummer (see MASKED above)."""
    info = dict(kwargs.pop("info", None) or {}, **{MASKED: True})
    return mapped_column(type_, info=info, **kwargs)


def masked_columns(model) -> list[str]:
    """The attribute names of a model's free-text columns (for the masking migration and tests)."""
    return [attr.key for attr in model.__mapper__.column_attrs
            if any(col.info.get(MASKED) for col in attr.columns)]


def _mask_on_set(target, value, oldvalue, initiator):
    return masked(value) if isinstance(value, str) else value


@event.listens_for(Mapper, "mapper_configured")
def _install_masking(mapper, class_) -> None:
    for key in masked_columns(class_):
        event.listen(getattr(class_, key), "set", _mask_on_set, retval=True)
