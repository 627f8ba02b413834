"""The form behind the accessibility statement's "report a problem" (see accessibility.py)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from helpdesk.errors import ValidationFailed
from helpdesk.extensions import db, limiter
from helpdesk.tickets import accessibility
from helpdesk.tickets.forms import AccessibilityReportForm
from helpdesk.tickets.views import _form_errors, _guest_email_key, _guest_limit, bp


def report_url() -> str:
    return url_for("tickets.accessibility_report")


@bp.route("/help/accessibility-problem", methods=["GET", "POST"])
@limiter.limit(_guest_limit, methods=["POST"], scope="guest-address")
@limiter.limit(_guest_limit, key_func=_guest_email_key, methods=["POST"], scope="guest-email")
def accessibility_report():
    form = AccessibilityReportForm()
    known = current_user.is_authenticated
    schools = accessibility.schools_for(current_user)
    form.school_id.choices = [("", _("Choose a school"))] + [
        (str(s.id), s.name if known else f"{s.name} ({s.organisation.name})") for s in schools]
    if len(schools) == 1 and not form.school_id.data:
        form.school_id.data = str(schools[0].id)
    if request.method == "POST":
        if form.website.data:
            # A robot filled in the hidden field: answer as if all went well, do nothing.
            return render_template("tickets/guest_sent.html")
        locale = str(get_locale() or "sv")
        try:
            if known:
                ticket = accessibility.report_problem(current_user, school_id=form.school_id.data,
                                                      page=form.page.data, body=form.body.data, locale=locale)
            else:
                accessibility.start_report(name=form.name.data, email=form.email.data,
                                           school_id=form.school_id.data, page=form.page.data,
                                           body=form.body.data, locale=locale)
        except ValidationFailed as exc:
            db.session.rollback()
            _form_errors(form, exc)
            return render_template("tickets/accessibility_report.html", form=form, known=known), 400
        db.session.commit()
        if not known:
            return render_template("tickets/guest_sent.html")
        flash(_("Thank you. The central support team has your report as question %(number)s.",
                number=ticket.number), "success")
        return redirect(url_for("tickets.mine") if _can_follow() else url_for("core.accessibility"))
    return render_template("tickets/accessibility_report.html", form=form, known=known)


def _can_follow() -> bool:
    from helpdesk.access import can

    return can(current_user, "tickets.file")
