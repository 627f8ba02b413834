"""The administrative operations. Pages, the API and the CLI all call `perform`, which asks
the SyncGuard, then refuses (Refused), queues an approval request, or carries the change out
and writes the audit log. Services flush, never commit.

Each operation is a Handler with two halves:
- `plan(params)` reads and validates (no writes): which guarded Operation it is, the Target
  for the guard, a snapshot of the target (to tell on approval whether it changed) and a
  one-line summary;
- `apply(actor, params, ctx)` makes the change and audits it.
An approval stores the params and runs the same handler later, so the change is exactly
the one asked for.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import has_request_context
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from helpdesk.admin import audit
from helpdesk.admin.guard import STAFF_GROUP_KINDS, Decision, Operation, Refused, Target, decide
from helpdesk.admin.models import ApprovalRequest, Course, TeachingGroupCourse
from helpdesk.directory import civic
from helpdesk.directory.models import (
    Duty,
    DutyRole,
    Group,
    GroupKind,
    GuardianRelation,
    Membership,
    MembershipRole,
    MentorKind,
    MentorRelation,
    Organisation,
    Person,
    PersonKind,
    School,
)
from helpdesk.directory.services import group_ids_of_person, school_ids_of_person
from helpdesk.errors import NotFound, ValidationFailed
from helpdesk.extensions import db
from helpdesk.models_base import Source, as_id, utcnow


@dataclass
class Plan:
    operation: Operation
    target: Target
    summary: str
    snapshot: dict = field(default_factory=dict)


@dataclass
class Context:
    rule: int | None
    via: str = "direct"
    approval_id: int | None = None

    def audit(self, actor, operation, obj, *, organisation_id, before=None, after=None, label=""):
        return audit.record(actor, operation, obj, organisation_id=organisation_id, before=before,
                            after=after, label=label, rule=self.rule, via=self.via,
                            approval_id=self.approval_id)


@dataclass
class Handler:
    name: str
    plan: Callable[[dict], Plan]
    apply: Callable[[Any, dict, Context], Any]


HANDLERS: dict[str, Handler] = {}


def handler(name: str):
    def register(cls):
        HANDLERS[name] = Handler(name, cls.plan, cls.apply)
        return cls

    return register


@dataclass
class Result:
    decision: Decision
    obj: Any = None
    request: ApprovalRequest | None = None

    @property
    def done(self) -> bool:
        return self.request is None


# ---------------------------------------------------------------- loading and checking


def _get(model, ident, *, field_name: str):
    if not isinstance(ident, int) or isinstance(ident, bool):
        raise ValidationFailed(_l("The field %(name)s has the wrong type.", name=field_name),
                               field=field_name)
    obj = db.session.get(model, as_id(ident) or 0)
    if obj is None:
        raise NotFound(_l("That could not be found."), field=field_name)
    return obj


def _active_person(ident, field_name: str, kind: PersonKind | None = None) -> Person:
    person = _get(Person, ident, field_name=field_name)
    if not person.active:
        raise ValidationFailed(_l("%(name)s is no longer active.", name=person.display_name),
                               field=field_name)
    if kind is not None and person.kind is not kind:
        raise ValidationFailed(_l("%(name)s is not a %(kind)s.", name=person.display_name,
                                  kind=_kind_word(kind)), field=field_name)
    return person


def _kind_word(kind: PersonKind):
    return {PersonKind.STUDENT: _l("student"), PersonKind.STAFF: _l("staff member"),
            PersonKind.GUARDIAN: _l("guardian")}[kind]


def _active_group(ident, field_name: str = "group_id") -> Group:
    group = _get(Group, ident, field_name=field_name)
    if not group.active or group.archived_at is not None:
        raise ValidationFailed(_l("The group %(name)s has been removed.", name=group.name),
                               field=field_name)
    return group


def _text(params: dict, name: str, *, max_length: int, required: bool = True) -> str | None:
    value = params.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationFailed(_l("The field %(name)s is required.", name=name), field=name)
        return None
    if not isinstance(value, str):
        raise ValidationFailed(_l("The field %(name)s has the wrong type.", name=name), field=name)
    value = " ".join(value.split())
    if len(value) > max_length:
        raise ValidationFailed(_l("The field %(name)s is too long (at most %(n)d characters).",
                                  name=name, n=max_length), field=name)
    return value


def _enum(enum_cls, params: dict, name: str, *, required: bool = True, default=None):
    value = params.get(name)
    if value in (None, ""):
        if required and default is None:
            raise ValidationFailed(_l("The field %(name)s is required.", name=name), field=name)
        return default
    try:
        return enum_cls(value)
    except (ValueError, TypeError):
        raise ValidationFailed(_l("The field %(name)s has an unknown value.", name=name),
                               field=name) from None


def _person_target(person: Person, **kw) -> Target:
    return Target(person.organisation, school_ids=school_ids_of_person(person.id),
                  group_ids=group_ids_of_person(person.id, with_children=False), **kw)


def _group_target(group: Group, **kw) -> Target:
    return Target(db.session.get(Organisation, group.organisation_id), school_ids={group.school_id},
                  group_ids={group.id}, kind=group.kind, **kw)


def _snap(obj) -> list:
    """Enough of an object to tell whether it changed between asking and approving."""
    out = [type(obj).__name__, obj.id, bool(getattr(obj, "active", True))]
    for attr in ("name", "source", "mentor_id", "mentee_id", "guardian_id", "student_id"):
        if hasattr(obj, attr):
            v = getattr(obj, attr)
            out.append(getattr(v, "value", v))
    return out


def person_facts(person: Person) -> dict:
    return {"name": person.display_name, "kind": person.kind.value, "source": person.source.value,
            "active": person.active, "civic_no": person.masked_civic_no or None}


def group_facts(group: Group) -> dict:
    return {"name": group.name, "kind": group.kind.value, "source": group.source.value,
            "active": group.active, "school_id": group.school_id}


# ---------------------------------------------------------------- temporary numbers


def temporary_number_taken(organisation_id: int, number: str) -> bool:
    return bool(db.session.scalar(select(func.count(Person.id)).where(
        Person.organisation_id == organisation_id, Person.civic_no == number)))


def next_temporary_number(organisation_id: int, born: date) -> str:
    """The first free YYYYMMDD-TFNN for that birth date within the organisation."""
    prefix = born.strftime("%Y%m%d") + "TF"
    taken = set(db.session.scalars(select(Person.civic_no).where(
        Person.organisation_id == organisation_id, Person.civic_no.like(prefix + "%"))))
    for n in range(1, 100):
        candidate = f"{prefix}{n:02d}"
        if candidate not in taken:
            return candidate
    raise ValidationFailed(_l("Every temporary number for that date is taken."), field="birth_date")


# ---------------------------------------------------------------- people


@handler("create_person")
class CreatePerson:
    """Rules 1, 6 and 8: people arrive through the sync, except those without a personnummer
    (rule 6) and staff outside the register (rule 8), which need central's agreement."""

    @staticmethod
    def plan(params: dict) -> Plan:
        kind = _enum(PersonKind, params, "kind")
        given = _text(params, "given_name", max_length=100)
        family = _text(params, "family_name", max_length=100)
        school = _get(School, params.get("school_id"), field_name="school_id")
        org = school.organisation
        email = _text(params, "email", max_length=254, required=False)
        if email and ("@" not in email or " " in email):
            raise ValidationFailed(_l("Enter a valid e-mail address."), field="email")
        params["email"] = email
        number, temporary = None, False
        raw_civic = _text(params, "civic_no", max_length=20, required=False)
        raw_temp = _text(params, "temporary_id", max_length=20, required=False)
        if raw_temp or (raw_civic and civic.is_temporary(raw_civic)):
            field_name = "temporary_id" if raw_temp else "civic_no"
            try:
                number = civic.normalise(raw_temp or raw_civic)
            except civic.InvalidCivicNumber:
                number = None
            if number is None or not civic.is_temporary(number):
                raise ValidationFailed(_l("A temporary number is written YYYYMMDD-TFNN, with a real date."),
                                       field=field_name)
            temporary = True
        elif raw_civic:
            try:
                number = civic.normalise(raw_civic)
            except civic.InvalidCivicNumber:
                raise ValidationFailed(_l("That is not a valid personal identity number."),
                                       field="civic_no") from None
        elif params.get("birth_date"):
            try:
                born = date.fromisoformat(str(params["birth_date"]))
            except ValueError:
                raise ValidationFailed(_l("Write the date as YYYY-MM-DD."), field="birth_date") from None
            number, temporary = next_temporary_number(org.id, born), True
        else:
            raise ValidationFailed(
                _l("Give a personal identity number, a temporary number, or a birth date to make one."),
                field="civic_no")
        if temporary_number_taken(org.id, number):
            raise ValidationFailed(_l("Somebody in the organisation already has that number."),
                                   field="temporary_id" if temporary else "civic_no")
        params["civic_no"], params["temporary_id"] = (None, number) if temporary else (number, None)
        role = None
        if kind is PersonKind.STAFF:
            role = _enum(DutyRole, params, "role", required=False, default=DutyRole.OTHER_STAFF)
            params["role"] = role.value
            params["role_title"] = _text(params, "role_title", max_length=100, required=False)
            operation = Operation.ADD_STAFF_OUTSIDE_REGISTER
        elif temporary:
            operation = Operation.ADD_PERSON_WITHOUT_CIVIC_NO
        else:
            operation = Operation.CREATE_PERSON
        summary = str(_l("Add %(kind)s %(name)s at %(school)s", kind=_kind_word(kind),
                         name=f"{given} {family}", school=school.name))
        return Plan(operation, Target(org, school_ids={school.id}), summary,
                    snapshot={"school": _snap(school), "number_free": True})

    @staticmethod
    def apply(actor, params: dict, ctx: Context) -> Person:
        school = db.session.get(School, params["school_id"])
        person = Person(organisation_id=school.organisation_id, kind=PersonKind(params["kind"]),
                        given_name=" ".join(params["given_name"].split()),
                        family_name=" ".join(params["family_name"].split()),
                        email=params.get("email"),
                        civic_no=params.get("temporary_id") or params.get("civic_no"),
                        source=Source.MANUAL)
        db.session.add(person)
        db.session.flush()
        after = person_facts(person) | {"school": school.name}
        if person.kind is PersonKind.STAFF:
            duty = Duty(person_id=person.id, school_id=school.id, role=DutyRole(params["role"]),
                        role_title=params.get("role_title"), source=Source.MANUAL)
            db.session.add(duty)
            after |= {"role": params["role"], "role_title": params.get("role_title")}
        db.session.flush()
        ctx.audit(actor, "create_person", person, organisation_id=person.organisation_id,
                  after=after, label=person.display_name)
        return person


