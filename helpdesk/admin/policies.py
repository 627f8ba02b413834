"""Who may open the administration pages. What they may change is the SyncGuard's business
(helpdesk.admin.guard), asked by every operation."""
from __future__ import annotations

from helpdesk.access import Scope, rule


@rule("admin.access")
def can_access(scope: Scope, _obj=None) -> bool:
    return scope.authenticated and scope.is_admin and scope.organisation_id is not None


@rule("admin.central")
def is_central(scope: Scope, org=None) -> bool:
    if org is None:
        return bool(scope.central_org_ids) and scope.organisation_id in scope.central_org_ids
    return scope.is_central_for(getattr(org, "id", org))


@rule("admin.school")
def can_admin_school(scope: Scope, school) -> bool:
    return scope.is_central_for(school.organisation_id) or school.id in scope.local_school_ids


@rule("admin.group")
def can_admin_group(scope: Scope, group) -> bool:
    return (scope.is_central_for(group.organisation_id) or group.school_id in scope.local_school_ids
            or group.id in scope.group_admin_ids)


@rule("admin.audit")
def can_read_audit(scope: Scope, _obj=None) -> bool:
    """Central admins read their organisation's log, local admins their schools' entries
    (`helpdesk.admin.audit.filter_for` draws the line)."""
    return scope.authenticated and bool(scope.central_org_ids or scope.local_school_ids)
