"""Appointments: the one service that gives and takes the support organisation's roles.

Central admins appoint and remove, within their organisation, central admins, local admins
(per school) and group admins (per group); the platform operator appoints an organisation's
first central admin and the vendor's agents. Every change writes `RoleAssignment`, is
audited, mails the person and sends `events.role_changed`, which boards listen to. A person
may hold several roles; the last central admin of an organisation cannot be removed.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from helpdesk.access import can, scope_of
from helpdesk.admin import audit
from helpdesk.auth import accounts
from helpdesk.auth.models import Role, RoleAssignment, User
from helpdesk.auth.services import normalise_email
from helpdesk.directory.models import Group, Organisation, Person, School, Vendor
from helpdesk.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from helpdesk.events import role_changed
from helpdesk.extensions import db
from helpdesk.models_base import as_id

# The roles this service hands out; staff and guardian come with the directory.
APPOINTABLE = (Role.CENTRAL_ADMIN, Role.LOCAL_ADMIN, Role.GROUP_ADMIN, Role.VENDOR_AGENT)
# What the support organisation's guide recommends; outside it we warn but allow.
CENTRAL_MIN, CENTRAL_MAX, LOCAL_MAX = 2, 4, 2


@dataclass
class Outcome:
    assignment: RoleAssignment
    user: User
    warnings: list = field(default_factory=list)
    account_created: bool = False


def parse_role(value) -> Role:
    try:
        role = Role(value)
    except ValueError:
        role = None
    if role not in APPOINTABLE:
        raise ValidationFailed(_l("Choose one of the roles central administrator, local administrator, "
                                  "group administrator or vendor agent."), field="role")
    return role


def _reachable_org(actor, organisation_id) -> Organisation:
    """The organisation, if the actor may appoint in it; else 404, as if it did not exist."""
    org = db.session.get(Organisation, as_id(organisation_id) or 0)
    scope = scope_of(actor)
    if org is None or not (scope.is_central_for(org.id) or scope.is_operator):
        raise NotFound(_l("That organisation could not be found."))
    return org


def _count(role: Role, **scope) -> int:
    stmt = select(func.count(RoleAssignment.id)).join(User, User.id == RoleAssignment.user_id).where(
        RoleAssignment.role == role, User.enabled.is_(True))
    for column, value in scope.items():
        stmt = stmt.where(getattr(RoleAssignment, column) == value)
    return db.session.scalar(stmt) or 0


def _target_scope(org: Organisation, role: Role, school_id, group_id) -> dict:
    if role is Role.CENTRAL_ADMIN:
        return {"organisation_id": org.id}
    if role is Role.LOCAL_ADMIN:
        school = db.session.get(School, as_id(school_id) or 0) if school_id is not None else None
        if school_id is None:
            raise ValidationFailed(_l("Choose the school."), field="school_id")
        if school is None or school.organisation_id != org.id:
            raise NotFound(_l("That school could not be found."))
        if not school.active:
            raise ValidationFailed(_l("The school is closed."), field="school_id")
        return {"organisation_id": org.id, "school_id": school.id}
    if group_id is None:
        raise ValidationFailed(_l("Choose the group."), field="group_id")
    group = db.session.get(Group, as_id(group_id) or 0)
    if group is None or group.organisation_id != org.id:
        raise NotFound(_l("That group could not be found."))
    if not group.active:
        raise ValidationFailed(_l("The group is no longer active."), field="group_id")
    return {"organisation_id": org.id, "school_id": group.school_id, "group_id": group.id}


def _person(org: Organisation, person_id, email) -> Person | None:
    """The directory person named by id or e-mail, inside the organisation."""
    if person_id is not None:
        person = db.session.get(Person, as_id(person_id) or 0)
        if person is None or person.organisation_id != org.id:
            raise NotFound(_l("That person could not be found."))
        return person
    address = normalise_email(email or "")
    if not accounts.valid_email(address):
        raise ValidationFailed(_l("Name the person by their e-mail address."), field="email")
    return db.session.scalars(select(Person).where(
        Person.organisation_id == org.id, func.lower(Person.email) == address)
        .order_by(Person.active.desc(), Person.id)).first()


def _account(org: Organisation, person: Person | None, email, *, may_create_bare: bool) -> tuple[User, bool]:
    if person is not None:
        if not person.active:
            raise ValidationFailed(_l("%(name)s is no longer active in the directory.",
                                      name=person.display_name), field="person_id")
        user = accounts.account_of(person)
        if user is not None:
            return user, False
        if not person.email:
            raise ValidationFailed(_l("%(name)s has no e-mail address in the directory, so no account "
                                      "can be made.", name=person.display_name), field="person_id")
        return accounts.create_account(person.email, person=person), True
    address = normalise_email(email)
    user = db.session.scalar(select(User).where(User.email == address))
    if user is not None:
        if user.organisation_id != org.id:
            raise NotFound(_l("Nobody with that e-mail address was found in the organisation."))
        return user, False
    if not may_create_bare:
        raise NotFound(_l("Nobody with that e-mail address was found in the organisation."))
    # The operator's invitation of a first central admin, before the directory is imported.
    return accounts.create_account(address, organisation_id=org.id), True


def _label(role: Role, a: RoleAssignment) -> str:
    if a.group_id:
        return db.session.get(Group, a.group_id).name
    if a.school_id:
        return db.session.get(School, a.school_id).name
    if a.organisation_id:
        return db.session.get(Organisation, a.organisation_id).name
    vendor = db.session.get(Vendor, a.user.vendor_id) if a.user and a.user.vendor_id else None
    return vendor.name if vendor else ""


def _notify(user: User, a: RoleAssignment, *, appointed: bool) -> None:
    from helpdesk.notify.services import queue_template

    queue_template(user.email, "role_changed", locale=user.locale, kind="role_changed", user=user,
                   role=a.role, where=_label(a.role, a), appointed=appointed)


def _warnings(role: Role, scope: dict, *, removing: bool = False) -> list:
    if role is Role.CENTRAL_ADMIN:
        n = _count(role, organisation_id=scope["organisation_id"])
        if n < CENTRAL_MIN:
            return [_l("The organisation now has %(n)d central administrator(s); at least %(min)d are "
                       "recommended, so someone can stand in.", n=n, min=CENTRAL_MIN)]
        if n > CENTRAL_MAX and not removing:
            return [_l("The organisation now has %(n)d central administrators; at most %(max)d are "
                       "recommended.", n=n, max=CENTRAL_MAX)]
    if role is Role.LOCAL_ADMIN and not removing:
        n = _count(role, school_id=scope["school_id"])
        if n > LOCAL_MAX:
            return [_l("The school now has %(n)d local administrators; at most %(max)d are recommended.",
                       n=n, max=LOCAL_MAX)]
    return []


def _changed(change: str, user_id: int, role: Role, where: dict) -> None:
    role_changed.send(change, user_id=user_id, role=role.value, organisation_id=where.get("organisation_id"),
                      school_id=where.get("school_id"), group_id=where.get("group_id"))


def appoint(actor, *, role, organisation_id=None, person_id=None, email: str | None = None,
            school_id=None, group_id=None, vendor_id=None, invite_reason: str = "",
            name: str | None = None) -> Outcome:
    """Give a person a role. Central: central/local/group admins in its organisation; the
    operator: an organisation's central admins and a vendor's agents. A directory person
    without an account gets one and an activation (invitation) e-mail. A vendor agent has no
    person: `name` is what requesters see instead of the e-mail address."""
    scope = scope_of(actor)
    if not (can(actor, "organisation.appoint") or scope.is_operator):
        raise PermissionDenied()
    role = role.value if isinstance(role, Role) else role
    if role == Role.VENDOR_AGENT.value:
        return _appoint_vendor_agent(actor, vendor_id, email, name)
    org = _reachable_org(actor, organisation_id)  # scope first: another organisation is "not found"
    role = parse_role(role)
    if person_id is None and not email:
        raise ValidationFailed(_l("Name the person (person_id) or their e-mail address."), field="person_id")
    if not scope.is_central_for(org.id) and role is not Role.CENTRAL_ADMIN:
        raise PermissionDenied(_l("The organisation's central team appoints its local and group administrators."))
    target = _target_scope(org, role, school_id, group_id)
    person = _person(org, person_id, email)
    user, created = _account(org, person, email,
                             may_create_bare=role is Role.CENTRAL_ADMIN and scope.is_operator)
    if not user.enabled:
        raise ValidationFailed(_l("The account of %(name)s is turned off.", name=user.display_name))
    wanted = {k: target.get(k) for k in ("organisation_id", "school_id", "group_id")}
    if role is Role.GROUP_ADMIN:
        wanted["school_id"] = None  # a group admin's scope is the group alone
    if role is Role.CENTRAL_ADMIN:
        wanted.update(school_id=None, group_id=None)
    if role is Role.LOCAL_ADMIN:
        wanted["group_id"] = None
    for existing in user.roles:
        if existing.role is role and all(getattr(existing, k) == v for k, v in wanted.items()):
            raise Conflict(_l("%(name)s already has this role.", name=user.display_name))
    a = RoleAssignment(role=role, **wanted)
    user.roles.append(a)
    db.session.flush()
    audit.record(actor, "appoint_role", a, organisation_id=org.id, object_type="role",
                 label=f"{user.display_name}: {role.value} ({_label(role, a)})",
                 after={"user": user.email, "role": role.value, **{k: v for k, v in wanted.items() if v}})
    if created:
        accounts.invite(user, invited_by=actor, why=invite_reason)
    _notify(user, a, appointed=True)
    _changed("appointed", user.id, role, wanted)
    return Outcome(a, user, _warnings(role, wanted), created)


def _appoint_vendor_agent(actor, vendor_id, email, name=None) -> Outcome:
    if not scope_of(actor).is_operator:
        raise PermissionDenied(_l("The platform operator appoints the vendor's agents."))
    vendor = db.session.get(Vendor, as_id(vendor_id) or 0)
    if vendor is None:
        raise NotFound(_l("That vendor could not be found."))
    name = " ".join((name or "").split())
    if len(name) > 200:
        raise ValidationFailed(_l("The name is too long (at most %(n)d characters).", n=200), field="name")
    outcome = _installation_role(actor, Role.VENDOR_AGENT, email, vendor=vendor)
    if name and outcome.user.person_id is None:
        outcome.user.name = name
    return outcome


def _installation_role(actor, role: Role, email, *, vendor: Vendor | None = None) -> Outcome:
    """A role outside any organisation (vendor agent, operator), for an account found or made
    by e-mail; a new account is invited."""
    address = normalise_email(email or "")
    if not accounts.valid_email(address):
        raise ValidationFailed(_l("Enter a valid e-mail address."), field="email")
    user = db.session.scalar(select(User).where(User.email == address))
    created = user is None
    if created:
        user = accounts.create_account(address, vendor_id=vendor.id if vendor else None)
    elif vendor is not None and (user.vendor_id != vendor.id or user.organisation_id is not None):
        raise Conflict(_l("That e-mail address belongs to an account outside the vendor."))
    if any(r.role is role for r in user.roles):
        raise Conflict(_l("%(name)s already has this role.", name=user.display_name))
    a = RoleAssignment(role=role)
    user.roles.append(a)
    db.session.flush()
    audit.record(actor, "appoint_role", a, organisation_id=None, object_type="role",
                 label=f"{user.email}: {role.value}" + (f" ({vendor.name})" if vendor else ""),
                 after={"user": user.email, "role": role.value, **({"vendor_id": vendor.id} if vendor else {})})
    if created:
        accounts.invite(user, invited_by=actor)
    if role is Role.VENDOR_AGENT:
        _notify(user, a, appointed=True)
    _changed("appointed", user.id, role, {})
    return Outcome(a, user, [], created)


def get_assignment(actor, assignment_id) -> RoleAssignment:
    """A role the actor may remove; anything else is 'not found'."""
    a = db.session.get(RoleAssignment, as_id(assignment_id) or 0)
    scope = scope_of(actor)
    if a is None or a.role not in APPOINTABLE:
        raise NotFound(_l("That role could not be found."))
    if a.role is Role.VENDOR_AGENT:
        if not scope.is_operator:
            raise NotFound(_l("That role could not be found."))
    elif not scope.is_central_for(a.organisation_id) and not (
            scope.is_operator and a.role is Role.CENTRAL_ADMIN):
        raise NotFound(_l("That role could not be found."))
    return a


def remove(actor, assignment_id) -> list:
    """Take a role away; the last central admin of an organisation stays (409). Returns warnings."""
    a = get_assignment(actor, assignment_id)
    if a.role is Role.CENTRAL_ADMIN and _count(Role.CENTRAL_ADMIN, organisation_id=a.organisation_id) <= 1:
        raise Conflict(_l("This is the organisation's last central administrator. Appoint another one "
                          "before removing this one."))
    user = a.user
    where = {"organisation_id": a.organisation_id, "school_id": a.school_id, "group_id": a.group_id}
    audit.record(actor, "remove_role", a, organisation_id=a.organisation_id, object_type="role",
                 label=f"{user.display_name}: {a.role.value} ({_label(a.role, a)})",
                 before={"user": user.email, "role": a.role.value, **{k: v for k, v in where.items() if v}})
    _notify(user, a, appointed=False)
    role = a.role
    user.roles.remove(a)
    db.session.flush()
    # Sent once the role is gone, so a listener sees the person's remaining roles.
    _changed("removed", user.id, role, where)
    return _warnings(a.role, where, removing=True)


def roles_in(actor, organisation_id, school_id=None) -> list[RoleAssignment]:
    """The appointed roles of an organisation (central, local and group admins), or of one school."""
    org = _reachable_org(actor, organisation_id)
    stmt = (select(RoleAssignment).join(User, User.id == RoleAssignment.user_id)
            .where(RoleAssignment.organisation_id == org.id,
                   RoleAssignment.role.in_([Role.CENTRAL_ADMIN, Role.LOCAL_ADMIN, Role.GROUP_ADMIN])))
    if school_id is not None:
        school = db.session.get(School, as_id(school_id) or 0)
        if school is None or school.organisation_id != org.id:
            raise NotFound(_l("That school could not be found."))
        stmt = stmt.where(RoleAssignment.school_id == school.id)
    return list(db.session.scalars(stmt.order_by(RoleAssignment.role, User.email)))


def add_operator(actor, email: str) -> Outcome:
    """Make an account a platform operator (from the command line: the first one), inviting
    it by e-mail when it is new."""
    if not scope_of(actor).is_operator:
        raise PermissionDenied()
    return _installation_role(actor, Role.OPERATOR, email)