@handler("remove_person")
class RemovePerson:
    """Rule 2: people from the sync are removed in the school administrative system. Manual
    people (rules 6 and 8) are marked inactive, never deleted, so history keeps them."""

    @staticmethod
    def plan(params: dict) -> Plan:
        person = _active_person(params.get("person_id"), "person_id")
        summary = str(_l("Remove %(name)s", name=person.display_name))
        return Plan(Operation.REMOVE_PERSON, _person_target(person, source=person.source,
                                                            person_is_staff=person.kind is PersonKind.STAFF), summary,
                    snapshot={"person": _snap(person)})

    @staticmethod
    def apply(actor, params: dict, ctx: Context) -> Person:
        person = db.session.get(Person, params["person_id"])
        before = person_facts(person)
        now = utcnow()
        person.active, person.deactivated_at = False, now
        for model, column in ((Membership, Membership.person_id), (Duty, Duty.person_id)):
            for row in db.session.scalars(select(model).where(column == person.id, model.active,
                                                              model.source == Source.MANUAL)):
                row.active, row.deactivated_at = False, now
        db.session.flush()
        ctx.audit(actor, "remove_person", person, organisation_id=person.organisation_id,
                  before=before, after=person_facts(person), label=person.display_name)
        return person


@handler("remove_guardian_relation")
class RemoveGuardianRelation:
    """Rule 3: guardian relations from the sync are never removed by hand."""

    @staticmethod
    def plan(params: dict) -> Plan:
        rel = _get(GuardianRelation, params.get("relation_id"), field_name="relation_id")
        if not rel.active:
            raise ValidationFailed(_l("That relation has already been removed."), field="relation_id")
        summary = str(_l("Remove %(guardian)s as guardian of %(student)s",
                         guardian=rel.guardian.display_name, student=rel.student.display_name))
        return Plan(Operation.REMOVE_GUARDIAN_RELATION, _person_target(rel.student, source=rel.source),
                    summary, snapshot={"relation": _snap(rel)})

    @staticmethod
    def apply(actor, params: dict, ctx: Context) -> GuardianRelation:
        rel = db.session.get(GuardianRelation, params["relation_id"])
        rel.active, rel.deactivated_at = False, utcnow()
        db.session.flush()
        ctx.audit(actor, "remove_guardian_relation", rel, organisation_id=rel.student.organisation_id,
                  before={"guardian": rel.guardian.display_name, "student": rel.student.display_name,
                          "active": True},
                  after={"active": False}, label=f"{rel.guardian.display_name} → {rel.student.display_name}")
        return rel


