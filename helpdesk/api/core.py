"""API: tokens and the caller's own identity."""
from __future__ import annotations

from typing import Literal

from flask import current_app
from flask_babel import gettext as _
from flask_login import current_user
from pydantic import Field

from helpdesk import hooks
from helpdesk.access import scope_of
from helpdesk.api import api
from helpdesk.api.helpers import api_login_required, field, json_body
from helpdesk.api.spec import Schema, operation
from helpdesk.auth import services
from helpdesk.auth.loader import csrf_exempt
from helpdesk.auth import ratelimits
from helpdesk.auth.ratelimits import login_limits
from helpdesk.errors import HelpdeskError
from helpdesk.extensions import db


class BadCredentials(HelpdeskError):
    status_code = 401


class TokenRequest(Schema):
    email: str = Field(max_length=254)
    password: str = Field(max_length=200)
    name: str | None = Field(None, max_length=100)
    scopes: list[Literal["read", "write", "admin"]] = Field(
        default=["read", "write"], min_length=1,
        description="What the token may do; `admin` must be asked for. Default: read and write.")
    expires_in_days: int | None = Field(None, ge=1, le=services.MAX_TOKEN_DAYS,
                                        description="Days until the token stops working; none: until revoked.")


class TokenIssued(Schema):
    token: str
    token_type: Literal["Bearer"]
    scopes: list[str]
    expires_at: str | None


@api.post("/auth/token")
@login_limits
@operation("Exchange an e-mail and password for a personal access token", tag="auth", public=True,
           body=TokenRequest, responses={201: TokenIssued}, scope="read",
           description="The same token as one made on the account page, shown once.")
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
    token, raw = services.issue_token(user, name, scopes=body.get("scopes") or services.DEFAULT_SCOPES,
                                      expires_in_days=body.get("expires_in_days"))
    db.session.commit()
    return {"token": raw, "token_type": "Bearer", "scopes": token.scopes.split(),
            "expires_at": token.expires_at.isoformat() if token.expires_at else None}, 201


csrf_exempt("api.create_token")


class RoleOut(Schema):
    role: str
    organisation_id: int | None
    school_id: int | None
    group_id: int | None


class Me(Schema):
    id: int
    email: str
    name: str | None
    locale: str
    organisation_id: int | None
    vendor_id: int | None
    person_id: int | None
    roles: list[RoleOut]
    support_contacts: list | dict | None


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
@operation("The caller: account, roles and where to turn for help", tag="auth", responses={200: Me})
def me():
    return describe_user(current_user)
