"""Log in and out, own account, forgotten password."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from helpdesk.auth import login_sessions, ratelimits, services, sessions
from helpdesk.auth.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    ResetPasswordForm,
    TokenForm,
)
from helpdesk.auth.ratelimits import login_limits
from helpdesk.core.views import safe_next
from helpdesk.errors import ValidationFailed
from helpdesk.extensions import db

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
@login_limits
def login():
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            ratelimits.failed()
            form.password.errors.append(_("The e-mail address or the password is wrong."))
        else:
            ratelimits.succeeded()
            sessions.begin(user, method="password", remember=form.remember.data)
            db.session.commit()
            return redirect(safe_next(request.args.get("next"), url_for("core.home")))
    expired = session.pop("idle_expired", False)
    return render_template("auth/login.html", form=form, expired=expired)


@bp.post("/logout")
def logout():
    sessions.end()
    flash(_("You are logged out."), "success")
    return redirect(url_for("core.home"))


def _account_page(password_form=None, token_form=None, new_token=None, status=200):
    return render_template(
        "auth/account.html",
        password_form=password_form or ChangePasswordForm(prefix="pw"),
        token_form=token_form or TokenForm(prefix="tok"),
        tokens=services.tokens_of(current_user),
        new_token=new_token,
        login_sessions=[(row, login_sessions.is_current(row, sessions.current_id()))
                        for row in login_sessions.live_sessions(current_user)],
    ), status


@bp.get("/account")
@login_required
def account():
    return _account_page()


@bp.post("/account/password")
@login_required
def change_password():
    form = ChangePasswordForm(prefix="pw")
    if form.validate_on_submit():
        try:
            # This browser's session lives on; every other one and every API token ends.
            services.change_password(current_user, form.current.data, form.password.data,
                                     form.confirm.data, keep_session=sessions.current_id())
        except ValidationFailed as exc:
            getattr(form, exc.field or "password").errors.append(str(exc.message))
        else:
            db.session.commit()
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("auth.account"))
    return _account_page(password_form=form, status=400)


@bp.post("/account/sessions/end-others")
@login_required
def end_other_sessions():
    ended = services.log_out_everywhere_else(current_user, sessions.current_id())
    db.session.commit()
    flash(ngettext("%(num)d other session has been logged out.",
                   "%(num)d other sessions have been logged out.", ended), "success")
    return redirect(url_for("auth.account"))


@bp.post("/account/tokens")
@login_required
def create_token():
    form = TokenForm(prefix="tok")
    if form.validate_on_submit():
        try:
            _token, raw = services.issue_token(
                current_user, form.name.data, scopes=services.SCOPES_UP_TO[form.scope.data],
                expires_in_days=int(form.expires.data) if form.expires.data else None)
        except ValidationFailed as exc:
            getattr(form, {"scopes": "scope", "expires_in_days": "expires"}.get(exc.field, "name")).errors.append(
                str(exc.message))
        else:
            db.session.commit()
            # Shown once, in this response only: it is stored hashed and cannot be shown again.
            return _account_page(new_token=raw)
    return _account_page(token_form=form, status=400)


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    services.revoke_token(current_user, token_id)
    db.session.commit()
    flash(_("The token has been revoked."), "success")
    return redirect(url_for("auth.account"))


@bp.route("/forgot", methods=["GET", "POST"])
@login_limits(kind=ratelimits.RESET, count_every_request=True)
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
        # The same words whether or not the address has an account.
        flash(_("If the address belongs to an account, a link to choose a new password is "
                "on its way. The link works once and for one hour."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form), (400 if form.is_submitted() else 200)


def _password_page(token: str, *, check, use, template: str, saved: str, invalid):
    """A page where a single-use link's holder chooses a password (reset or invitation)."""
    form = ResetPasswordForm()
    try:
        check(token)
    except ValidationFailed as exc:
        return invalid(exc)
    if form.validate_on_submit():
        try:
            use(token, form.password.data, form.confirm.data)
        except ValidationFailed as exc:
            getattr(form, exc.field or "password").errors.append(str(exc.message))
        else:
            db.session.commit()
            flash(saved, "success")
            return redirect(url_for("auth.login"))
    return render_template(template, form=form), (400 if form.is_submitted() else 200)


def _back_to_forgot(exc):
    flash(str(exc.message), "error")
    return redirect(url_for("auth.forgot_password"))


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    return _password_page(token, check=services.check_reset_token, use=services.reset_password,
                          template="auth/reset.html", saved=_("Your new password is saved. Log in with it."),
                          invalid=_back_to_forgot)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    """An invited person chooses a password with a single-use link (7 days); an expired or
    used one says so (400) and changes nothing."""
    from helpdesk.auth import accounts

    return _password_page(
        token, check=accounts.check_invitation, use=accounts.accept_invitation, template="auth/invitation.html",
        saved=_("Your password is saved. Log in with your e-mail address and the new password."),
        invalid=lambda exc: (render_template("auth/invitation.html", form=None, message=str(exc.message)), 400))