# ---------------------------------------------------------------- groups

_CREATE_OP = {GroupKind.STAFF_GROUP: Operation.CREATE_STAFF_GROUP,
              GroupKind.WORK_TEAM: Operation.CREATE_WORK_TEAM,
              GroupKind.EMPLOYEE_GROUP: Operation.CREATE_EMPLOYEE_GROUP}


def _is_staff_group(group: Group) -> bool:
    return group.kind in STAFF_GROUP_KINDS


def _check_group_name(school_id: int, name: str, *, except_id: int | None = None) -> None:
    stmt = select(func.count(Group.id)).where(Group.school_id == school_id, Group.active,
                                              func.lower(Group.name) == name.lower())
    if except_id:
        stmt = stmt.where(Group.id != except_id)
    if db.session.scalar(stmt):
        raise ValidationFailed(_l("The school already has a group with that name."), field="name")


@handler("create_group")
class CreateGroup:
    """Rule 5 for classes and other student groups; rule 9 for staff groups and work teams."""

    @staticmethod
    def plan(params: dict) -> Plan:
        kind = _enum(GroupKind, params, "kind")
        name = _text(params, "name", max_length=200)
        school = _get(School, params.get("school_id"), field_name="school_id")
        _check_group_name(school.id, name)
        summary = str(_l("Create %(kind)s %(name)s at %(school)s", kind=_kind_label(kind), name=name,
                         school=school.name))
        return Plan(_CREATE_OP.get(kind, Operation.CREATE_GROUP),
                    Target(school.organisation, school_ids={school.id}, kind=kind), summary,
                    snapshot={"school": _snap(school)})

    @staticmethod
    def apply(actor, params: dict, ctx: Context) -> Group:
        school = db.session.get(School, params["school_id"])
        group = Group(organisation_id=school.organisation_id, school_id=school.id,
                      name=" ".join(params["name"].split()), kind=GroupKind(params["kind"]),
                      source=Source.MANUAL)
        db.session.add(group)
        db.session.flush()
        ctx.audit(actor, "create_group", group, organisation_id=group.organisation_id,
                  after=group_facts(group), label=group.name)
        return group


