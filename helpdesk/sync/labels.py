from flask_babel import lazy_gettext as _l

from helpdesk.labels import add_labels
from helpdesk.sync.models import SyncRunStatus

add_labels({
    SyncRunStatus.RUNNING: _l("Running"),
    SyncRunStatus.OK: _l("Done"),
    SyncRunStatus.FAILED: _l("Failed"),
    SyncRunStatus.DRY_RUN: _l("Trial run"),
    SyncRunStatus.HELD: _l("Held for review"),
})

# The audit log in words: what the import and central's handling of its flags read as.
from helpdesk import audit_phrases as phrases  # noqa: E402

# Object types the import records, in the definite form.
_THINGS = {
    "organisation": _l("the organisation"),
    "school": _l("the school"),
    "person": _l("the person"),
    "group": _l("the group"),
    "duty": _l("the duty"),
}


def _thing(entry) -> dict:
    found = _THINGS.get(entry.object_type)
    return {"thing": str(found) if found is not None else None}


phrases.register("sync_create", _l("The sync added something"), _l("The sync added %(thing)s %(object)s"),
                 fallback=_l("The sync added %(object)s"), values=_thing)
phrases.register("sync_update", _l("The sync changed something"), _l("The sync changed %(thing)s %(object)s"),
                 fallback=_l("The sync changed %(object)s"), values=_thing)
phrases.register("sync_deactivate", _l("The sync marked something inactive"),
                 _l("The sync marked %(thing)s %(object)s inactive"),
                 fallback=_l("The sync marked %(object)s inactive"), values=_thing)
phrases.register("resolve_sync_flag", _l("Handled a sync flag"), _l("Marked as handled: %(object)s"))
