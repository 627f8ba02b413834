from helpdesk.access import Scope, rule


@rule("sync.view_status")
def can_view_status(scope: Scope, _obj=None) -> bool:
    return bool(scope.central_org_ids) and scope.organisation_id in scope.central_org_ids


@rule("sync.resolve_flag")
def can_resolve_flag(scope: Scope, flag) -> bool:
    """A flag on manual data is handled by the central team of its organisation."""
    return flag is not None and scope.is_central_for(flag.organisation_id)


@rule("sync.confirm_run")
def can_confirm_run(scope: Scope, run) -> bool:
    """A held run is applied by the central team of every organisation it would change."""
    org_ids = set(getattr(run, "organisation_ids", None) or ())
    return bool(org_ids) and all(scope.is_central_for(o) for o in org_ids)
