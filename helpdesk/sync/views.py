"""The sync status page for the central team: recent runs, their changes and warnings, and
manual data the sync left pointing at removed things."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from helpdesk.access import require, scope_of
from helpdesk.extensions import db
from helpdesk.sync.held import percent
from helpdesk.sync.models import SyncFlag, SyncRun, SyncRunStatus
from helpdesk.sync.services import confirm_run as confirm_run_service
from helpdesk.sync.services import resolve_flag as resolve_flag_service

bp = Blueprint("sync", __name__, url_prefix="/sync")

# A flag's reason is stored as "key|name" so it can be read in the reader's language.
_WHAT = {
    "membership": _l("a manual group membership"),
    "mentor_relation": _l("a manual mentor link"),
    "guardian_relation": _l("a manual guardian relation"),
    "duty": _l("a manual duty"),
    "teaching_group_course": _l("a course link"),
    "person": _l("a person added by hand"),
}


def describe_flag(flag: SyncFlag) -> str:
    key, _sep, name = flag.reason.partition("|")
    what = _WHAT.get(flag.object_type, flag.object_type)
    if key == "person_removed":
        return _("%(name)s was removed by the sync, but %(what)s still points at them.", name=name, what=what)
    if key == "group_removed":
        return _("The group %(name)s was removed by the sync, but %(what)s still points at it.", name=name,
                 what=what)
    if key == "now_synced":
        return _("%(name)s now arrives through the sync, but was added by hand: the sync left them alone.",
                 name=name)
    return flag.reason


@bp.get("/")
@login_required
def status():
    require(current_user, "sync.view_status")
    org_ids = scope_of(current_user).central_org_ids
    # A run that failed before reading says nothing about any one organisation's people.
    runs = [r for r in db.session.scalars(select(SyncRun).order_by(SyncRun.id.desc()).limit(200))
            if r.organisation_ids is None or set(r.organisation_ids) & org_ids][:20]
    flags = list(db.session.scalars(select(SyncFlag).where(
        SyncFlag.organisation_id.in_(org_ids), SyncFlag.resolved_at.is_(None)).order_by(SyncFlag.id.desc())
        .limit(200)))
    # Held runs wait for central until confirmed or until a later run has been applied.
    held = []
    for r in runs:
        if r.status is SyncRunStatus.OK:
            break
        if r.status is SyncRunStatus.HELD:
            held.append(r)
    return render_template("sync/status.html", runs=runs, last=runs[0] if runs else None, flags=flags,
                           describe=describe_flag, held=held, percent=percent,
                           limit=percent(current_app.config["SYNC_MAX_REMOVAL_SHARE"] * 100, 100))


@bp.post("/runs/<int:run_id>/confirm")
@login_required
def confirm_run(run_id: int):
    from helpdesk.sync.importer import ConfirmRefused, SyncBusy

    require(current_user, "sync.view_status")
    try:
        result = confirm_run_service(current_user, run_id)
    except ConfirmRefused as exc:
        flash(str(exc.message), "error")
    except SyncBusy:
        flash(_("Another sync run is working right now; try again when it has finished."), "error")
    else:
        db.session.commit()
        flash(_("Sync run %(id)s is confirmed and applied.", id=result.run.id), "success")
    return redirect(url_for("sync.status"))


@bp.post("/flags/<int:flag_id>/resolve")
@login_required
def resolve_flag(flag_id: int):
    require(current_user, "sync.view_status")
    if resolve_flag_service(current_user, flag_id):
        db.session.commit()
    flash(_("The note is marked as handled."), "success")
    return redirect(url_for("sync.status"))
