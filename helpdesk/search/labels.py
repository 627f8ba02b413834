"""Names of result types and audiences, translated per request."""
from flask_babel import lazy_gettext as _l

KIND_LABELS = {"article": _l("Help article"), "thread": _l("Forum thread"), "ticket": _l("Ticket")}
AUDIENCE_LABELS = {
    "public": _l("Everyone"),
    "guardian": _l("Guardians and staff"),
    "staff": _l("Staff"),
    "admin": _l("Administrators"),
    "central": _l("Central administrators"),
}


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


def audience_label(value) -> str:
    value = getattr(value, "value", value)
    return str(AUDIENCE_LABELS.get(value, value or ""))
