"""Who configures e-legitimation: the central team of the organisation, nobody else."""
from __future__ import annotations

from helpdesk.access import Scope, rule


@rule("oidc.configure")
def can_configure(scope: Scope, org=None) -> bool:
    if org is None:
        return bool(scope.central_org_ids)
    return scope.is_central_for(getattr(org, "id", org))
