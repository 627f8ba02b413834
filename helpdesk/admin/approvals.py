"""Approval requests: rule 5-8 operations asked for by local or group admins, decided by central.

Approving runs the very same handler with the stored parameters, after checking that the
target is still there and unchanged; if it is not, nothing is done and the request says why.
"""
from __future__ import annotations

from flask import render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from helpdesk.access import scope_of
from helpdesk.admin import audit

# Asking and finding live in approval_requests (no cycle with the operations); kept importable here.
from helpdesk.admin.approval_requests import (  # noqa: F401
    MAX_REASON,
    announce,
    create_request,
    get_request,
    pending_count,
    queue_for,
    requests_of,
)
from helpdesk.admin.guard import decide
from helpdesk.admin.models import ApprovalRequest, ApprovalStatus
from helpdesk.admin.operations import HANDLERS, Context, plan
from helpdesk.errors import Conflict, HelpdeskError, PermissionDenied, ValidationFailed
from helpdesk.extensions import db
from helpdesk.models_base import utcnow
from helpdesk.notify.services import queue_mail


def _require_decider(actor, req: ApprovalRequest) -> None:
    if not scope_of(actor).is_central_for(req.organisation_id):
        raise PermissionDenied()
    # Two central admins deciding at once: the second waits, then sees it decided.
    db.session.refresh(req, with_for_update=True)
    if req.status is not ApprovalStatus.PENDING:
        raise Conflict(_l("This request has already been decided."))


def approve(actor, req: ApprovalRequest, note: str | None = None):
    """Carry the request out as asked, or mark it failed (with why) if the target changed.

    Returns the created/changed object, or None when it could not be carried out.
    """
    _require_decider(actor, req)
    note = _clean_note(note)
    params = dict(req.params)
    failure = None
    try:
        p = plan(actor, req.operation, params)
        if p.snapshot != req.snapshot:
            failure = str(_l("What the request is about has changed since it was asked, so it was not "
                             "carried out. Ask again if it is still needed."))
        else:
            decision = decide(actor, p.operation, p.target)
            if decision.refused:
                failure = str(decision.reason)
    except HelpdeskError as exc:
        failure = str(_l("It could not be carried out: %(why)s", why=str(exc.message)))
    req.decided_by_id, req.decided_at = actor.id, utcnow()
    if failure:
        req.status = ApprovalStatus.FAILED
        req.note = failure if not note else f"{note}\n\n{failure}"
        audit.record(actor, "approval_not_carried_out", req, organisation_id=req.organisation_id,
                     label=req.summary, before={"status": "pending"}, after={"status": "failed", "why": failure},
                     rule=req.rule, via="approval", approval_id=req.id)
        _notify(req)
        db.session.flush()
        return None
    obj = HANDLERS[req.operation].apply(actor, params, Context(rule=req.rule, via="approval",
                                                               approval_id=req.id))
    req.status, req.note = ApprovalStatus.APPROVED, note
    _notify(req)
    db.session.flush()
    return obj


def decline(actor, req: ApprovalRequest, note: str | None) -> None:
    _require_decider(actor, req)
    note = _clean_note(note)
    if not note:
        raise ValidationFailed(_l("Tell the requester why in a note."), field="note")
    req.status, req.note = ApprovalStatus.DECLINED, note
    req.decided_by_id, req.decided_at = actor.id, utcnow()
    audit.record(actor, "approval_declined", req, organisation_id=req.organisation_id, label=req.summary,
                 before={"status": "pending"}, after={"status": "declined", "note": note}, rule=req.rule,
                 via="approval", approval_id=req.id)
    _notify(req)
    db.session.flush()


def _clean_note(note) -> str | None:
    if note is None:
        return None
    if not isinstance(note, str):
        raise ValidationFailed(_l("The field %(name)s has the wrong type.", name="note"), field="note")
    note = note.strip()
    if len(note) > MAX_REASON:
        raise ValidationFailed(_l("The note is too long (at most %(n)d characters).", n=MAX_REASON),
                               field="note")
    return note or None


def _notify(req: ApprovalRequest) -> None:
    announce(req, "approval.decided")  # every decision (approved, declined, failed) passes here
    requester = req.requester
    if requester is None or not requester.email:
        return
    from flask import current_app

    with force_locale(requester.locale or "sv"):
        text = render_template("admin/mail/approval_decided.txt", req=req,
                               public_url=current_app.config.get("PUBLIC_URL", ""))
    subject, _, body = text.strip().partition("\n")
    queue_mail(requester.email, subject.strip(), body.strip() + "\n", kind="admin_approval")
