"""Manual administration: the audit log, approval requests, activation codes and courses."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from helpdesk.extensions import db
from helpdesk.models_base import UTCDateTime, enum_column, free_text, utcnow


class AuditEntry(db.Model):
    """One administrative change: who, what, on which object, before and after, and why allowed.

    Written by the operations (manual or approved) and by the sync. Never changed afterwards.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    # None when the sync made the change.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    actor_label: Mapped[str] = mapped_column(String(254))
    operation: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[int | None] = mapped_column(index=True)
    object_label: Mapped[str] = mapped_column(String(300), default="")
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    # The autosync rule (1-10, see the README) that allowed the change; None where no rule applies.
    rule: Mapped[int | None]
    # direct, approval, sync
    via: Mapped[str] = mapped_column(String(16), default="direct")
    approval_id: Mapped[int | None] = mapped_column(ForeignKey("approval_request.id"), index=True)
    # The person the entry is about (a member added, a mentor's student, the child on a
    # ticket) and the school it happened at, so the log can be filtered by person and shown
    # to a school's local admins. Plain ids, no foreign keys: an erased person's entries stay.
    person_id: Mapped[int | None] = mapped_column(index=True)
    school_id: Mapped[int | None] = mapped_column(index=True)


class ApprovalStatus(str, enum.Enum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"
    FAILED = "failed"  # approved, but the target had changed, so nothing was done


class ApprovalRequest(db.Model):
    """A rule 5-8 operation asked for by a local or group admin, waiting for the central team."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id"), index=True)
    operation: Mapped[str] = mapped_column(String(64))
    rule: Mapped[int | None]
    params: Mapped[dict] = mapped_column(JSON)
    # What the target looked like when asked, to tell on approval whether it changed.
    snapshot: Mapped[dict | None] = mapped_column(JSON)
    summary: Mapped[str] = mapped_column(String(300))
    reason: Mapped[str] = free_text(Text)
    requester_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    status: Mapped[ApprovalStatus] = enum_column(ApprovalStatus, default=ApprovalStatus.PENDING,
                                                 index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = free_text(Text)

    requester = relationship("User", foreign_keys=[requester_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])


class ActivationCode(db.Model):
    """A single-use code on a login letter; only its SHA-256 is kept."""

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("school_group.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    person = relationship("Person")


class Course(db.Model):
    """A school subject or course from the shipped catalogue (helpdesk/admin/data/courses.csv)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name_sv: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    # GR (compulsory school subject) or GY (upper-secondary course)
    school_type: Mapped[str] = mapped_column(String(8), index=True)
    active: Mapped[bool] = mapped_column(default=True)

    def name(self, locale: str) -> str:
        return self.name_en if locale.startswith("en") else self.name_sv


class TeachingGroupCourse(db.Model):
    """Which course or subject a teaching group studies: manual data the sync never touches."""

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("school_group.id"), unique=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    linked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    course: Mapped[Course] = relationship()
