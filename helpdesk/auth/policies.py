"""Rules about one's own account."""
from helpdesk.access import Scope, rule


@rule("account.manage")
def can_manage_account(scope: Scope, _obj=None) -> bool:
    return scope.authenticated


@rule("account.api_tokens")
def can_use_api_tokens(scope: Scope, _obj=None) -> bool:
    """The account page offers API tokens to those who work the desk or run it (support
    contacts, vendor agents, the operator): a teacher or guardian has no program to give one."""
    return scope.authenticated and (scope.is_admin or scope.is_vendor_agent or scope.is_operator)