def _kind_label(kind: GroupKind) -> str:
    from helpdesk.labels import label

    return label(kind).lower()


@handler("rename_group")
class RenameGroup:
    """Rule 4 refuses renaming a synced group; rule 9 allows renaming staff groups."""

    @staticmethod
    def plan(params: dict) -> Plan:
        group = _active_group(params.get("group_id"))
        name = _text(params, "name", max_length=200)
        _check_group_name(group.school_id, name, except_id=group.id)
        op = Operation.RENAME_STAFF_GROUP if _is_staff_group(group) else Operation.RENAME_GROUP
        summary = str(_l("Rename %(old)s to %(new)s", old=group.name, new=name))
        return Plan(op, _group_target(group, source=group.source), summary,
                    snapshot={"group": _snap(group)})

    @staticmethod
    def apply(actor, params: dict, ctx: Context) -> Group:
        group = db.session.get(Group, params["group_id"])
        before = group_facts(group)
        group.name = " ".join(params["name"].split())
        db.session.flush()
        ctx.audit(actor, "rename_group", group, organisation_id=group.organisation_id, before=before,
                  after=group_facts(group), label=group.name)
        return group


@handler("archive_group")
class ArchiveGroup:
    """Rule 4 refuses removing a synced group. Removing means archiving: history stays."""

    @staticmethod
    def plan(params: dict) -> Plan:
        group = _active_group(params.get("group_id"))
        op = Operation.ARCHIVE_STAFF_GROUP if _is_staff_group(group) else Operation.DELETE_GROUP
        summary = str(_l("Remove the group %(name)s", name=group.name))
        return Plan(op, _group_target(group, source=group.source), summary,
                    snapshot={"group": _snap(group)})

    @staticmethod
    def apply(actor, params: dict, ctx: Context) -> Group:
        group = db.session.get(Group, params["group_id"])
        before = group_facts(group)
        group.archived_at = group.deactivated_at = utcnow()
        group.active = False
        db.session.flush()
        ctx.audit(actor, "archive_group", group, organisation_id=group.organisation_id, before=before,
                  after=group_facts(group), label=group.name)
        return group


def _person_ids(params: dict, name: str = "person_ids") -> list[int]:
    ids = params.get(name)
    if not isinstance(ids, list) or not ids or not all(isinstance(i, int) and not isinstance(i, bool)
                                                        for i in ids):
        raise ValidationFailed(_l("Choose at least one person."), field=name)
    if len(ids) > 500:
        raise ValidationFailed(_l("At most 500 people at a time."), field=name)
    return list(dict.fromkeys(ids))


