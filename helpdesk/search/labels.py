"""Names of result types and audiences, translated per request."""
from flask_babel import lazy_gettext as _l

from helpdesk.labels import label

KIND_LABELS = {"article": _l("Help article"), "thread": _l("Forum thread"), "ticket": _l("Ticket")}


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


def audience_label(value) -> str:
    """The knowledge base's own audience names (kb/labels.py), so they are written once."""
    from helpdesk.kb.models import Audience

    try:
        return label(Audience(getattr(value, "value", value)))
    except ValueError:
        return str(value or "")
