"""Who may run the support organisation: the operator the installation, central its own."""
from __future__ import annotations

from helpdesk.access import Scope, rule


@rule("organisation.operate")
def can_operate(scope: Scope, _obj=None) -> bool:
    """The platform operator creates organisations, invites their first central admin and
    appoints the vendor's agents."""
    return scope.authenticated and scope.is_operator


@rule("organisation.view_support")
def can_view_support(scope: Scope, org=None) -> bool:
    """The support organisation page: the central team of the organisation (and the operator)."""
    if org is None:
        return bool(scope.central_org_ids) or scope.is_operator
    return scope.is_central_for(getattr(org, "id", org)) or scope.is_operator


@rule("organisation.appoint")
def can_appoint(scope: Scope, org=None) -> bool:
    """Central appoints and removes central, local and group admins within its organisation."""
    if org is None:
        return bool(scope.central_org_ids)
    return scope.is_central_for(getattr(org, "id", org))


@rule("organisation.manage_schools")
def can_manage_schools(scope: Scope, org=None) -> bool:
    """Central adds, renames and closes schools; under autosync the sync owns them (the
    service says so, the page shows the list read-only)."""
    if org is None:
        return bool(scope.central_org_ids)
    return scope.is_central_for(getattr(org, "id", org))