@handler("add_members")
class AddMembers:
    """Rule 5 for manual classes and groups (rule 4 refuses synced ones); rule 9 for staff groups."""

    @staticmethod
    def plan(params: dict) -> Plan:
        group = _active_group(params.get("group_id"))
        ids = _person_ids(params)
        people = list(db.session.scalars(select(Person).where(Person.id.in_(ids))))
        if len(people) != len(ids):
            raise NotFound(field="person_ids")
        for p in people:
            if p.organisation_id != group.organisation_id or not p.active:
                raise ValidationFailed(_l("%(name)s cannot be added here.", name=p.display_name),
                                       field="person_ids")
            if _is_staff_group(group) and p.kind is not PersonKind.STAFF:
                raise ValidationFailed(_l("Only staff can be in a staff group: %(name)s is not staff.",
                                          name=p.display_name), field="person_ids")
            if p.kind is PersonKind.GUARDIAN:
                raise ValidationFailed(_l("Guardians are not members of groups: %(name)s.",
                                          name=p.display_name), field="person_ids")
        op = Operation.ADD_STAFF_GROUP_MEMBERS if _is_staff_group(group) else Operation.ADD_MEMBERS
        names = ", ".join(p.display_name for p in people[:5]) + ("…" if len(people) > 5 else "")
        summary = str(_l("Add %(names)s to %(group)s", names=names, group=group.name))
        return Plan(op, _group_target(group, source=group.source), summary,
                    snapshot={"group": _snap(group), "people": sorted(_snap(p) for p in people)})

    @staticmethod
    def apply(actor, params: dict, ctx: Context) -> list[Membership]:
        group = db.session.get(Group, params["group_id"])
        current = set(db.session.scalars(select(Membership.person_id).where(
            Membership.group_id == group.id, Membership.active)))
        added = []
        for person in db.session.scalars(select(Person).where(Person.id.in_(params["person_ids"]))):
            if person.id in current:
                continue
            role = (MembershipRole.TEACHER if person.kind is PersonKind.STAFF and not _is_staff_group(group)
                    else MembershipRole.MEMBER)
            m = Membership(person_id=person.id, group_id=group.id, role=role, source=Source.MANUAL)
            db.session.add(m)
            added.append(m)
            db.session.flush()
            ctx.audit(actor, "add_member", m, organisation_id=group.organisation_id,
                      after={"group": group.name, "person": person.display_name, "role": role.value},
                      label=f"{person.display_name} → {group.name}")
        return added


@handler("remove_member")
class RemoveMember:
    """Rule 4 refuses taking someone out of a synced group; rule 5/9 otherwise."""

    @staticmethod
    def plan(params: dict) -> Plan:
        group = _active_group(params.get("group_id"))
        person = _get(Person, params.get("person_id"), field_name="person_id")
        m = db.session.scalar(select(Membership).where(Membership.group_id == group.id,
                                                       Membership.person_id == person.id,
                                                       Membership.active))
        if m is None:
            raise ValidationFailed(_l("%(name)s is not in the group.", name=person.display_name),
                                   field="person_id")
        op = Operation.REMOVE_STAFF_GROUP_MEMBERS if _is_staff_group(group) else Operation.REMOVE_MEMBERS
        source = Source.SYNC if Source.SYNC in (m.source, group.source) else Source.MANUAL
        summary = str(_l("Take %(name)s out of %(group)s", name=person.display_name, group=group.name))
        return Plan(op, _group_target(group, source=source), summary,
                    snapshot={"membership": _snap(m)})

    @staticmethod
    def apply(actor, params: dict, ctx: Context) -> Membership:
        m = db.session.scalar(select(Membership).where(Membership.group_id == params["group_id"],
                                                       Membership.person_id == params["person_id"],
                                                       Membership.active))
        m.active, m.deactivated_at = False, utcnow()
        db.session.flush()
        ctx.audit(actor, "remove_member", m, organisation_id=m.group.organisation_id,
                  before={"group": m.group.name, "person": m.person.display_name, "active": True},
                  after={"active": False}, label=f"{m.person.display_name} → {m.group.name}")
        return m


# ---------------------------------------------------------------- mentors


def _existing_link(kind: MentorKind, mentor_id: int, mentee_id: int) -> MentorRelation | None:
    return db.session.scalar(select(MentorRelation).where(
        MentorRelation.kind == kind, MentorRelation.mentor_id == mentor_id,
        MentorRelation.mentee_id == mentee_id, MentorRelation.active))


