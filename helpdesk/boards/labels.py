from flask_babel import lazy_gettext as _l

from helpdesk.boards.models import AgendaKind, BoardKind, MeetingKind
from helpdesk.labels import add_labels

add_labels({
    BoardKind.SUPPORT_GROUP: _l("Support group (local and central contacts)"),
    BoardKind.STAFF: _l("All staff of the organisation"),
    BoardKind.SCHOOLS: _l("Staff of chosen schools"),
    BoardKind.VENDOR: _l("Vendor forum (central contacts and the vendor)"),
})
add_labels({
    MeetingKind.WORKSHOP: _l("Workshop"),
    MeetingKind.CHECK_IN: _l("Check-in meeting"),
})
add_labels({
    AgendaKind.THREAD: _l("Thread"),
    AgendaKind.TICKET: _l("Ticket"),
    AgendaKind.CATEGORY: _l("Category"),
    AgendaKind.NOTE: _l("Item"),
    AgendaKind.REPORT: _l("Monthly report"),
})
