from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Optional

from helpdesk.errors import ValidationFailed
from helpdesk.extensions import db
from helpdesk.mailin import services
from helpdesk.mailin.reasons import reason_text

bp = Blueprint("mailin", __name__)


class AddressForm(FlaskForm):
    address = StringField(_l("Address for new questions"), validators=[Optional()])


@bp.route("/mail/quarantine")
@login_required
def quarantine():
    """What the mail reader refused for the organisation, and why."""
    rows = services.quarantine(current_user)
    return render_template("mailin/quarantine.html", rows=rows, reason_text=reason_text)


@bp.route("/mail/address", methods=["GET", "POST"])
@login_required
def address():
    form = AddressForm()
    if request.method == "GET":
        form.address.data = services.inbound_address(current_user) or ""
        return render_template("mailin/address.html", form=form)
    try:
        org = services.set_inbound_address(current_user, form.address.data)
    except ValidationFailed as exc:
        db.session.rollback()
        form.address.errors = [str(exc.message)]
        return render_template("mailin/address.html", form=form), 400
    db.session.commit()
    flash(_("Mail to %(address)s now becomes questions.", address=org.inbound_email) if org.inbound_email
          else _("The address for new questions is closed."), "success")
    return redirect(url_for("mailin.address"))
