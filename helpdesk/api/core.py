"""API: tokens and the caller's own identity."""
from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from flask_login import current_user

from helpdesk import hooks
from helpdesk.access import scope_of
from helpdesk.api import api
from helpdesk.api.helpers import api_login_required, field, json_body
from helpdesk.auth import services
from helpdesk.auth.loader import csrf_exempt
from helpdesk.auth import ratelimits
from helpdesk.auth.ratelimits import login_limits
from helpdesk.errors import HelpdeskError
from helpdesk.extensions import db


class BadCredentials(HelpdeskError):
    status_code = 401


@api.post("/auth/token")
@login_limits
def create_token():
    body = json_body()
    email = field(body, "email", max_length=254)
    password = field(body, "password", max_length=200)
    name = field(body, "name", required=False, max_length=100) or "API"
    user = services.authenticate(email, password)
    if user is None:
        ratelimits.failed()
        raise BadCredentials(_("The e-mail address or the password is wrong."))
    ratelimits.succeeded()
    _token, raw = services.issue_token(user, name)
    db.session.commit()
    return {"token": raw, "token_type": "Bearer"}, 201


csrf_exempt("api.create_token")


def describe_user(user) -> dict:
    scope = scope_of(user)
    roles = [
        {"role": a.role.value, "organisation_id": a.organisation_id, "school_id": a.school_id,
         "group_id": a.group_id}
        for a in user.roles
    ]
    return {
        "id": user.id,
        "email": user.email,
        "name": user.display_name,
        "locale": user.locale or current_app.config["BABEL_DEFAULT_LOCALE"],
        "organisation_id": user.organisation_id,
        "vendor_id": scope.vendor_id,
        "person_id": user.person_id,
        "roles": roles,
        # "Where do I turn?" for a teacher or guardian (None for everybody else).
        "support_contacts": hooks.get("support_contacts")(user),
    }


@api.get("/me")
@api_login_required
def me():
    return describe_user(current_user)
