"""/api/v1/admin/roles: the support organisation's appointments, through the same service."""
from __future__ import annotations

from flask import request
from flask_login import current_user

from helpdesk.access import require, scope_of
from helpdesk.api import api
from helpdesk.api.helpers import api_login_required, field, json_body
from helpdesk.errors import ValidationFailed
from helpdesk.extensions import db
from helpdesk.models_base import as_id
from helpdesk.organisation import appointments
from pydantic import Field

from helpdesk.api.spec import MAX_ID, Schema, operation


class RoleAppointment(Schema):
    id: int
    role: str
    user_id: int
    person_id: int | None
    name: str | None
    email: str
    organisation_id: int | None
    school_id: int | None
    group_id: int | None


class RoleList(Schema):
    roles: list[RoleAppointment]


class RolesQuery(Schema):
    organisation_id: int | None = Field(None, ge=1, le=MAX_ID)
    school_id: int | None = Field(None, ge=1, le=MAX_ID)


class Appoint(Schema):
    role: str = Field(max_length=32)
    email: str | None = Field(None, max_length=254)
    name: str | None = Field(None, max_length=200)
    organisation_id: int | None = Field(None, ge=1, le=MAX_ID)
    person_id: int | None = Field(None, ge=1, le=MAX_ID)
    school_id: int | None = Field(None, ge=1, le=MAX_ID)
    group_id: int | None = Field(None, ge=1, le=MAX_ID)
    vendor_id: int | None = Field(None, ge=1, le=MAX_ID)


class Appointed(RoleAppointment):
    account_created: bool
    warnings: list[str]


class Removed(Schema):
    status: str
    warnings: list[str]



def role_json(a) -> dict:
    return {"id": a.id, "role": a.role.value, "user_id": a.user_id, "person_id": a.user.person_id,
            "name": a.user.display_name, "email": a.user.email, "organisation_id": a.organisation_id,
            "school_id": a.school_id, "group_id": a.group_id}


def _org_id(value):
    """The organisation asked about, the caller's own when none is given."""
    if value is None or value == "":
        return scope_of(current_user).organisation_id
    org_id = as_id(value)
    if org_id is None:
        raise ValidationFailed(field="organisation_id")
    return org_id


@api.get("/admin/roles")
@api_login_required
@operation("Support roles in an organisation (default: the caller's)", tag="admin", scope="admin", query=RolesQuery, responses={200: RoleList})
def admin_roles():
    require(current_user, "organisation.view_support")
    school_id = request.args.get("school_id") or None
    if school_id is not None and as_id(school_id) is None:
        raise ValidationFailed(field="school_id")
    rows = appointments.roles_in(current_user, _org_id(request.args.get("organisation_id")), school_id)
    return {"roles": [role_json(a) for a in rows]}


def _optional_id(body, name):
    value = body.get(name)
    if value is None:
        return None
    if as_id(value) is None:
        raise ValidationFailed(_field_message(name), field=name)
    return as_id(value)


def _field_message(name):
    from flask_babel import lazy_gettext as _l

    return _l("The field %(name)s has the wrong type.", name=name)


@api.post("/admin/roles")
@api_login_required
@operation("Appoint a support role", tag="admin", scope="admin", body=Appoint, responses={201: Appointed})
def admin_appoint():
    body = json_body()
    role = field(body, "role", max_length=32)
    email = field(body, "email", required=False, max_length=254)
    outcome = appointments.appoint(
        current_user, role=role, organisation_id=_org_id(body.get("organisation_id")),
        person_id=_optional_id(body, "person_id"), email=email,
        school_id=_optional_id(body, "school_id"), group_id=_optional_id(body, "group_id"),
        vendor_id=_optional_id(body, "vendor_id"), name=field(body, "name", required=False, max_length=200))
    db.session.commit()
    return {**role_json(outcome.assignment), "account_created": outcome.account_created,
            "warnings": [str(w) for w in outcome.warnings]}, 201


@api.delete("/admin/roles/<int:assignment_id>")
@api_login_required
@operation("Remove a support role", tag="admin", scope="admin", responses={200: Removed})
def admin_remove_role(assignment_id: int):
    warnings = appointments.remove(current_user, assignment_id)
    db.session.commit()
    return {"status": "removed", "warnings": [str(w) for w in warnings]}
