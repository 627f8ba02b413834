"""Reading the directory within a user's scope. (Changing it is the admin capability's job.)"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from helpdesk.access import Scope
from helpdesk.directory.models import (
    Duty,
    Group,
    GuardianRelation,
    Membership,
    MembershipRole,
    MentorKind,
    MentorRelation,
    Organisation,
    Person,
    School,
    SchoolPlacement,
)
from helpdesk.errors import NotFound
from helpdesk.extensions import db


def get_or_404(model, ident):
    obj = db.session.get(model, ident)
    if obj is None:
        raise NotFound()
    return obj


def get_in_reach(user, action: str, model, ident):
    """The object if `user` may `action` it; NotFound alike when it is missing and when it is
    outside the user's reach, so the answer tells nobody that it exists."""
    from helpdesk.access import can

    obj = db.session.get(model, ident)
    if obj is None or not can(user, action, obj):
        raise NotFound()
    return obj


def school_ids_of_person(person_id: int) -> set[int]:
    """Schools a person belongs to: where they work, were added by hand, are in a group, or
    have a child."""
    worked = select(Duty.school_id).where(Duty.person_id == person_id, Duty.active)
    placed = select(SchoolPlacement.school_id).where(SchoolPlacement.person_id == person_id,
                                                     SchoolPlacement.active)
    grouped = (
        select(Group.school_id)
        .join(Membership, Membership.group_id == Group.id)
        .where(Membership.person_id == person_id, Membership.active)
    )
    children = select(GuardianRelation.student_id).where(
        GuardianRelation.guardian_id == person_id, GuardianRelation.active
    )
    via_child = (
        select(Group.school_id)
        .join(Membership, Membership.group_id == Group.id)
        .where(Membership.person_id.in_(children), Membership.active)
    )
    return set(db.session.scalars(worked.union(placed, grouped, via_child)))


def group_ids_of_person(person_id: int, *, with_children: bool = True) -> set[int]:
    ids = set(db.session.scalars(
        select(Membership.group_id).where(Membership.person_id == person_id, Membership.active)
    ))
    if with_children:
        children = select(GuardianRelation.student_id).where(
            GuardianRelation.guardian_id == person_id, GuardianRelation.active
        )
        ids |= set(db.session.scalars(
            select(Membership.group_id).where(Membership.person_id.in_(children), Membership.active)
        ))
    return ids


@dataclass
class DirectoryHome:
    organisations: list[Organisation] = field(default_factory=list)
    schools: list[School] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)


def directory_home(scope: Scope) -> DirectoryHome:
    """The entry points of the directory that a user's roles give them."""
    home = DirectoryHome()
    if scope.central_org_ids:
        home.organisations = list(db.session.scalars(
            select(Organisation).where(Organisation.id.in_(scope.central_org_ids))
            .order_by(Organisation.name)
        ))
    if scope.local_school_ids:
        home.schools = list(db.session.scalars(
            select(School).where(School.id.in_(scope.local_school_ids)).order_by(School.name)
        ))
    group_ids = scope.group_admin_ids | scope.taught_group_ids
    if group_ids:
        home.groups = list(db.session.scalars(
            select(Group).where(Group.id.in_(group_ids), Group.active).order_by(Group.name)
        ))
    if scope.person_id:
        people_ids = {scope.person_id} | scope.child_ids
        home.people = list(db.session.scalars(
            select(Person).where(Person.id.in_(people_ids)).order_by(Person.given_name)
        ))
    return home


def school_groups(school: School) -> list[tuple[Group, int]]:
    """The school's active groups with their member counts, in one query."""
    counts = (
        select(Membership.group_id, func.count(Membership.id).label("n"))
        .where(Membership.active)
        .group_by(Membership.group_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Group, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.group_id == Group.id)
        .where(Group.school_id == school.id, Group.active)
        .order_by(Group.kind, Group.name)
    )
    return [(group, n) for group, n in rows]


def school_staff(school: School) -> list[Duty]:
    return list(db.session.scalars(
        select(Duty).options(selectinload(Duty.person))
        .where(Duty.school_id == school.id, Duty.active)
        .join(Person).order_by(Person.family_name, Person.given_name)
    ))


def school_placed(school: School) -> list[SchoolPlacement]:
    """People added by hand at the school who have no duty there (students, guardians)."""
    return list(db.session.scalars(
        select(SchoolPlacement).options(selectinload(SchoolPlacement.person))
        .join(Person, Person.id == SchoolPlacement.person_id)
        .where(SchoolPlacement.school_id == school.id, SchoolPlacement.active, Person.active)
        .order_by(Person.family_name, Person.given_name)
    ))


def group_members(group: Group) -> list[Membership]:
    return list(db.session.scalars(
        select(Membership).options(selectinload(Membership.person))
        .where(Membership.group_id == group.id, Membership.active)
        .join(Person).order_by(Membership.role.desc(), Person.family_name, Person.given_name)
    ))


@dataclass
class PersonRelations:
    guardians: list[GuardianRelation]
    children: list[GuardianRelation]
    memberships: list[Membership]
    taught: list[Membership]
    mentors: list[MentorRelation]
    mentees: list[MentorRelation]
    appraisal_mentors: list[MentorRelation]
    appraisees: list[MentorRelation]
    duties: list[Duty]


def person_relations(person: Person) -> PersonRelations:
    guardian_rel = list(db.session.scalars(
        select(GuardianRelation).options(
            selectinload(GuardianRelation.guardian), selectinload(GuardianRelation.student))
        .where(GuardianRelation.active,
               (GuardianRelation.student_id == person.id)
               | (GuardianRelation.guardian_id == person.id))
    ))
    memberships = list(db.session.scalars(
        select(Membership).options(selectinload(Membership.group))
        .where(Membership.person_id == person.id, Membership.active)
    ))
    mentor_rel = list(db.session.scalars(
        select(MentorRelation).options(
            selectinload(MentorRelation.mentor), selectinload(MentorRelation.mentee))
        .where(MentorRelation.active,
               (MentorRelation.mentor_id == person.id) | (MentorRelation.mentee_id == person.id))
    ))

    def mentor_links(kind, side):
        return [r for r in mentor_rel if r.kind is kind and getattr(r, side) == person.id]

    return PersonRelations(
        guardians=[r for r in guardian_rel if r.student_id == person.id],
        children=[r for r in guardian_rel if r.guardian_id == person.id],
        memberships=[m for m in memberships if m.role is MembershipRole.MEMBER],
        taught=[m for m in memberships if m.role is MembershipRole.TEACHER],
        mentors=mentor_links(MentorKind.STUDENT_MENTOR, "mentee_id"),
        mentees=mentor_links(MentorKind.STUDENT_MENTOR, "mentor_id"),
        appraisal_mentors=mentor_links(MentorKind.APPRAISAL_MENTOR, "mentee_id"),
        appraisees=mentor_links(MentorKind.APPRAISAL_MENTOR, "mentor_id"),
        duties=[d for d in person.duties if d.active],
    )