@handler("link_student_mentor")
class LinkStudentMentor:
    """Rule 7: linking a student's mentor needs central's agreement."""

    @staticmethod
    def plan(params: dict) -> Plan:
        student = _active_person(params.get("student_id"), "student_id", PersonKind.STUDENT)
        mentor = _active_person(params.get("mentor_id"), "mentor_id", PersonKind.STAFF)
        if mentor.organisation_id != student.organisation_id:
            raise ValidationFailed(_l("The mentor must work in the same organisation."), field="mentor_id")
        if _existing_link(MentorKind.STUDENT_MENTOR, mentor.id, student.id):
            raise ValidationFailed(_l("%(mentor)s is already mentor of %(student)s.",
                                      mentor=mentor.display_name, student=student.display_name),
                                   field="mentor_id")
        summary = str(_l("Link %(mentor)s as mentor of %(student)s", mentor=mentor.display_name,
                         student=student.display_name))
        return Plan(Operation.LINK_STUDENT_MENTOR, _person_target(student), summary,
                    snapshot={"student": _snap(student), "mentor": _snap(mentor)})

    @staticmethod
    def apply(actor, params: dict, ctx: Context) -> MentorRelation:
        rel = MentorRelation(kind=MentorKind.STUDENT_MENTOR, mentor_id=params["mentor_id"],
                             mentee_id=params["student_id"], source=Source.MANUAL)
        db.session.add(rel)
        db.session.flush()
        ctx.audit(actor, "link_student_mentor", rel, organisation_id=rel.mentee.organisation_id,
                  after={"mentor": rel.mentor.display_name, "student": rel.mentee.display_name},
                  label=f"{rel.mentor.display_name} → {rel.mentee.display_name}")
        return rel


@handler("unlink_mentor")
class UnlinkMentor:
    """Rule 7 for a student's mentor (central's agreement); rule 10 for appraisal mentors."""

    @staticmethod
    def plan(params: dict) -> Plan:
        rel = _get(MentorRelation, params.get("relation_id"), field_name="relation_id")
        if not rel.active:
            raise ValidationFailed(_l("That link has already ended."), field="relation_id")
        if rel.kind is MentorKind.STUDENT_MENTOR:
            op = Operation.UNLINK_STUDENT_MENTOR
            summary = str(_l("Unlink %(mentor)s as mentor of %(student)s", mentor=rel.mentor.display_name,
                             student=rel.mentee.display_name))
        else:
            op = Operation.UNLINK_APPRAISAL_MENTOR
            summary = str(_l("Unlink %(mentor)s as appraisal mentor of %(staff)s",
                             mentor=rel.mentor.display_name, staff=rel.mentee.display_name))
        return Plan(op, _person_target(rel.mentee), summary, snapshot={"relation": _snap(rel)})

    @staticmethod
    def apply(actor, params: dict, ctx: Context) -> MentorRelation:
        rel = db.session.get(MentorRelation, params["relation_id"])
        rel.active, rel.deactivated_at = False, utcnow()
        db.session.flush()
        ctx.audit(actor, f"unlink_{rel.kind.value}", rel, organisation_id=rel.mentee.organisation_id,
                  before={"mentor": rel.mentor.display_name, "mentee": rel.mentee.display_name,
                          "active": True},
                  after={"active": False}, label=f"{rel.mentor.display_name} → {rel.mentee.display_name}")
        return rel


def _link_appraisal(actor, staff: Person, mentor: Person, ctx: Context) -> MentorRelation:
    existing = list(db.session.scalars(select(MentorRelation).where(
        MentorRelation.kind == MentorKind.APPRAISAL_MENTOR, MentorRelation.mentee_id == staff.id,
        MentorRelation.active)))
    for rel in existing:
        if rel.mentor_id == mentor.id:
            return rel
    before = {"mentors": [r.mentor.display_name for r in existing]} if existing else None
    now = utcnow()
    for rel in existing:  # one appraisal mentor at a time; the old link stays as history
        rel.active, rel.deactivated_at = False, now
    rel = MentorRelation(kind=MentorKind.APPRAISAL_MENTOR, mentor_id=mentor.id, mentee_id=staff.id,
                         source=Source.MANUAL)
    db.session.add(rel)
    db.session.flush()
    ctx.audit(actor, "link_appraisal_mentor", rel, organisation_id=staff.organisation_id, before=before,
              after={"mentor": mentor.display_name, "staff": staff.display_name},
              label=f"{mentor.display_name} → {staff.display_name}")
    return rel


