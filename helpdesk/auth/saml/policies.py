"""Who may change an organisation's school-account login: its own central admins only."""
from helpdesk.access import Scope, rule


@rule("saml.manage")
def can_manage_saml(scope: Scope, org=None) -> bool:
    return org is not None and scope.is_central_for(org.id)
