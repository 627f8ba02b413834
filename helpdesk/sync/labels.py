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
