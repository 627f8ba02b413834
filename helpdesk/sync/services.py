"""What central does with the sync's results (the import itself is importer.py)."""
from __future__ import annotations

from helpdesk.access import can
from helpdesk.errors import NotFound
from helpdesk.extensions import db
from helpdesk.models_base import utcnow
from helpdesk.sync.models import SyncFlag, SyncRun, SyncRunStatus


def resolve_flag(actor, flag_id: int) -> bool:
    """Mark a flag on manual data handled, audited. Returns False when it already was.

    Another organisation's flag is answered as not found, so its existence is not told."""
    flag = db.session.get(SyncFlag, flag_id)
    if flag is None or not can(actor, "sync.resolve_flag", flag):
        raise NotFound()
    if flag.resolved_at is not None:
        return False
    from helpdesk.admin.audit import record

    flag.resolved_at = utcnow()
    record(actor, "resolve_sync_flag", flag, organisation_id=flag.organisation_id,
           label=flag.reason, before={"resolved": False}, after={"resolved": True})
    db.session.flush()
    return True


def held_run(actor, run_id: int) -> SyncRun:
    """A run held for review that the actor may confirm; any other run is not found."""
    run = db.session.get(SyncRun, run_id)
    if run is None or run.status is not SyncRunStatus.HELD or not can(actor, "sync.confirm_run", run):
        raise NotFound()
    return run


def confirm_run(actor, run_id: int):
    """Central confirms a held run: it is applied as the nightly command would apply it.

    Unlike other services this commits, one organisation at a time, as the import does (the
    caller commits the audit row of the confirmation); ConfirmRefused (nothing changed) when
    the export or the directory changed since."""
    from helpdesk.sync.importer import confirm_held_run

    held_run(actor, run_id)
    result = confirm_held_run(run_id, confirmed_by=actor)
    from helpdesk.admin.audit import record

    for org_id in result.run.organisation_ids or ():
        record(actor, "confirm_sync_run", result.run, organisation_id=org_id, object_type="sync_run",
               label=result.run.source, before={"status": "held"}, after={"status": "ok"})
    db.session.flush()
    return result
