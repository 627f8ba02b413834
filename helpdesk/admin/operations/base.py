"""What every administrative operation is made of: the Handler registry, the Plan a handler
makes, the Context it applies in, and the small readers and validators the handlers share."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l

from helpdesk.admin import audit
from helpdesk.admin.guard import STAFF_GROUP_KINDS, Decision, Operation, Target
from helpdesk.admin.models import ApprovalRequest
from helpdesk.admin.reach import Ref
from helpdesk.directory.models import Group, Organisation, Person, PersonKind
from helpdesk.directory.services import group_ids_of_person, school_ids_of_person
from helpdesk.errors import NotFound, ValidationFailed
from helpdesk.extensions import db
from helpdesk.models_base import as_id


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
    # The parameters naming the objects the operation is about: loaded and checked against
    # the actor's reach before `plan` validates anything (see helpdesk.admin.reach).
    reach: tuple[Ref, ...]
    plan: Callable[[dict], Plan]
    apply: Callable[[Any, dict, Context], Any]


HANDLERS: dict[str, Handler] = {}


def handler(name: str):
    """Register an operation. Every handler must say what it reaches (`reach`), so no
    operation can validate, and talk about, a target before its scope has been checked."""

    def register(cls):
        if not getattr(cls, "reach", None):
            raise TypeError(f"operation {name!r} declares no `reach`")
        HANDLERS[name] = Handler(name, tuple(cls.reach), cls.plan, cls.apply)
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
# By the time a plan calls these, `load_in_reach` has loaded each id and checked its scope;
# they re-read from the session's identity map and validate.


def get(model, ident, *, field_name: str):
    if not isinstance(ident, int) or isinstance(ident, bool):
        raise ValidationFailed(_l("The field %(name)s has the wrong type.", name=field_name),
                               field=field_name)
    obj = db.session.get(model, as_id(ident) or 0)
    if obj is None:
        raise NotFound(_l("That could not be found."), field=field_name)
    return obj


def kind_word(kind: PersonKind):
    return {PersonKind.STUDENT: _l("student"), PersonKind.STAFF: _l("staff member"),
            PersonKind.GUARDIAN: _l("guardian")}[kind]


def active_person(ident, field_name: str, kind: PersonKind | None = None) -> Person:
    person = get(Person, ident, field_name=field_name)
    if not person.active:
        raise ValidationFailed(_l("%(name)s is no longer active.", name=person.display_name),
                               field=field_name)
    if kind is not None and person.kind is not kind:
        raise ValidationFailed(_l("%(name)s is not a %(kind)s.", name=person.display_name,
                                  kind=kind_word(kind)), field=field_name)
    return person


def active_group(ident, field_name: str = "group_id") -> Group:
    group = get(Group, ident, field_name=field_name)
    if not group.active or group.archived_at is not None:
        raise ValidationFailed(_l("The group %(name)s has been removed.", name=group.name),
                               field=field_name)
    return group


def text(params: dict, name: str, *, max_length: int, required: bool = True) -> str | None:
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


def enum_value(enum_cls, params: dict, name: str, *, required: bool = True, default=None):
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


def is_staff_group(group: Group) -> bool:
    return group.kind in STAFF_GROUP_KINDS


def person_target(person: Person, **kw) -> Target:
    return Target(person.organisation, school_ids=school_ids_of_person(person.id),
                  group_ids=group_ids_of_person(person.id, with_children=False), **kw)


def group_target(group: Group, **kw) -> Target:
    return Target(db.session.get(Organisation, group.organisation_id), school_ids={group.school_id},
                  group_ids={group.id}, kind=group.kind, **kw)


def snap(obj) -> list:
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
