"""School-account login (SAML): the SP's metadata, starting a login, the IdP's answer and
logout, and the central admin's settings page."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from helpdesk.access import scope_of
from helpdesk.admin.audit import record
from helpdesk.auth import sessions
from helpdesk.auth.saml import services, sp
from helpdesk.auth.saml.forms import SamlSettingsForm
from helpdesk.auth.saml.services import SamlRefused
from helpdesk.core.views import safe_next
from helpdesk.errors import NotFound, ValidationFailed
from helpdesk.extensions import db

bp = Blueprint("saml", __name__)


@bp.get("/auth/saml/metadata")
def metadata():
    return Response(sp.metadata_xml(), mimetype="application/samlmetadata+xml")


def _problem(exc: SamlRefused, operation: str = "saml_login_refused"):
    """Refusals are audited in their own transaction: whatever the failed attempt wrote is undone."""
    from helpdesk.directory.models import Organisation

    db.session.rollback()
    org = db.session.get(Organisation, exc.organisation_id) if exc.organisation_id else None
    record(None, operation, org, organisation_id=exc.organisation_id, object_type="organisation",
           label=(exc.label or (org.name if org else ""))[:300], after={"reason": exc.reason}, via="saml")
    db.session.commit()
    return render_template("auth/saml/problem.html", message=exc.message, reason=exc.reason, org=org), exc.status


@bp.app_context_processor
def _login_choices():
    # A function, so only the login page pays for the query.
    return {"saml_login_organisations": services.organisations_with_saml}


@bp.get("/auth/saml/login/<code>")
def login(code: str):
    try:
        location = services.start_login(code, safe_next(request.args.get("next"), "") or None)
    except NotFound as exc:
        return render_template("auth/saml/problem.html", message=exc.message, reason="unknown", org=None), 404
    except SamlRefused as exc:
        return _problem(exc)
    db.session.commit()
    return redirect(location, 303)


@bp.post("/auth/saml/acs")
def acs():
    try:
        user, next_url = services.consume(request.form.get("SAMLResponse", ""))
    except SamlRefused as exc:
        return _problem(exc)
    sessions.begin(user, method="saml")
    db.session.commit()
    return redirect(safe_next(next_url, url_for("core.home")), 303)


@bp.get("/auth/saml/sls")
def sls():
    try:
        location, users = services.single_logout(request.args.to_dict())
    except SamlRefused as exc:
        return _problem(exc, "saml_logout_refused")
    for user in users:
        record(None, "saml_logout", user, organisation_id=user.organisation_id, object_type="user",
               label=user.display_name, via="saml")
    # The browser that carries the request is the person's own: end its session here too.
    if current_user.is_authenticated and current_user in users:
        sessions.end()
    db.session.commit()
    if location:
        return redirect(location, 303)
    return render_template("auth/saml/problem.html", message=_("You are logged out."), reason="logged_out",
                           org=None)


def _managed_org():
    """The organisation the caller is central admin of (the first, by id); others get 404."""
    from helpdesk.directory.models import Organisation

    org_ids = sorted(scope_of(current_user).central_org_ids)
    org = db.session.get(Organisation, org_ids[0]) if org_ids else None
    if org is None:
        abort(404)
    return org


def _settings_page(org, form, status=200):
    settings = services.settings_of(org.id)
    if request.method == "GET" and settings is not None:
        form.metadata_url.data = settings.metadata_url
        form.id_attribute.data = settings.id_attribute
        form.password_login.data = settings.password_login
    return render_template("auth/saml/settings.html", org=org, form=form, settings=settings,
                           sp_entity_id=sp.entity_id(), sp_metadata_url=url_for("saml.metadata", _external=False),
                           sp_metadata_full=sp.public_url() + url_for("saml.metadata"),
                           login_url=url_for("saml.login", code=org.code)), status


@bp.route("/admin/sign-in/school-account", methods=["GET", "POST"])
@login_required
def settings():
    org = _managed_org()
    form = SamlSettingsForm()
    if request.method == "GET":
        return _settings_page(org, form)
    if not form.validate_on_submit():
        return _settings_page(org, form, 400)
    upload = request.files.get(form.metadata_file.name)
    xml = None
    if upload is not None and upload.filename:
        raw = upload.read(2_000_001)
        try:
            xml = raw.decode("utf-8") if len(raw) <= 2_000_000 else ""
        except UnicodeDecodeError:
            xml = ""
    try:
        services.save_settings(current_user, org, metadata_xml=xml, metadata_url=form.metadata_url.data,
                               id_attribute=form.id_attribute.data, password_login=form.password_login.data)
    except ValidationFailed as exc:
        db.session.rollback()
        record(current_user, "saml_settings_refused", org, organisation_id=org.id, label=org.name,
               after={"reason": str(exc.message)[:200]})
        db.session.commit()
        getattr(form, exc.field or "metadata_file").errors.append(str(exc.message))
        return _settings_page(org, form, 400)
    db.session.commit()
    flash(_("The school-account login is saved."), "success")
    return redirect(url_for("saml.settings"))


@bp.post("/admin/sign-in/school-account/remove")
@login_required
def remove():
    org = _managed_org()
    services.remove_settings(current_user, org)
    db.session.commit()
    flash(_("Login with a school account is turned off."), "success")
    return redirect(url_for("saml.settings"))
