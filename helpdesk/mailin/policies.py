from helpdesk.access import Scope, rule


@rule("mailin.manage")
def can_manage(scope: Scope, _obj=None) -> bool:
    """The central team sees what its mail reader refused and opens an address for questions."""
    return scope.organisation_id is not None and scope.is_central_for(scope.organisation_id)
