"""What the privacy page says about one organisation: how long its personal data is kept.

The figures come from the privacy capability through the `retention_summary` hook when it is
installed (the organisation's own retention rules); otherwise these documented defaults,
which are also the privacy capability's defaults.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from helpdesk import hooks
from helpdesk.directory.models import Organisation
from helpdesk.extensions import db

DEFAULT_RETENTION_DAYS = {
    "closed_ticket_days": 730,
    "guest_request_days": 90,
    "search_log_days": 180,
    "audit_days": 1825,
    "deactivated_person_days": 365,
}

# What each figure is about, in the order the page lists them.
RETENTION_LABELS = {
    "closed_ticket_days": _l("Closed questions keep the name of the person who asked and the text for"),
    "guest_request_days": _l("Requests sent without logging in, and their e-mail addresses, are kept for"),
    "search_log_days": _l("Searches (with personal identity numbers masked) are kept for"),
    "audit_days": _l("The audit log of administrative changes is kept for"),
    "deactivated_person_days": _l("A person who has left the organisation is kept for"),
}


def retention_days(org: Organisation) -> dict[str, int]:
    """The organisation's figures; empty when it has not yet confirmed any rules (then
    nothing is removed automatically, and the page must not claim a period)."""
    figures = dict(DEFAULT_RETENTION_DAYS)
    try:
        found = hooks.get("retention_summary")(org)
    except Exception:  # the privacy page must show even if the provider fails  # noqa: BLE001
        found = None
    if found == {}:
        return {}
    for key, value in (found or {}).items():
        if key in figures and isinstance(value, int) and value > 0:
            figures[key] = value
    return figures


def retention_lines(org: Organisation) -> list[tuple[str, int]]:
    days = retention_days(org)
    return [(str(label), days[key]) for key, label in RETENTION_LABELS.items() if key in days]


def organisations() -> list[Organisation]:
    return list(db.session.scalars(select(Organisation).where(Organisation.active).order_by(Organisation.name)))


def by_code(code: str) -> Organisation | None:
    if not isinstance(code, str) or len(code) > 8:
        return None
    return db.session.scalar(select(Organisation).where(Organisation.code.in_({code, code.upper()}), Organisation.active))
