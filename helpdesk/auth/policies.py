"""Rules about one's own account."""
from helpdesk.access import Scope, rule


@rule("account.manage")
def can_manage_account(scope: Scope, _obj=None) -> bool:
    return scope.authenticated
