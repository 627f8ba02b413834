"""Reads for the administration pages (no changes here)."""
from __future__ import annotations

import csv
import io

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from helpdesk.access import Scope
from helpdesk.directory import services as directory
from helpdesk.directory.models import (
    Duty,
    Group,
    GuardianRelation,
    Membership,
    MentorKind,
    MentorRelation,
    Person,
    PersonKind,
    School,
    SchoolPlacement,
)
from helpdesk.admin.guard import STAFF_GROUP_KINDS
from helpdesk.extensions import db


def schools_in_scope(scope: Scope) -> list[School]:
    stmt = select(School).where(School.active)
    if scope.central_org_ids:
        stmt = stmt.where(School.organisation_id.in_(scope.central_org_ids)
                          | School.id.in_(scope.local_school_ids or {-1}))
    elif scope.local_school_ids:
        stmt = stmt.where(School.id.in_(scope.local_school_ids))
    else:
        return []
    return list(db.session.scalars(stmt.order_by(School.name)))


def admin_groups(scope: Scope) -> list[Group]:
    if not scope.group_admin_ids:
        return []
    return list(db.session.scalars(select(Group).where(Group.id.in_(scope.group_admin_ids), Group.active)
                                   .order_by(Group.name)))


def school_groups(school: School):
    return directory.school_groups(school)


def school_staff(school: School) -> list[Duty]:
    return directory.school_staff(school)


def school_placed(school: School):
    return directory.school_placed(school)


def group_members(group: Group):
    return directory.group_members(group)


def staff_of_schools(school_ids) -> list[Person]:
    if not school_ids:
        return []
    return list(db.session.scalars(
        select(Person).join(Duty, Duty.person_id == Person.id)
        .where(Duty.school_id.in_(school_ids), Duty.active, Person.active)
        .order_by(Person.family_name, Person.given_name).distinct().limit(1000)))


def staff_of_school(school_id: int) -> list[Person]:
    return staff_of_schools({school_id})


def person_school_ids(person: Person) -> set[int]:
    return directory.school_ids_of_person(person.id)


def member_candidates(group: Group) -> list[Person]:
    """Who could join: staff of the school; for student groups also the school's students."""
    current = set(db.session.scalars(select(Membership.person_id).where(
        Membership.group_id == group.id, Membership.active)))
    people = staff_of_school(group.school_id)
    if group.kind not in STAFF_GROUP_KINDS:
        # Students added by hand at the school belong to no group yet, but may join one.
        people += list(db.session.scalars(
            select(Person).join(SchoolPlacement, SchoolPlacement.person_id == Person.id)
            .where(SchoolPlacement.school_id == group.school_id, SchoolPlacement.active, Person.active,
                   Person.kind == PersonKind.STUDENT)
            .order_by(Person.family_name, Person.given_name)))
        people += list(db.session.scalars(
            select(Person).join(Membership, Membership.person_id == Person.id)
            .join(Group, Group.id == Membership.group_id)
            .where(Group.school_id == group.school_id, Group.active, Membership.active, Person.active,
                   Person.kind == PersonKind.STUDENT)
            .order_by(Person.family_name, Person.given_name).distinct().limit(1000)))
    seen, out = set(), []
    for p in people:
        if p.id not in current and p.id not in seen:
            seen.add(p.id)
            out.append(p)
    return out


def guardian_candidates(student: Person) -> list[Person]:
    """Guardians who could be linked to the student: those at the student's schools (added by
    hand there, or guardian of another child there) who are not linked to them already."""
    school_ids = directory.school_ids_of_person(student.id)
    if not school_ids:
        return []
    placed = select(SchoolPlacement.person_id).where(SchoolPlacement.school_id.in_(school_ids),
                                                     SchoolPlacement.active)
    children_there = (select(Membership.person_id).join(Group, Group.id == Membership.group_id)
                      .where(Group.school_id.in_(school_ids), Membership.active))
    parents_there = select(GuardianRelation.guardian_id).where(
        GuardianRelation.student_id.in_(children_there), GuardianRelation.active)
    linked = select(GuardianRelation.guardian_id).where(GuardianRelation.student_id == student.id,
                                                        GuardianRelation.active)
    return list(db.session.scalars(
        select(Person).where(Person.kind == PersonKind.GUARDIAN, Person.active,
                             Person.organisation_id == student.organisation_id,
                             Person.id.in_(placed.union(parents_there)), Person.id.not_in(linked))
        .order_by(Person.family_name, Person.given_name).limit(1000)))


def staff_without_appraisal_mentor(school: School) -> list[Duty]:
    linked = select(MentorRelation.mentee_id).where(MentorRelation.kind == MentorKind.APPRAISAL_MENTOR,
                                                    MentorRelation.active)
    return list(db.session.scalars(
        select(Duty).options(selectinload(Duty.person)).join(Person, Person.id == Duty.person_id)
        .where(Duty.school_id == school.id, Duty.active, Person.active, Person.id.not_in(linked))
        .order_by(Person.family_name, Person.given_name)))


def group_appraisal_mentors(group: Group) -> tuple[list[tuple[Person, int]], int]:
    """The appraisal mentors of the group's staff members, with how many each has, and how many
    staff members the group has: the group page shows the mentor linked to the whole team."""
    staff = select(Person.id).join(Membership, Membership.person_id == Person.id).where(
        Membership.group_id == group.id, Membership.active, Person.active, Person.kind == PersonKind.STAFF)
    counts: dict[int, int] = {}
    mentors: dict[int, Person] = {}
    for rel in db.session.scalars(
            select(MentorRelation).options(selectinload(MentorRelation.mentor))
            .where(MentorRelation.kind == MentorKind.APPRAISAL_MENTOR, MentorRelation.active,
                   MentorRelation.mentee_id.in_(staff))):
        counts[rel.mentor_id] = counts.get(rel.mentor_id, 0) + 1
        mentors[rel.mentor_id] = rel.mentor
    ranked = sorted(mentors.values(), key=lambda p: (-counts[p.id], p.family_name, p.given_name))
    return [(p, counts[p.id]) for p in ranked], len(db.session.scalars(staff).all())


def appraisees(mentor: Person) -> list[MentorRelation]:
    return list(db.session.scalars(
        select(MentorRelation).options(selectinload(MentorRelation.mentee))
        .where(MentorRelation.kind == MentorKind.APPRAISAL_MENTOR, MentorRelation.mentor_id == mentor.id)
        .order_by(MentorRelation.active.desc(), MentorRelation.created_at.desc())))


def appraisal_history(person: Person) -> list[MentorRelation]:
    return list(db.session.scalars(
        select(MentorRelation).options(selectinload(MentorRelation.mentor))
        .where(MentorRelation.kind == MentorKind.APPRAISAL_MENTOR, MentorRelation.mentee_id == person.id)
        .order_by(MentorRelation.created_at.desc(), MentorRelation.id.desc())))


def letters_csv(letters, activate_url: str) -> str:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["given_name", "family_name", "activation_code", "expires", "activate_at", "guardian_of"])
    for letter in letters:
        w.writerow([letter.person.given_name, letter.person.family_name, letter.code,
                    letter.expires_at.date().isoformat(), activate_url,
                    "; ".join(child.display_name for child in letter.children)])
    return out.getvalue()
