"""Groups and who is in them: classes and student groups (rules 4 and 5), staff groups and
work teams (rule 9)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from helpdesk.admin.guard import Operation, Target
from helpdesk.admin.operations.base import (
    Context,
    Plan,
    active_group,
    enum_value,
    get,
    group_facts,
    group_target,
    handler,
    is_staff_group,
    snap,
    text,
)
from helpdesk.admin.reach import Ref
from helpdesk.directory.models import Group, GroupKind, Membership, MembershipRole, Person, PersonKind, School
from helpdesk.errors import NotFound, ValidationFailed
from helpdesk.extensions import db
from helpdesk.models_base import Source, utcnow

_CREATE_OP = {GroupKind.STAFF_GROUP: Operation.CREATE_STAFF_GROUP,
              GroupKind.WORK_TEAM: Operation.CREATE_WORK_TEAM,
              GroupKind.EMPLOYEE_GROUP: Operation.CREATE_EMPLOYEE_GROUP}


def _check_group_name(school_id: int, name: str, *, except_id: int | None = None) -> None:
    stmt = select(func.count(Group.id)).where(Group.school_id == school_id, Group.active,
                                              func.lower(Group.name) == name.lower())
    if except_id:
        stmt = stmt.where(Group.id != except_id)
    if db.session.scalar(stmt):
        raise ValidationFailed(_l("The school already has a group with that name."), field="name")


def _kind_label(kind: GroupKind) -> str:
    from helpdesk.labels import label

    return label(kind).lower()


@handler("create_group")
class CreateGroup:
    """Rule 5 for classes and other student groups; rule 9 for staff groups and work teams."""

    reach = (Ref("school_id", School),)

    @staticmethod
    def plan(params: dict) -> Plan:
        school = get(School, params.get("school_id"), field_name="school_id")
        kind = enum_value(GroupKind, params, "kind")
        name = text(params, "name", max_length=200)
        _check_group_name(school.id, name)
        summary = str(_l("Create %(kind)s %(name)s at %(school)s", kind=_kind_label(kind), name=name,
                         school=school.name))
        return Plan(_CREATE_OP.get(kind, Operation.CREATE_GROUP),
                    Target(school.organisation, school_ids={school.id}, kind=kind), summary,
                    snapshot={"school": snap(school)})

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


@handler("rename_group")
class RenameGroup:
    """Rule 4 refuses renaming a synced group; rule 9 allows renaming staff groups."""

    reach = (Ref("group_id", Group),)

    @staticmethod
    def plan(params: dict) -> Plan:
        group = active_group(params.get("group_id"))
        name = text(params, "name", max_length=200)
        _check_group_name(group.school_id, name, except_id=group.id)
        op = Operation.RENAME_STAFF_GROUP if is_staff_group(group) else Operation.RENAME_GROUP
        summary = str(_l("Rename %(old)s to %(new)s", old=group.name, new=name))
        return Plan(op, group_target(group, source=group.source), summary,
                    snapshot={"group": snap(group)})

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

    reach = (Ref("group_id", Group),)

    @staticmethod
    def plan(params: dict) -> Plan:
        group = active_group(params.get("group_id"))
        op = Operation.ARCHIVE_STAFF_GROUP if is_staff_group(group) else Operation.DELETE_GROUP
        summary = str(_l("Remove the group %(name)s", name=group.name))
        return Plan(op, group_target(group, source=group.source), summary,
                    snapshot={"group": snap(group)})

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
    """Rule 5 for manual classes and groups, and for people added by hand joining a synced
    class (the register never sends them: "fetch members"); rule 4 refuses putting people
    from the sync into a synced group; rule 9 for staff groups."""

    reach = (Ref("group_id", Group), Ref("person_ids", Person, many=True, party=True))

    @staticmethod
    def plan(params: dict) -> Plan:
        group = active_group(params.get("group_id"))
        ids = _person_ids(params)
        people = list(db.session.scalars(select(Person).where(Person.id.in_(ids))))
        if len(people) != len(ids):
            raise NotFound(field="person_ids")
        for p in people:
            if p.organisation_id != group.organisation_id or not p.active:
                raise ValidationFailed(_l("%(name)s cannot be added here.", name=p.display_name),
                                       field="person_ids")
            if is_staff_group(group) and p.kind is not PersonKind.STAFF:
                raise ValidationFailed(_l("Only staff can be in a staff group: %(name)s is not staff.",
                                          name=p.display_name), field="person_ids")
            if p.kind is PersonKind.GUARDIAN:
                raise ValidationFailed(_l("Guardians are not members of groups: %(name)s.",
                                          name=p.display_name), field="person_ids")
        op = Operation.ADD_STAFF_GROUP_MEMBERS if is_staff_group(group) else Operation.ADD_MEMBERS
        source = group.source
        if all(p.source is Source.MANUAL for p in people):
            source = Source.MANUAL  # the sync will never bring them, so adding breaks nothing
        names = ", ".join(p.display_name for p in people[:5]) + ("…" if len(people) > 5 else "")
        summary = str(_l("Add %(names)s to %(group)s", names=names, group=group.name))
        return Plan(op, group_target(group, source=source), summary,
                    snapshot={"group": snap(group), "people": sorted(snap(p) for p in people)})

    @staticmethod
    def apply(actor, params: dict, ctx: Context) -> list[Membership]:
        group = db.session.get(Group, params["group_id"])
        current = set(db.session.scalars(select(Membership.person_id).where(
            Membership.group_id == group.id, Membership.active)))
        added = []
        for person in db.session.scalars(select(Person).where(Person.id.in_(params["person_ids"]))):
            if person.id in current:
                continue
            role = (MembershipRole.TEACHER if person.kind is PersonKind.STAFF and not is_staff_group(group)
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

    reach = (Ref("group_id", Group), Ref("person_id", Person, party=True))

    @staticmethod
    def plan(params: dict) -> Plan:
        group = active_group(params.get("group_id"))
        person = get(Person, params.get("person_id"), field_name="person_id")
        m = db.session.scalar(select(Membership).where(Membership.group_id == group.id,
                                                       Membership.person_id == person.id,
                                                       Membership.active))
        if m is None:
            raise ValidationFailed(_l("%(name)s is not in the group.", name=person.display_name),
                                   field="person_id")
        op = Operation.REMOVE_STAFF_GROUP_MEMBERS if is_staff_group(group) else Operation.REMOVE_MEMBERS
        source = Source.SYNC if Source.SYNC in (m.source, group.source) else Source.MANUAL
        if m.source is Source.MANUAL and person.source is Source.MANUAL:
            source = Source.MANUAL  # a person added by hand leaves a class as they joined it
        summary = str(_l("Take %(name)s out of %(group)s", name=person.display_name, group=group.name))
        return Plan(op, group_target(group, source=source), summary,
                    snapshot={"membership": snap(m)})

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
