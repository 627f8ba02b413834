"""The demo's platform operator and the central team's shared address."""
from __future__ import annotations

from helpdesk.auth.models import Role, RoleAssignment, User
from helpdesk.auth.services import new_session_key
from helpdesk.extensions import db

OPERATOR_EMAIL = "drift@helpdesk.example"


def demo_step(ctx) -> None:
    some_user = next(iter(ctx.users.values()))
    operator = User(email=OPERATOR_EMAIL, password_hash=some_user.password_hash, session_key=new_session_key())
    operator.roles.append(RoleAssignment(role=Role.OPERATOR))
    db.session.add(operator)
    ctx.users[OPERATOR_EMAIL] = operator
    ctx.orgs["exk"].support_email = "support@exempelkommun.se"
    ctx.orgs["grb"].support_email = "it-support@grannby.se"
