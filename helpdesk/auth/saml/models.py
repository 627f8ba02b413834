"""SAML single sign-on: each organisation's identity provider, and the request and
assertion ids the service provider must remember between requests."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from helpdesk.extensions import db
from helpdesk.models_base import TimestampMixin, UTCDateTime

EPPN = "eppn"
MAIL = "mail"


class SamlSettings(TimestampMixin, db.Model):
    """One organisation's identity provider (one row per organisation)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), unique=True)
    # The IdP's metadata as last read (uploaded, or fetched from metadata_url by the tick).
    idp_metadata: Mapped[str] = mapped_column(Text)
    metadata_url: Mapped[str | None] = mapped_column(String(500))
    idp_entity_id: Mapped[str] = mapped_column(String(500), index=True)
    # Which attribute names the person: "eppn" (default) or "mail".
    id_attribute: Mapped[str] = mapped_column(String(10), default=EPPN)
    # Whether the organisation's staff may still log in with a password (central admins always may).
    password_login: Mapped[bool] = mapped_column(default=True)
    metadata_refreshed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SamlPendingRequest(db.Model):
    """An AuthnRequest we sent and have not had an answer to: the answer's InResponseTo must
    name one (kept in the database, not the session: the IdP's POST back is cross-site, and
    a SameSite=Lax cookie does not come with it)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[str] = mapped_column(String(100), unique=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    next_url: Mapped[str | None] = mapped_column(String(500))
    # Kept after the answer (until it expires) so a second POST of it reads as a replay.
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class SamlConsumedId(db.Model):
    """A response or assertion id already used, remembered until it would have expired
    anyway, so the same POST cannot log anyone in twice."""

    id: Mapped[int] = mapped_column(primary_key=True)
    ident: Mapped[str] = mapped_column(String(200), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class SamlLogin(db.Model):
    """Who the IdP said logged in (its NameID), so its LogoutRequest can end their sessions."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    idp_entity_id: Mapped[str] = mapped_column(String(500))
    name_id: Mapped[str] = mapped_column(String(500), index=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
