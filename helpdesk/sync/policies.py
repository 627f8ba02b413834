from helpdesk.access import Scope, rule


@rule("sync.view_status")
def can_view_status(scope: Scope, _obj=None) -> bool:
    return bool(scope.central_org_ids) and scope.organisation_id in scope.central_org_ids
