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


# How the synonym page's changes read in the audit log.
from helpdesk import audit_phrases as phrases  # noqa: E402

phrases.register("add_synonym_group", _l("Added a synonym group"), _l("Added the synonym group %(object)s"))
phrases.register("change_synonym_group", _l("Changed a synonym group"), _l("Changed the synonym group %(object)s"))
phrases.register("remove_synonym_group", _l("Removed a synonym group"), _l("Removed the synonym group %(object)s"))
phrases.register_object_types({"synonym_group": _l("Synonym group")})
