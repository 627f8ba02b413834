"""Webhook pages for the central team: the list and add form, a hook with its delivery log,
a test event, disable/enable and delete. Anyone else gets the 404 of a missing page."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from helpdesk.errors import ValidationFailed
from helpdesk.extensions import db
from helpdesk.webhooks import labels, services

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")


@bp.route("/", methods=["GET", "POST"])
@login_required
def index():
    hooks = services.hooks_of(current_user)  # scope first: 404 for anyone but central
    errors: dict[str, str] = {}
    values = {"url": "", "events": []}
    if request.method == "POST":
        values = {"url": request.form.get("url", ""), "events": request.form.getlist("events")}
        try:
            hook = services.create_hook(current_user, values["url"], values["events"])
        except ValidationFailed as exc:
            db.session.rollback()
            errors[exc.field or "url"] = str(exc.message)
        else:
            secret = hook.secret
            db.session.commit()
            # The secret is shown on this one answer only, never in a redirect or a cookie.
            return render_template("webhooks/created.html", hook=hook, secret=secret, labels=labels)
    return render_template("webhooks/index.html", hooks=hooks, errors=errors, values=values,
                           event_types=services.EVENT_TYPES, labels=labels), 400 if errors else 200


@bp.get("/<hook_id>")
@login_required
def hook_page(hook_id):
    hook = services.get_hook(current_user, hook_id)
    return render_template("webhooks/hook.html", hook=hook, labels=labels,
                           deliveries=services.deliveries_of(current_user, hook))


def _act(hook_id, action, message):
    hook = services.get_hook(current_user, hook_id)
    action(hook)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("webhooks.hook_page", hook_id=hook.id))


@bp.post("/<hook_id>/test")
@login_required
def send_test(hook_id):
    return _act(hook_id, lambda h: services.send_test(current_user, h),
                _("A test event is queued; it is sent within a minute."))


@bp.post("/<hook_id>/disable")
@login_required
def disable(hook_id):
    return _act(hook_id, lambda h: services.set_active(current_user, h, False), _("The webhook is disabled."))


@bp.post("/<hook_id>/enable")
@login_required
def enable(hook_id):
    return _act(hook_id, lambda h: services.set_active(current_user, h, True), _("The webhook is enabled."))


@bp.post("/<hook_id>/delete")
@login_required
def delete(hook_id):
    hook = services.get_hook(current_user, hook_id)
    services.delete_hook(current_user, hook)
    db.session.commit()
    flash(_("The webhook is deleted."), "success")
    return redirect(url_for("webhooks.index"))
