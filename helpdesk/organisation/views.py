"""Pages: the operator's organisations, the support organisation, and schools by hand."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from helpdesk.access import can, require
from helpdesk.auth.models import Role, RoleAssignment, User
from helpdesk.directory.models import Group, Vendor
from helpdesk.errors import Conflict, ValidationFailed
from helpdesk.extensions import db
from helpdesk.organisation import appointments, contacts, organisations
from helpdesk.organisation.forms import (
    AppointForm,
    InviteForm,
    OrganisationForm,
    SchoolForm,
    SupportAddressForm,
    VendorAgentForm,
)

bp = Blueprint("organisation", __name__)


def _field_error(form, exc) -> None:
    target = getattr(form, exc.field or "", None)
    if target is not None and hasattr(target, "errors"):
        target.errors = list(target.errors) + [str(exc.message)]
    else:
        flash(str(exc.message), "error")


def _attempt(form, change, success, render):
    """Run a service call; bad input or a conflict goes back to the page (400/409) with the
    message, nothing changed; success commits and follows the redirect `success` returns."""
    try:
        result = change()
    except (ValidationFailed, Conflict) as exc:
        db.session.rollback()
        _field_error(form, exc)
        return render(), exc.status_code
    db.session.commit()
    return success(result)


# ------------------------------------------------------------ the operator

def _vendors():
    return list(db.session.scalars(select(Vendor).order_by(Vendor.name)))


def _vendor_agents():
    return list(db.session.execute(
        select(RoleAssignment, User, Vendor).join(User, User.id == RoleAssignment.user_id)
        .join(Vendor, Vendor.id == User.vendor_id).where(RoleAssignment.role == Role.VENDOR_AGENT)
        .order_by(Vendor.name, User.email)).tuples())


def _operator_page(form=None, agent_form=None):
    agent_form = agent_form or VendorAgentForm(formdata=None)
    agent_form.vendor.choices = [(v.id, v.name) for v in _vendors()]
    return render_template("organisation/organisations.html", form=form or OrganisationForm(formdata=None),
                           agent_form=agent_form, organisations=organisations.all_organisations(current_user),
                           agents=_vendor_agents())


@bp.route("/admin/organisations", methods=["GET", "POST"])
@login_required
def organisations_page():
    require(current_user, "organisation.operate")
    if request.method == "GET":
        return _operator_page()
    form = OrganisationForm()

    def done(org):
        flash(_("%(name)s is created. Invite its first central administrator.", name=org.name), "success")
        return redirect(url_for("organisation.organisation_page", org_id=org.id))
    return _attempt(form, lambda: organisations.create_organisation(
        current_user, code=form.code.data, name=form.name.data, autosync=form.autosync.data,
        vendor=form.vendor.data or None, support_email=form.support_email.data),
        done, lambda: _operator_page(form=form))


@bp.post("/admin/organisations/vendor-agents")
@login_required
def vendor_agent():
    require(current_user, "organisation.operate")
    form = VendorAgentForm()

    def done(outcome):
        flash(_("%(email)s is now a vendor agent.", email=outcome.user.email), "success")
        return redirect(url_for("organisation.organisations_page"))
    return _attempt(form, lambda: appointments.appoint(
        current_user, role=Role.VENDOR_AGENT, vendor_id=form.vendor.data, email=form.email.data,
        name=form.name.data),
        done, lambda: _operator_page(agent_form=form))


def _organisation_page(org, form=None):
    return render_template("organisation/organisation.html", org=org, form=form or InviteForm(formdata=None),
                           support=contacts.support_organisation(org))


@bp.get("/admin/organisations/<int:org_id>")
@login_required
def organisation_page(org_id: int):
    require(current_user, "organisation.operate")
    return _organisation_page(organisations.reachable_organisation(current_user, org_id, "organisation.operate"))


@bp.post("/admin/organisations/<int:org_id>/invite")
@login_required
def invite_admin(org_id: int):
    require(current_user, "organisation.operate")
    org = organisations.reachable_organisation(current_user, org_id, "organisation.operate")
    form = InviteForm()

    def done(outcome):
        flash(_("%(email)s is a central administrator of %(org)s and has been told by e-mail.",
                email=outcome.user.email, org=org.name), "success")
        return redirect(url_for("organisation.organisation_page", org_id=org.id))
    return _attempt(form, lambda: appointments.appoint(
        current_user, role=Role.CENTRAL_ADMIN, organisation_id=org.id, email=form.email.data),
        done, lambda: _organisation_page(org, form))


# ------------------------------------------------- the support organisation

def _support_org():
    org_id = request.args.get("organisation_id") or request.form.get("organisation_id")
    if org_id:
        return organisations.reachable_organisation(current_user, org_id)
    require(current_user, "organisation.view_support")
    return organisations.own_organisation(current_user)


def _support_page(org, form=None, address_form=None):
    form = form or AppointForm(formdata=None)
    support = contacts.support_organisation(org)
    form.school_id.choices = [("", "–")] + [(str(s.school.id), s.school.name) for s in support.schools]
    form.group_id.choices = [("", "–")] + [
        (str(g.id), f"{g.name} ({g.school.name})") for g in db.session.scalars(
            select(Group).where(Group.organisation_id == org.id, Group.active).order_by(Group.name).limit(2000))]
    address_form = address_form or SupportAddressForm(formdata=None, data={"support_email": org.support_email})
    return render_template("organisation/support.html", org=org, support=support, form=form,
                           address_form=address_form, may_appoint=can(current_user, "organisation.appoint", org))


def _back_to_support(org_id: int, message: str, warnings=()):
    flash(message, "success")
    for warning in warnings:
        flash(str(warning), "warning")
    return redirect(url_for("organisation.support", organisation_id=org_id))


@bp.get("/organisation/support")
@login_required
def support():
    return _support_page(_support_org())


@bp.post("/organisation/support/appoint")
@login_required
def appoint():
    org = _support_org()
    require(current_user, "organisation.appoint", org)
    form = AppointForm()

    def done(outcome):
        return _back_to_support(org.id, _("%(name)s has the role and has been told by e-mail.",
                                          name=outcome.user.display_name), outcome.warnings)
    return _attempt(form, lambda: appointments.appoint(
        current_user, role=form.role.data, organisation_id=org.id, email=form.email.data,
        school_id=form.school_id.data or None, group_id=form.group_id.data or None),
        done, lambda: _support_page(org, form=form))


@bp.post("/organisation/support/roles/<int:assignment_id>/remove")
@login_required
def remove_role(assignment_id: int):
    org_id = appointments.get_assignment(current_user, assignment_id).organisation_id
    try:
        warnings = appointments.remove(current_user, assignment_id)
    except Conflict as exc:
        db.session.rollback()
        flash(str(exc.message), "error")
        return redirect(url_for("organisation.support", organisation_id=org_id)), 303
    db.session.commit()
    return _back_to_support(org_id, _("The role is removed and the person has been told by e-mail."), warnings)


@bp.post("/organisation/support/address")
@login_required
def support_address():
    org = _support_org()
    require(current_user, "organisation.appoint", org)
    form = SupportAddressForm()

    def done(_result):
        return _back_to_support(org.id, _("The shared address is saved."))
    return _attempt(form, lambda: organisations.set_support_email(current_user, org, form.support_email.data),
                    done, lambda: _support_page(org, address_form=form))


# ----------------------------------------------------------------- schools

def _schools_page(org, form=None):
    from helpdesk.directory.models import School

    schools = list(db.session.scalars(select(School).where(School.organisation_id == org.id)
                                      .order_by(School.active.desc(), School.name)))
    return render_template("organisation/schools.html", org=org, schools=schools,
                           form=form or SchoolForm(formdata=None), kinds=organisations.KIND_OF_TYPE)


def _schools_org():
    require(current_user, "organisation.manage_schools")
    return organisations.own_organisation(current_user)


@bp.route("/organisation/schools", methods=["GET", "POST"])
@login_required
def schools():
    org = _schools_org()
    if request.method == "GET":
        return _schools_page(org)
    form = SchoolForm()

    def done(school):
        flash(_("%(name)s is added.", name=school.name), "success")
        return redirect(url_for("organisation.schools"))
    return _attempt(form, lambda: organisations.add_school(
        current_user, org, name=form.name.data, kind=form.kind.data, school_unit_code=form.school_unit_code.data),
        done, lambda: _schools_page(org, form))


@bp.post("/organisation/schools/<int:school_id>/rename")
@login_required
def rename_school(school_id: int):
    org = _schools_org()
    school = organisations.school_of(current_user, org, school_id)
    form = SchoolForm()

    def done(_r):
        flash(_("The school is changed."), "success")
        return redirect(url_for("organisation.schools"))
    return _attempt(form, lambda: organisations.rename_school(
        current_user, org, school, name=form.name.data, kind=form.kind.data or None,
        school_unit_code=form.school_unit_code.data), done, lambda: _schools_page(org, form))


@bp.post("/organisation/schools/<int:school_id>/close")
@login_required
def close_school(school_id: int):
    org = _schools_org()
    school = organisations.school_of(current_user, org, school_id)
    form = SchoolForm()

    def done(_r):
        flash(_("%(name)s is closed. Its questions and history are kept.", name=school.name), "success")
        return redirect(url_for("organisation.schools"))
    return _attempt(form, lambda: organisations.close_school(current_user, org, school),
                    done, lambda: _schools_page(org, form))
