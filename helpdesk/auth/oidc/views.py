"""Guardians log in with e-legitimation (BankID, Freja) through an OpenID provider, and the
central team's settings page.

Several organisations: the organisation in the login URL (`/auth/oidc/login/EXK`) decides
whose guardian logs in. Through the installation-wide login a number that matches
guardians in several organisations (one account each) gets a page to choose which one.
"""
from __future__ import annotations

import time

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import func, select

from helpdesk.admin import audit
from helpdesk.auth import sessions
from helpdesk.auth.oidc import guardians, settings
from helpdesk.auth.oidc.forms import OidcSettingsForm
from helpdesk.auth.oidc.models import OidcSettings
from helpdesk.auth.oidc.provider import OidcFailed, Pending, authorization_url, finish, installation_client
from helpdesk.directory.models import Organisation, Person
from helpdesk.errors import NotFound, ValidationFailed
from helpdesk.extensions import db
from helpdesk.models_base import as_id
from helpdesk.organisation import organisations

bp = Blueprint("oidc", __name__)

PENDING = "oidc_pending"
CHOICE = "oidc_choice"
# How long the browser may stay at the provider, and on the choice page.
PENDING_SECONDS = 600
VIA = "oidc"


def _redirect_uri() -> str:
    from flask import current_app

    return current_app.config.get("OIDC_REDIRECT_URI") or url_for("oidc.callback", _external=True)


def _refused(exc: OidcFailed, organisation_id: int | None):
    """Every refusal: an audit entry with the reason (never the number), a page in the
    reader's language with the ways on, a 4xx."""
    db.session.rollback()
    session.pop(PENDING, None)
    session.pop(CHOICE, None)
    audit.record(None, "oidc_login_refused", organisation_id=organisation_id, object_type="login",
                 label=exc.reason, after={"reason": exc.reason}, via=VIA)
    db.session.commit()
    return render_template("auth/oidc/refused.html", message=str(exc.message), reason=exc.reason), exc.status_code


def _organisations_with_settings() -> list[Organisation]:
    return list(db.session.scalars(
        select(Organisation).join(OidcSettings, OidcSettings.organisation_id == Organisation.id)
        .where(OidcSettings.enabled, Organisation.active).order_by(Organisation.name)))


def _start(client, org: Organisation | None):
    try:
        url, pending = authorization_url(client, _redirect_uri())
    except OidcFailed as exc:
        return _refused(exc, org.id if org else client.organisation_id)
    session[PENDING] = {"state": pending.state, "nonce": pending.nonce, "verifier": pending.code_verifier,
                        "org": org.id if org else None, "until": time.time() + PENDING_SECONDS}
    return redirect(url)


@bp.get("/auth/oidc/login")
def login():
    client = installation_client()
    if client is not None:
        return _start(client, None)
    orgs = _organisations_with_settings()
    if not orgs:
        raise NotFound(_l("Logging in with e-legitimation is not turned on here."))
    return render_template("auth/oidc/organisations.html", organisations=orgs)


def _organisation_by_code(code: str) -> Organisation:
    org = db.session.scalar(select(Organisation).where(
        func.upper(Organisation.code) == (code or "").strip().upper()[:8], Organisation.active))
    if org is None:
        raise NotFound(_l("There is no organisation with that code here. Check the address."))
    return org


@bp.get("/auth/oidc/login/<code>")
def login_at(code: str):
    org = _organisation_by_code(code)
    client = settings.client_for(org)
    if client is None:
        raise NotFound(_l("%(org)s has not turned on logging in with e-legitimation.", org=org.name))
    return _start(client, org)


