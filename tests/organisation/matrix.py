"""Every route of the support organisation, with the demo roles allowed."""
from sqlalchemy import select

from helpdesk.extensions import db
from tests.matrix import EVERYONE, Case

OPERATOR = frozenset({"operator"})
CENTRALS = frozenset({"central", "other_org"})
CENTRAL_OR_OPERATOR = CENTRALS | OPERATOR


def _local_role(r):
    """lokal2.norr's local admin role at Norrskolan (Exempelkommun)."""
    from helpdesk.auth.models import Role, RoleAssignment

    return db.session.scalar(select(RoleAssignment.id).where(
        RoleAssignment.user_id == r.user("lokal2.norr@exempelkommun.se"), RoleAssignment.role == Role.LOCAL_ADMIN))


def _grannby_school(r):
    return r.school("Grannby skola")


CASES = [
    Case("organisation.organisations_page", lambda r: "/admin/organisations", OPERATOR),
    Case("organisation.organisations_page", lambda r: "/admin/organisations", OPERATOR, method="POST",
         data={"code": "", "name": ""}),
    Case("organisation.vendor_agent", lambda r: "/admin/organisations/vendor-agents", OPERATOR, method="POST",
         data={"vendor": "1", "email": ""}),
    Case("organisation.organisation_page", lambda r: f"/admin/organisations/{r.org('Grannby')}", OPERATOR),
    Case("organisation.invite_admin", lambda r: f"/admin/organisations/{r.org('Grannby')}/invite", OPERATOR,
         method="POST", data={"email": ""}),
    # Central sees its own organisation's support organisation; the operator any.
    Case("organisation.support", lambda r: "/organisation/support", CENTRAL_OR_OPERATOR - OPERATOR),
    Case("organisation.support", lambda r: f"/organisation/support?organisation_id={r.org('Exempelkommun')}",
         frozenset({"central", "operator"}), name="Exempelkommun"),
    Case("organisation.appoint", lambda r: f"/organisation/support/appoint?organisation_id={r.org('Exempelkommun')}",
         frozenset({"central"}), method="POST", data={"role": "local_admin", "email": ""}),
    Case("organisation.remove_role", lambda r: f"/organisation/support/roles/{_local_role(r)}/remove",
         frozenset({"central"}), method="POST"),
    Case("organisation.support_address", lambda r: "/organisation/support/address", CENTRALS, method="POST",
         data={"support_email": "not an address"}),
    Case("organisation.schools", lambda r: "/organisation/schools", CENTRALS),
    Case("organisation.schools", lambda r: "/organisation/schools", CENTRALS, method="POST", data={"name": ""}),
    Case("organisation.rename_school", lambda r: f"/organisation/schools/{_grannby_school(r)}/rename",
         frozenset({"other_org"}), method="POST", data={"name": ""}),
    Case("organisation.close_school", lambda r: f"/organisation/schools/{_grannby_school(r)}/close",
         frozenset({"other_org"}), method="POST"),
    Case("auth.accept_invitation", lambda r: "/invitation/not-a-token", EVERYONE),
    Case("auth.accept_invitation", lambda r: "/invitation/not-a-token", EVERYONE, method="POST"),
    Case("api.admin_roles", lambda r: "/api/v1/admin/roles", CENTRALS),
    Case("api.admin_roles", lambda r: f"/api/v1/admin/roles?organisation_id={r.org('Exempelkommun')}",
         frozenset({"central", "operator"}), name="Exempelkommun"),
    Case("api.admin_appoint", lambda r: "/api/v1/admin/roles", frozenset({"central"}), method="POST",
         json={"role": "central_admin", "email": "larare.norr@exempelkommun.se"}),
    Case("api.admin_remove_role", lambda r: f"/api/v1/admin/roles/{_local_role(r)}", frozenset({"central"}),
         method="DELETE"),
]
