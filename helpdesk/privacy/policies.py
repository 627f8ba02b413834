"""Who may manage personal data: only the central team of the person's (or the page's)
organisation. Everyone else is answered as if the thing did not exist."""
from __future__ import annotations

from helpdesk.access import Scope, can, rule
from helpdesk.errors import NotFound


@rule("privacy.manage")
def can_manage(scope: Scope, org_id=None) -> bool:
    if org_id is None:
        return scope.authenticated and scope.is_central_for(scope.organisation_id)
    return scope.is_central_for(getattr(org_id, "id", org_id))


@rule("privacy.person")
def can_manage_person(scope: Scope, person) -> bool:
    return scope.is_central_for(person.organisation_id)


def require_manage(actor, org_id: int) -> None:
    """Services ask this first: outside the caller's reach reads as not found."""
    if not can(actor, "privacy.manage", org_id):
        raise NotFound()


def require_person(actor, person) -> None:
    if person is None or not can(actor, "privacy.person", person):
        raise NotFound()