@bp.get("/auth/oidc/callback")
def callback():
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or pending.get("until", 0) < time.time():
        return _refused(OidcFailed("no_login_started", _l(
            "The login had expired or came from somewhere else. Start again.")), None)
    org_id = pending.get("org")
    org = db.session.get(Organisation, org_id) if org_id else None
    client = settings.client_for(org) if org_id else installation_client()
    if client is None:
        return _refused(OidcFailed("not_configured"), org_id)
    try:
        claims = finish(client, Pending(pending["state"], pending["nonce"], pending["verifier"]),
                        request.args, _redirect_uri())
        session.pop(PENDING, None)
        matches = guardians.guardians_with_number(guardians.normalised_number(claims.get(client.claim)), org_id)
        if not matches:
            raise OidcFailed("not_a_guardian", _l(
                "You are not registered as the guardian of a child at a school that uses this portal, "
                "so there is no account for you here."), status=403)
        if len(matches) > 1:
            session[CHOICE] = {"people": [p.id for p in matches], "until": time.time() + PENDING_SECONDS}
            return redirect(url_for("oidc.choose"))
        return _log_in(matches[0])
    except OidcFailed as exc:
        return _refused(exc, org_id)


def _log_in(person: Person):
    user, created = guardians.account_for(person)
    if created:
        audit.record(user, "oidc_account_linked", person, organisation_id=person.organisation_id,
                     label=person.display_name, via=VIA)
    audit.record(user, "oidc_login", person, organisation_id=person.organisation_id,
                 label=person.display_name, via=VIA)
    sessions.begin(user, method="oidc")
    db.session.commit()
    return redirect(url_for("core.home"))


@bp.route("/auth/oidc/choose", methods=["GET", "POST"])
def choose():
    """One number, guardians in several organisations: one account each, the person picks."""
    choice = session.get(CHOICE)
    if not isinstance(choice, dict) or choice.get("until", 0) < time.time():
        session.pop(CHOICE, None)
        raise NotFound(_l("There is no login waiting for a choice. Start the login again."))
    people = [p for p in (db.session.get(Person, i) for i in choice.get("people", [])) if p is not None]
    if request.method == "POST":
        wanted = as_id(request.form.get("person_id"))
        person = next((p for p in people if p.id == wanted), None)
        if person is None:
            return render_template("auth/oidc/choose.html", people=people,
                                   error=_("Choose one of the organisations.")), 400
        try:
            return _log_in(person)
        except OidcFailed as exc:
            return _refused(exc, person.organisation_id)
    return render_template("auth/oidc/choose.html", people=people, error=None)


# ---------------------------------------------------------------- the settings page

def _settings_org():
    org_id = request.values.get("organisation_id")
    if org_id:
        return organisations.reachable_organisation(current_user, org_id, "oidc.configure")
    from helpdesk.access import require

    require(current_user, "oidc.configure")
    return organisations.own_organisation(current_user)


@bp.route("/admin/sign-in/e-legitimation", methods=["GET", "POST"])
@login_required
def settings_page():
    org = _settings_org()
    found = settings.settings_of(org)
    form = OidcSettingsForm(obj=found) if request.method == "GET" else OidcSettingsForm()
    if request.method == "GET" and found is None:
        form.client_secret_env.data = settings.default_secret_env(org)
    status = 200
    if request.method == "POST":
        data = {name: form[name].data for name in ("enabled", "issuer", "client_id", "client_secret_env",
                                                    "claim", "scopes")}
        if form.validate_on_submit():
            try:
                _saved, secret_set = settings.save(current_user, org, data)
            except ValidationFailed as exc:
                db.session.commit()  # keeps the audit entry of a refused provider, nothing else
                target = getattr(form, exc.field or "issuer")
                target.errors = list(target.errors) + [str(exc.message)]
                status = 400
            else:
                db.session.commit()
                flash(_("The e-legitimation settings are saved."), "success")
                if not secret_set:
                    flash(_("The environment variable %(name)s is not set on the server: logins will fail "
                            "until the operator sets it.", name=data["client_secret_env"]), "warning")
                return redirect(url_for("oidc.settings_page", organisation_id=org.id))
        else:
            status = 400
    login_url = url_for("oidc.login_at", code=org.code, _external=True)
    return render_template("auth/oidc/settings.html", org=org, form=form, login_url=login_url,
                           callback_url=_redirect_uri()), status
