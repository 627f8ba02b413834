"""What central does with the sync's results (the import itself is importer.py)."""
from __future__ import annotations

from helpdesk.access import can
from helpdesk.errors import NotFound
from helpdesk.extensions import db
from helpdesk.models_base import utcnow
from helpdesk.sync.models import SyncFlag


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
