"""Organisations and their schools, as the operator and the central team keep them.

The operator creates an organisation (with or without autosync, for a vendor) and invites its
first central admin. Without autosync the central team adds, renames and closes schools;
under autosync the sync owns them and these operations are refused with that reason.
Closing a school is soft: tickets, groups and history keep pointing at it.
"""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from helpdesk.access import require, scope_of
from helpdesk.admin import audit
from helpdesk.auth.accounts import valid_email
from helpdesk.auth.services import normalise_email
from helpdesk.directory.models import Organisation, School, Vendor
from helpdesk.errors import Conflict, NotFound, ValidationFailed
from helpdesk.extensions import db
from helpdesk.models_base import Source, as_id, utcnow

CODE = re.compile(r"^[A-Z]{2,8}$")
# School kinds as the SS 12000 school types the sync stores in `School.school_types`.
SCHOOL_KINDS = {"preschool": "FS", "compulsory": "GR", "upper_secondary": "GY"}
KIND_OF_TYPE = {v: k for k, v in SCHOOL_KINDS.items()}


def _text(value, name: str, limit: int, message) -> str:
    value = (value or "").strip() if isinstance(value, str) else ""
    if not value or len(value) > limit:
        raise ValidationFailed(message, field=name)
    return value


def _support_email(value) -> str | None:
    address = normalise_email(value or "") if isinstance(value, str) else ""
    if not address:
        return None
    if not valid_email(address):
        raise ValidationFailed(_l("Enter a valid shared e-mail address for the central team."),
                               field="support_email")
    return address


def vendor_named(name: str) -> Vendor:
    """The vendor of that name, made on first use (the operator names it when creating an
    organisation)."""
    name = _text(name, "vendor", 200, _l("Give the vendor's name (at most 200 characters)."))
    vendor = db.session.scalar(select(Vendor).where(func.lower(Vendor.name) == name.lower()))
    if vendor is None:
        vendor = Vendor(name=name)
        db.session.add(vendor)
        db.session.flush()
    return vendor


def create_organisation(actor, *, code, name, autosync: bool = True, vendor: str | None = None,
                        support_email: str | None = None) -> Organisation:
    """The operator creates an organisation; its code (2-8 letters) starts its ticket numbers."""
    require(actor, "organisation.operate")
    code = (code or "").strip().upper() if isinstance(code, str) else ""
    if not CODE.match(code):
        raise ValidationFailed(_l("The code is 2 to 8 letters A-Z, e.g. EXK."), field="code")
    name = _text(name, "name", 200, _l("Give the organisation's name (at most 200 characters)."))
    address = _support_email(support_email)
    if db.session.scalar(select(Organisation.id).where(Organisation.code == code)):
        raise Conflict(_l("An organisation with the code %(code)s already exists.", code=code), field="code")
    v = vendor_named(vendor) if vendor else None
    org = Organisation(code=code, name=name, autosync=bool(autosync), vendor_id=v.id if v else None,
                       support_email=address, source=Source.MANUAL)
    db.session.add(org)
    db.session.flush()
    audit.record(actor, "create_organisation", org, organisation_id=org.id, label=name,
                 after={"code": code, "autosync": org.autosync, "vendor": v.name if v else None})
    return org


def organisation_by_code(code: str) -> Organisation:
    org = db.session.scalar(select(Organisation).where(Organisation.code == (code or "").strip().upper()))
    if org is None:
        raise NotFound(_l("No organisation has the code %(code)s.", code=code))
    return org


def all_organisations(actor) -> list[Organisation]:
    require(actor, "organisation.operate")
    return list(db.session.scalars(select(Organisation).order_by(Organisation.name)))


def reachable_organisation(actor, organisation_id, action: str = "organisation.view_support") -> Organisation:
    """The organisation if the actor may open it for `action`; otherwise 'not found'."""
    from helpdesk.access import can

    org = db.session.get(Organisation, as_id(organisation_id) or 0)
    if org is None or not can(actor, action, org):
        raise NotFound(_l("That organisation could not be found."))
    return org


