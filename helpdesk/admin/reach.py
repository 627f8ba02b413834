"""Whom and what an administrator reaches: the one scope check that every admin operation
passes before anything about its target is validated or told.

An object outside the actor's reach answers exactly like an id that does not exist
(NotFound, no name, no fact), so nobody learns from an error message whether a person,
a number or a group exists in an organisation they do not administer.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from helpdesk.access import Scope, scope_of
from helpdesk.directory.models import Group, GuardianRelation, MentorRelation, Person, School
from helpdesk.directory.services import group_ids_of_person, school_ids_of_person
from helpdesk.errors import NotFound, ValidationFailed
from helpdesk.extensions import db
from helpdesk.models_base import as_id


@dataclass
class Place:
    """Where an object sits in the scope tree: its organisation, schools and groups."""

    organisation_id: int
    school_ids: set[int] = field(default_factory=set)
    group_ids: set[int] = field(default_factory=set)


def place_of(obj) -> Place | None:
    """None for shared things outside any organisation (the course catalogue)."""
    if isinstance(obj, School):
        return Place(obj.organisation_id, {obj.id})
    if isinstance(obj, Group):
        return Place(obj.organisation_id, {obj.school_id}, {obj.id})
    if isinstance(obj, Person):
        return Place(obj.organisation_id, school_ids_of_person(obj.id),
                     group_ids_of_person(obj.id, with_children=False))
    if isinstance(obj, GuardianRelation):
        return place_of(obj.student)
    if isinstance(obj, MentorRelation):
        return place_of(obj.mentee)
    return None


def reaches(scope: Scope, place: Place, *, group_level: bool = True) -> bool:
    """Central for the organisation, local admin of one of its schools, or (for operations a
    group admin may do) group admin of one of its groups. The SyncGuard asks the same."""
    if not scope.authenticated or not scope.belongs_to(place.organisation_id):
        return False
    if scope.is_central_for(place.organisation_id):
        return True
    if place.school_ids & scope.local_school_ids:
        return True
    return bool(group_level and place.group_ids & scope.group_admin_ids)


@dataclass(frozen=True)
class Ref:
    """A parameter of an operation that names an object the operation is about.

    `party` marks somebody brought into the operation (a mentor, new members, a guardian):
    reached when the actor administers them, or when they belong to a school of the
    operation's own target (a teacher of the student's school may be linked as mentor).
    `optional`: a missing value is fine (the plan decides what it means).
    """

    param: str
    model: type
    many: bool = False
    party: bool = False
    optional: bool = False


def _wrong_type(name: str) -> ValidationFailed:
    return ValidationFailed(_l("The field %(name)s has the wrong type.", name=name), field=name)


def _ids(ref: Ref, params: dict) -> list[int]:
    value = params.get(ref.param)
    if ref.many:
        # Whether the list is acceptable (empty, too long) is the plan's question, asked later.
        if not isinstance(value, list):
            return []
        values = value
    else:
        if value is None and ref.optional:
            return []
        values = [value]
    for v in values:
        if not isinstance(v, int) or isinstance(v, bool):
            raise _wrong_type(ref.param)
    return values


def load_in_reach(actor, refs: tuple[Ref, ...], params: dict) -> dict[str, list]:
    """Load every object the parameters name and check the actor reaches each one.

    Runs before any validation; raises NotFound alike for a missing id and for an object
    outside the actor's reach. Returns the loaded objects by parameter name.
    """
    scope = scope_of(actor)
    loaded: dict[str, list] = {}
    target_schools: set[int] = set()
    target_org: int | None = None
    # The operation's own targets first: parties are judged against their schools.
    for ref in sorted(refs, key=lambda r: r.party):
        objects = []
        for ident in _ids(ref, params):
            obj = db.session.get(ref.model, as_id(ident) or 0)
            if obj is None:
                raise NotFound(field=ref.param)
            place = place_of(obj)
            if place is not None and not _reached(scope, ref, place, target_org, target_schools):
                raise NotFound(field=ref.param)
            if place is not None and not ref.party:
                target_schools |= place.school_ids
                target_org = place.organisation_id
            objects.append(obj)
        loaded[ref.param] = objects
    return loaded


def _reached(scope: Scope, ref: Ref, place: Place, target_org, target_schools) -> bool:
    if reaches(scope, place):
        return True
    return bool(ref.party and scope.belongs_to(place.organisation_id)
                and place.organisation_id == target_org and place.school_ids & target_schools)
