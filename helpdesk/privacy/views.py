"""Personal data pages for the central team: retention rules with their dry run, a
person's export and erasure. Anyone else gets the same 404 as for a missing page."""
from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from helpdesk.access import can, scope_of
from helpdesk.directory.models import Person
from helpdesk.errors import Conflict, NotFound, ValidationFailed
from helpdesk.extensions import db
from helpdesk.models_base import as_id
from helpdesk.privacy import erasure, exports, labels, retention
from helpdesk.privacy.models import ErasureRecord

bp = Blueprint("privacy", __name__, url_prefix="/privacy")


def _org_id() -> int:
    """The organisation whose rules the caller manages (scope first: 404 for anyone else)."""
    org_id = scope_of(current_user).organisation_id
    if not can(current_user, "privacy.manage", org_id):
        raise NotFound()
    return org_id


def _person(person_id) -> Person:
    person = db.session.get(Person, as_id(person_id)) if as_id(person_id) else None
    if person is None or not can(current_user, "privacy.person", person):
        raise NotFound()
    return person


# ---------------------------------------------------------------- retention


@bp.route("/retention", methods=["GET", "POST"])
@login_required
def retention_page():
    org_id = _org_id()
    row = retention.settings_row(org_id)
    errors: dict[str, str] = {}
    active = row.active if row is not None else None
    proposed = row.proposed if row is not None else None
    values = {k: str(v) for k, v in (proposed or active or retention.DEFAULTS).items()}
    if request.method == "POST":
        values = {k: (request.form.get(k) or "").strip() for k in retention.DEFAULTS}
        try:
            retention.propose(current_user, org_id, values)
        except ValidationFailed as exc:
            db.session.rollback()
            errors[exc.field or "form"] = str(exc.message)
        else:
            db.session.commit()
            flash(_("Not applied yet: read the dry run below and confirm the rules."), "success")
            return redirect(url_for("privacy.retention_page") + "#dry-run")
    return render_template(
        "privacy/retention.html", values=values, errors=errors, active=active, proposed=proposed,
        proposed_run=retention.dry_run(org_id, proposed) if proposed else None,
        active_run=retention.dry_run(org_id, active) if active else None,
        proposed_fp=retention.fingerprint(proposed), active_fp=retention.fingerprint(active),
        runs=retention.recent_runs(org_id), erasures=erasure.records(org_id),
        day_keys=retention.DAY_KEYS, labels=labels, row=row), 400 if errors else 200


@bp.post("/retention/confirm")
@login_required
def retention_confirm():
    org_id = _org_id()
    try:
        retention.confirm(current_user, org_id, request.form.get("seen", ""))
    except Conflict as exc:
        db.session.rollback()
        flash(str(exc.message), "error")
    else:
        db.session.commit()
        flash(_("The retention rules are confirmed. The daily job carries them out."), "success")
    return redirect(url_for("privacy.retention_page"))


@bp.post("/retention/discard")
@login_required
def retention_discard():
    retention.discard(current_user, _org_id())
    db.session.commit()
    flash(_("The proposed change is discarded; the rules are as before."), "success")
    return redirect(url_for("privacy.retention_page"))


@bp.post("/retention/run")
@login_required
def retention_run():
    org_id = _org_id()
    row = retention.settings_row(org_id)
    if row is None or row.active is None or retention.fingerprint(row.active) != request.form.get("seen"):
        flash(_("The rules changed after that dry run was shown. Read the new dry run and run again."), "error")
        return redirect(url_for("privacy.retention_page"))
    counts = retention.run(org_id, actor=current_user)
    db.session.commit()
    flash(_("Done: %(n)d changes. The audit log has the counts per rule.", n=sum(counts.values())), "success")
    return redirect(url_for("privacy.retention_page"))


# ---------------------------------------------------------------- a person


@bp.get("/people/<int:person_id>")
@login_required
def person_page(person_id: int):
    person = _person(person_id)
    return render_template("privacy/person.html", person=person, exports=exports.of_person(person),
                           erased=erasure.previous(person))


@bp.post("/people/<int:person_id>/export")
@login_required
def request_export(person_id: int):
    person = _person(person_id)
    exports.request_export(current_user, person)
    db.session.commit()
    flash(_("The export is ready to download below."), "success")
    return redirect(url_for("privacy.person_page", person_id=person.id) + "#exports")


@bp.get("/exports/<int:export_id>")
@login_required
def download_export(export_id: int):
    name, data = exports.deliver(current_user, export_id)
    db.session.commit()
    return Response(data, mimetype="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "Cache-Control": "no-store"})


@bp.get("/people/<int:person_id>/erase")
@login_required
def erase_plan(person_id: int):
    person = _person(person_id)
    done = erasure.previous(person)
    if done is not None:
        return redirect(url_for("privacy.erasure_report", record_id=done.id))
    return render_template("privacy/erase.html", person=person, plan=erasure.plan(person), labels=labels)


@bp.post("/people/<int:person_id>/erase")
@login_required
def erase(person_id: int):
    person = _person(person_id)
    try:
        record = erasure.erase(current_user, person, request.form.get("seen", ""))
    except Conflict as exc:
        db.session.rollback()
        flash(str(exc.message), "error")
        return redirect(url_for("privacy.erase_plan", person_id=person.id))
    db.session.commit()
    flash(_("The person is erased. This report is kept."), "success")
    return redirect(url_for("privacy.erasure_report", record_id=record.id))


@bp.get("/erasures/<int:record_id>")
@login_required
def erasure_report(record_id: int):
    record = db.session.get(ErasureRecord, as_id(record_id)) if as_id(record_id) else None
    if record is None or not can(current_user, "privacy.manage", record.organisation_id):
        raise NotFound()
    return render_template("privacy/report.html", record=record, labels=labels)
