"""What the central team does with mail in: read the quarantine, open an address for questions."""
from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from helpdesk.access import require
from helpdesk.directory.models import Organisation
from helpdesk.errors import ValidationFailed
from helpdesk.extensions import db
from helpdesk.mailin.models import InboundMail, Outcome
from helpdesk.notify.reply_address import is_ours

SHOWN = (Outcome.QUARANTINED, Outcome.ANSWERED, Outcome.BOUNCE)


def quarantine(actor, limit: int = 200) -> list[InboundMail]:
    """The latest refused or answered mail of the actor's organisation, newest first."""
    require(actor, "mailin.manage")
    return list(db.session.scalars(
        select(InboundMail).where(InboundMail.organisation_id == actor.organisation_id,
                                  InboundMail.outcome.in_(SHOWN))
        .order_by(InboundMail.received_at.desc(), InboundMail.id.desc()).limit(limit)))


def inbound_address(actor) -> str | None:
    require(actor, "mailin.manage")
    return db.session.get(Organisation, actor.organisation_id).inbound_email


def set_inbound_address(actor, address) -> Organisation:
    """Open (or, with an empty value, close) the organisation's address for new questions.

    The address must reach the portal's mailbox; whether it does is the mail server's
    configuration (an alias), which the README describes."""
    require(actor, "mailin.manage")
    org = db.session.get(Organisation, actor.organisation_id)
    written = (address or "").strip() if isinstance(address, str) else ""
    if not written:
        org.inbound_email = None
        db.session.flush()
        return org
    try:
        normalized = validate_email(written, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise ValidationFailed(_l("Write a valid e-mail address, e.g. support@kommun.se."),
                               field="address") from None
    if is_ours(normalized) and "+" in normalized.split("@")[0]:
        raise ValidationFailed(_l("Use an address without a plus part."), field="address")
    taken = db.session.scalar(select(Organisation.id).where(
        func.lower(Organisation.inbound_email) == normalized, Organisation.id != org.id))
    if taken is not None:
        # Said without naming who has it: organisations never see each other's settings.
        raise ValidationFailed(_l("That address cannot be used. Choose another."), field="address")
    org.inbound_email = normalized
    db.session.flush()
    return org
