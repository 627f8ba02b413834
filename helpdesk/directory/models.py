"""The directory: organisations, schools, groups, people and the relations between them.

Most of it arrives through the nightly SS 12000 sync (`source = sync`); what a person makes
by hand is `source = manual`, and the sync never touches it.
"""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from helpdesk.extensions import db
from helpdesk.models_base import SyncOwnedMixin, TimestampMixin, UTCDateTime, enum_column


class Vendor(db.Model):
    """The company behind the school platform; its agents serve every organisation using it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # "By e-mail": escalations go to the vendor's own help desk at this address, and its
    # answers come back by mail (helpdesk/tickets/vendor_desk.py). None: agents log in.
    desk_email: Mapped[str | None] = mapped_column(String(254))


class Organisation(SyncOwnedMixin, TimestampMixin, db.Model):
    """A municipality (kommun) or an independent school organisation (huvudman)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # Short code used in ticket numbers, e.g. EXK in EXK-2026-00042.
    code: Mapped[str] = mapped_column(String(8), unique=True)
    autosync: Mapped[bool] = mapped_column(default=False)
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendor.id"), index=True)
    # The central team's shared address, told to teachers and guardians ("Where do I turn?").
    support_email: Mapped[str | None] = mapped_column(String(254))
    # An address that takes new questions by mail (helpdesk/mailin); None: closed.
    inbound_email: Mapped[str | None] = mapped_column(String(254), unique=True)

    vendor: Mapped[Vendor | None] = relationship()
    schools: Mapped[list[School]] = relationship(
        back_populates="organisation", order_by="School.name"
    )


class School(SyncOwnedMixin, TimestampMixin, db.Model):
    """A preschool or school unit (skolenhet)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    school_unit_code: Mapped[str | None] = mapped_column(String(16))
    school_types: Mapped[str] = mapped_column(String(64), default="")

    organisation: Mapped[Organisation] = relationship(back_populates="schools")
    groups: Mapped[list[Group]] = relationship(back_populates="school", order_by="Group.name")


class GroupKind(str, enum.Enum):
    CLASS = "class"
    TEACHING_GROUP = "teaching_group"
    STAFF_GROUP = "staff_group"
    WORK_TEAM = "work_team"
    EMPLOYEE_GROUP = "employee_group"
    MENTOR_GROUP = "mentor_group"
    OTHER = "other"


class Group(SyncOwnedMixin, TimestampMixin, db.Model):
    """A class, teaching group or staff group inside a school."""

    __tablename__ = "school_group"  # "group" is an SQL keyword

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[GroupKind] = enum_column(GroupKind, index=True)
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    school: Mapped[School] = relationship(back_populates="groups")
    memberships: Mapped[list[Membership]] = relationship(back_populates="group")


class PersonKind(str, enum.Enum):
    STUDENT = "student"
    STAFF = "staff"
    GUARDIAN = "guardian"


class SecurityMarking(str, enum.Enum):
    """SS 12000 securityMarking; anything but NONE hides address and contact details."""

    NONE = "none"
    CONFIDENTIAL = "confidential"  # Sekretessmarkering
    PROTECTED = "protected"  # Skyddad folkbokföring


class Person(SyncOwnedMixin, TimestampMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    kind: Mapped[PersonKind] = enum_column(PersonKind, index=True)
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(254))
    # Personnummer, samordningsnummer or temporary TF number, 12 characters without
    # separator. Kept because the sync and e-ID login match on it; never shown unmasked.
    civic_no: Mapped[str | None] = mapped_column(String(12))
    security_marking: Mapped[SecurityMarking] = enum_column(
        SecurityMarking, default=SecurityMarking.NONE
    )
    # eduPersonPrincipalName from the sync (SS 12000 eduPersonPrincipalNames), for single sign-on.
    eppn: Mapped[str | None] = mapped_column(String(254), index=True)

    organisation: Mapped[Organisation] = relationship()
    memberships: Mapped[list[Membership]] = relationship(back_populates="person")
    duties: Mapped[list[Duty]] = relationship(back_populates="person")

    __table_args__ = (UniqueConstraint("organisation_id", "civic_no", name="uq_person_org_civic_no"),)

    @property
    def display_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def masked_civic_no(self) -> str:
        from helpdesk.directory.civic import mask

        return mask(self.civic_no)

    @property
    def shows_contact_details(self) -> bool:
        return self.security_marking is SecurityMarking.NONE


class DutyRole(str, enum.Enum):
    """SS 12000 dutyRole, the staff member's role at a school unit."""

    PRINCIPAL = "principal"  # Rektor
    TEACHER = "teacher"  # Lärare
    PRESCHOOL_TEACHER = "preschool_teacher"  # Förskollärare
    SPECIAL_EDUCATOR = "special_educator"  # Speciallärare/specialpedagog
    SCHOOL_ADMINISTRATOR = "school_administrator"  # Skoladministratör
    OTHER_STAFF = "other_staff"  # Annan personal


class Duty(SyncOwnedMixin, TimestampMixin, db.Model):
    """A staff member's employment at a school."""

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    role: Mapped[DutyRole] = enum_column(DutyRole)
    # Free text for manual staff outside the register, e.g. "Kurator" (admin capability).
    role_title: Mapped[str | None] = mapped_column(String(100))

    person: Mapped[Person] = relationship(back_populates="duties")
    school: Mapped[School] = relationship()


class SchoolPlacement(TimestampMixin, db.Model):
    """A person added by hand at a school where no duty ties them (a student or guardian
    without a personnummer): it puts them in that school's lists and in its administrators'
    reach. Only manual administration makes one; the sync never touches them."""

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True, index=True)
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    person: Mapped[Person] = relationship()
    school: Mapped[School] = relationship()


class MembershipRole(str, enum.Enum):
    MEMBER = "member"
    TEACHER = "teacher"


class Membership(SyncOwnedMixin, TimestampMixin, db.Model):
    """A person in a group: a student in a class, a teacher of a group, staff in a work team."""

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("school_group.id"), index=True)
    role: Mapped[MembershipRole] = enum_column(MembershipRole, default=MembershipRole.MEMBER)
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]

    person: Mapped[Person] = relationship(back_populates="memberships")
    group: Mapped[Group] = relationship(back_populates="memberships")


class GuardianRelationType(str, enum.Enum):
    GUARDIAN = "guardian"  # Vårdnadshavare
    OTHER_RESPONSIBLE = "other_responsible"  # Annan ansvarig
    TRUSTEE = "trustee"  # God man
    DESIGNATED = "designated"  # Utsedd behörig


class GuardianRelation(SyncOwnedMixin, TimestampMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    guardian_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    relation_type: Mapped[GuardianRelationType] = enum_column(
        GuardianRelationType, default=GuardianRelationType.GUARDIAN
    )

    guardian: Mapped[Person] = relationship(foreign_keys=[guardian_id])
    student: Mapped[Person] = relationship(foreign_keys=[student_id])


class MentorKind(str, enum.Enum):
    STUDENT_MENTOR = "student_mentor"  # mentor of a student
    APPRAISAL_MENTOR = "appraisal_mentor"  # manager holding a staff member's appraisal talk


class MentorRelation(SyncOwnedMixin, TimestampMixin, db.Model):
    """A mentor linked to a student, or an appraisal mentor linked to a staff member.

    Ended links stay (inactive) so the history of who mentored whom is kept.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[MentorKind] = enum_column(MentorKind, index=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    mentee_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)

    mentor: Mapped[Person] = relationship(foreign_keys=[mentor_id])
    mentee: Mapped[Person] = relationship(foreign_keys=[mentee_id])