def own_organisation(actor) -> Organisation:
    """The organisation a central admin works for (their own first)."""
    scope = scope_of(actor)
    ids = sorted(scope.central_org_ids, key=lambda i: (i != scope.organisation_id, i))
    if not ids:
        raise NotFound()
    return db.session.get(Organisation, ids[0])


def set_support_email(actor, org: Organisation, address) -> None:
    require(actor, "organisation.appoint", org)
    before = org.support_email
    org.support_email = _support_email(address)
    audit.record(actor, "set_support_email", org, organisation_id=org.id, label=org.name,
                 before={"support_email": before}, after={"support_email": org.support_email})


# ------------------------------------------------------------------ schools

def _manual_schools_allowed(org: Organisation) -> None:
    if org.autosync:
        raise Conflict(_l("%(org)s gets its schools from the sync (autosync), so schools are added, "
                          "renamed and closed in the school administrative system.", org=org.name))


def _kind(kind) -> str:
    if kind not in SCHOOL_KINDS:
        raise ValidationFailed(_l("Choose the kind of school: preschool, compulsory or upper secondary."),
                               field="kind")
    return SCHOOL_KINDS[kind]


def _unit_code(value) -> str | None:
    value = (value or "").strip() if isinstance(value, str) else ""
    if value and not (value.isdigit() and len(value) == 8):
        raise ValidationFailed(_l("The school unit code is 8 digits (skolenhetskod)."), field="school_unit_code")
    return value or None


def school_of(actor, org: Organisation, school_id) -> School:
    school = db.session.get(School, as_id(school_id) or 0)
    if school is None or school.organisation_id != org.id:
        raise NotFound(_l("That school could not be found."))
    return school


def add_school(actor, org: Organisation, *, name, kind, school_unit_code=None) -> School:
    """Central adds a school to an organisation without autosync."""
    require(actor, "organisation.manage_schools", org)
    _manual_schools_allowed(org)
    name = _text(name, "name", 200, _l("Give the school's name (at most 200 characters)."))
    types, code = _kind(kind), _unit_code(school_unit_code)
    if db.session.scalar(select(School.id).where(School.organisation_id == org.id, School.active,
                                                 func.lower(School.name) == name.lower())):
        raise Conflict(_l("The organisation already has a school named %(name)s.", name=name), field="name")
    school = School(organisation_id=org.id, name=name, school_types=types, school_unit_code=code,
                    source=Source.MANUAL)
    db.session.add(school)
    db.session.flush()
    audit.record(actor, "add_school", school, organisation_id=org.id, label=name,
                 after={"name": name, "kind": kind, "school_unit_code": code})
    return school


def rename_school(actor, org: Organisation, school: School, *, name, kind=None, school_unit_code=None) -> None:
    require(actor, "organisation.manage_schools", org)
    _manual_schools_allowed(org)
    name = _text(name, "name", 200, _l("Give the school's name (at most 200 characters)."))
    before = {"name": school.name, "school_types": school.school_types, "school_unit_code": school.school_unit_code}
    school.name = name
    if kind is not None:
        school.school_types = _kind(kind)
    if school_unit_code is not None:
        school.school_unit_code = _unit_code(school_unit_code)
    audit.record(actor, "change_school", school, organisation_id=org.id, label=name, before=before,
                 after={"name": name, "school_types": school.school_types,
                        "school_unit_code": school.school_unit_code})


def close_school(actor, org: Organisation, school: School) -> None:
    """Soft: the school leaves the lists; its tickets, groups and history stay."""
    require(actor, "organisation.manage_schools", org)
    _manual_schools_allowed(org)
    if not school.active:
        raise Conflict(_l("The school is already closed."))
    school.active, school.deactivated_at = False, utcnow()
    audit.record(actor, "close_school", school, organisation_id=org.id, label=school.name,
                 before={"active": True}, after={"active": False})
