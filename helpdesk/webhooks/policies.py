"""Who may manage webhooks: the central team of the hook's organisation. Everyone else is
answered as if the hook did not exist."""
from __future__ import annotations

from helpdesk.access import Scope, rule


@rule("webhooks.manage")
def can_manage(scope: Scope, org_id=None) -> bool:
    if org_id is None:
        return scope.authenticated and scope.is_central_for(scope.organisation_id)
    return scope.is_central_for(getattr(org_id, "id", org_id))


@rule("webhooks.hook")
def can_manage_hook(scope: Scope, hook) -> bool:
    return hook is not None and hook.deleted_at is None and scope.is_central_for(hook.organisation_id)