@handler("link_appraisal_mentor")
class LinkAppraisalMentor:
    """Rule 10: appraisal mentors are always linked by hand."""

    @staticmethod
    def plan(params: dict) -> Plan:
        staff = _active_person(params.get("staff_id"), "staff_id", PersonKind.STAFF)
        mentor = _active_person(params.get("mentor_id"), "mentor_id", PersonKind.STAFF)
        if staff.id == mentor.id:
            raise ValidationFailed(_l("Nobody is their own appraisal mentor."), field="mentor_id")
        if mentor.organisation_id != staff.organisation_id:
            raise ValidationFailed(_l("The mentor must work in the same organisation."), field="mentor_id")
        summary = str(_l("Link %(mentor)s as appraisal mentor of %(staff)s", mentor=mentor.display_name,
                         staff=staff.display_name))
        return Plan(Operation.LINK_APPRAISAL_MENTOR, _person_target(staff), summary,
                    snapshot={"staff": _snap(staff), "mentor": _snap(mentor)})

    @staticmethod
    def apply(actor, params: dict, ctx: Context) -> MentorRelation:
        return _link_appraisal(actor, db.session.get(Person, params["staff_id"]),
                               db.session.get(Person, params["mentor_id"]), ctx)


@handler("assign_team_appraisal_mentor")
class AssignTeamAppraisalMentor:
    """Rule 10, in bulk: every staff member of a work team gets the same appraisal mentor."""

    @staticmethod
    def plan(params: dict) -> Plan:
        group = _active_group(params.get("group_id"))
        if not _is_staff_group(group):
            raise ValidationFailed(_l("Only staff groups and work teams can be assigned at once."),
                                   field="group_id")
        mentor = _active_person(params.get("mentor_id"), "mentor_id", PersonKind.STAFF)
        if mentor.organisation_id != group.organisation_id:
            raise ValidationFailed(_l("The mentor must work in the same organisation."), field="mentor_id")
        summary = str(_l("Link %(mentor)s as appraisal mentor of everybody in %(group)s",
                         mentor=mentor.display_name, group=group.name))
        return Plan(Operation.LINK_APPRAISAL_MENTOR, _group_target(group), summary,
                    snapshot={"group": _snap(group), "mentor": _snap(mentor)})

    @staticmethod
    def apply(actor, params: dict, ctx: Context) -> list[MentorRelation]:
        mentor = db.session.get(Person, params["mentor_id"])
        staff = db.session.scalars(
            select(Person).join(Membership, Membership.person_id == Person.id)
            .where(Membership.group_id == params["group_id"], Membership.active, Person.active,
                   Person.kind == PersonKind.STAFF, Person.id != mentor.id)
            .order_by(Person.family_name, Person.given_name))
        return [_link_appraisal(actor, p, mentor, ctx) for p in staff]


# ---------------------------------------------------------------- courses


@handler("link_course")
class LinkCourse:
    """Linking a teaching group to its course or subject: manual data the sync never touches."""

    @staticmethod
    def plan(params: dict) -> Plan:
        group = _active_group(params.get("group_id"))
        if group.kind is not GroupKind.TEACHING_GROUP:
            raise ValidationFailed(_l("Only teaching groups are linked to a course or subject."),
                                   field="group_id")
        course_id = params.get("course_id")
        if course_id is None:
            summary = str(_l("Unlink %(group)s from its course", group=group.name))
        else:
            course = _get(Course, course_id, field_name="course_id")
            summary = str(_l("Link %(group)s to %(course)s", group=group.name,
                             course=f"{course.code} {course.name_sv}"))
        return Plan(Operation.LINK_TEACHING_GROUP_COURSE, _group_target(group), summary,
                    snapshot={"group": _snap(group)})

    @staticmethod
    def apply(actor, params: dict, ctx: Context) -> TeachingGroupCourse | None:
        group = db.session.get(Group, params["group_id"])
        link = db.session.scalar(select(TeachingGroupCourse).where(TeachingGroupCourse.group_id == group.id))
        before = {"course": link.course.code} if link else None
        if params.get("course_id") is None:
            if link is not None:
                db.session.delete(link)
            link = None
        elif link is None:
            link = TeachingGroupCourse(group_id=group.id, course_id=params["course_id"],
                                       linked_by_id=getattr(actor, "id", None))
            db.session.add(link)
        else:
            link.course_id = params["course_id"]
            link.linked_by_id = getattr(actor, "id", None)
        db.session.flush()
        after = {"course": db.session.get(Course, params["course_id"]).code} if link else None
        ctx.audit(actor, "link_teaching_group_course", group, organisation_id=group.organisation_id,
                  before=before, after=after, label=group.name)
        return link


# ---------------------------------------------------------------- the one entry point


