"""Who may see which part of the directory."""
from __future__ import annotations

from helpdesk.access import Scope, rule
from helpdesk.directory.models import Group, Organisation, Person, School


@rule("directory.browse")
def can_browse(scope: Scope, _obj=None) -> bool:
    return scope.authenticated and scope.organisation_id is not None


@rule("directory.view_organisation")
def can_view_organisation(scope: Scope, org: Organisation) -> bool:
    return scope.is_central_for(org.id)


@rule("directory.view_school")
def can_view_school(scope: Scope, school: School) -> bool:
    return scope.is_central_for(school.organisation_id) or school.id in scope.local_school_ids


@rule("directory.view_group")
def can_view_group(scope: Scope, group: Group) -> bool:
    return (
        scope.is_central_for(group.organisation_id)
        or group.school_id in scope.local_school_ids
        or group.id in scope.group_admin_ids
        or group.id in scope.taught_group_ids
    )


@rule("directory.view_person")
def can_view_person(scope: Scope, person: Person) -> bool:
    if not scope.authenticated or not scope.belongs_to(person.organisation_id):
        return False
    if scope.is_central_for(person.organisation_id):
        return True
    if person.id == scope.person_id or person.id in scope.child_ids:
        return True
    from helpdesk.directory.services import group_ids_of_person, school_ids_of_person

    if scope.local_school_ids and school_ids_of_person(person.id) & scope.local_school_ids:
        return True
    groups_seen = scope.group_admin_ids | scope.taught_group_ids
    return bool(groups_seen and group_ids_of_person(person.id) & groups_seen)


@rule("directory.view_civic_no")
def can_view_civic_no(scope: Scope, person: Person) -> bool:
    """The masked number is for administrators of the person, and the person themself."""
    return (scope.is_admin and can_view_person(scope, person)) or person.id == scope.person_id


@rule("directory.view_contact_details")
def can_view_contact_details(scope: Scope, person: Person) -> bool:
    # Protected identity (skyddad folkbokföring) hides contact details from everybody.
    return person.shows_contact_details and can_view_person(scope, person)