def plan(name: str, params: dict) -> Plan:
    try:
        h = HANDLERS[name]
    except KeyError:
        raise NotFound() from None
    if has_request_context():
        return h.plan(params)
    # From the CLI or a demo step there is no reader: summaries are written in Swedish.
    with force_locale("sv"):
        return h.plan(params)


def perform(actor, name: str, params: dict, *, reason: str | None = None) -> Result:
    """Ask the guard, then refuse, queue for central's approval, or carry the change out.

    Raises Refused for rules 1-4 and PermissionDenied outside the actor's scope.
    """
    params = dict(params)
    p = plan(name, params)
    decision = decide(actor, p.operation, p.target)
    if decision.refused:
        raise Refused(decision.rule, decision.reason)
    if decision.needs_approval:
        from helpdesk.admin.approvals import create_request

        return Result(decision, request=create_request(actor, name, params, p, decision, reason))
    obj = HANDLERS[name].apply(actor, params, Context(rule=decision.rule))
    return Result(decision, obj=obj)


def decision_for(actor, name: str, params: dict) -> Decision | None:
    """What the guard would say, for a page deciding what to offer; None out of scope or invalid."""
    from helpdesk.errors import HelpdeskError

    try:
        p = plan(name, dict(params))
        return decide(actor, p.operation, p.target)
    except HelpdeskError:
        return None


def _preview(actor, operation: Operation, target: Target) -> Decision | None:
    from helpdesk.admin.guard import preview

    return preview(actor, operation, target)


def group_decisions(actor, group: Group) -> dict[str, Decision | None]:
    """What the guard says about each action on a group page, so the page offers only those."""
    staff = _is_staff_group(group)
    t = _group_target(group, source=group.source)
    out = {
        "rename": _preview(actor, Operation.RENAME_STAFF_GROUP if staff else Operation.RENAME_GROUP, t),
        "archive": _preview(actor, Operation.ARCHIVE_STAFF_GROUP if staff else Operation.DELETE_GROUP, t),
        "add_members": _preview(actor, Operation.ADD_STAFF_GROUP_MEMBERS if staff else Operation.ADD_MEMBERS, t),
        "remove_members": _preview(actor, Operation.REMOVE_STAFF_GROUP_MEMBERS if staff
                                   else Operation.REMOVE_MEMBERS, t),
        "login_details": _preview(actor, Operation.HAND_OUT_LOGIN_DETAILS, _group_target(group)),
        "course": (_preview(actor, Operation.LINK_TEACHING_GROUP_COURSE, _group_target(group))
                   if group.kind is GroupKind.TEACHING_GROUP else None),
        "team_mentor": (_preview(actor, Operation.LINK_APPRAISAL_MENTOR, _group_target(group))
                        if staff else None),
    }
    return out


def person_decisions(actor, person: Person) -> dict[str, Decision | None]:
    t = _person_target(person, source=person.source)
    t.person_is_staff = person.kind is PersonKind.STAFF
    out = {"remove": _preview(actor, Operation.REMOVE_PERSON, t) if person.active else None,
           "student_mentor": None, "appraisal_mentor": None}
    if person.kind is PersonKind.STUDENT:
        out["student_mentor"] = _preview(actor, Operation.LINK_STUDENT_MENTOR, _person_target(person))
    if person.kind is PersonKind.STAFF:
        out["appraisal_mentor"] = _preview(actor, Operation.LINK_APPRAISAL_MENTOR, _person_target(person))
    return out


def relation_decision(actor, rel) -> Decision | None:
    if isinstance(rel, GuardianRelation):
        return _preview(actor, Operation.REMOVE_GUARDIAN_RELATION,
                        _person_target(rel.student, source=rel.source))
    op = (Operation.UNLINK_STUDENT_MENTOR if rel.kind is MentorKind.STUDENT_MENTOR
          else Operation.UNLINK_APPRAISAL_MENTOR)
    return _preview(actor, op, _person_target(rel.mentee, source=rel.source))


def school_decisions(actor, school: School) -> dict[str, Decision | None]:
    t = Target(school.organisation, school_ids={school.id})
    return {
        "create_class": _preview(actor, Operation.CREATE_GROUP, t),
        "create_staff_group": _preview(actor, Operation.CREATE_WORK_TEAM, t),
        "create_person": _preview(actor, Operation.CREATE_PERSON, t),
        "add_without_civic": _preview(actor, Operation.ADD_PERSON_WITHOUT_CIVIC_NO, t),
        "add_staff": _preview(actor, Operation.ADD_STAFF_OUTSIDE_REGISTER, t),
    }
