"""An organisation's e-legitimation settings (an OpenID provider, usually a BankID/Freja broker).

The client secret is never stored: only the name of the environment variable holding it,
so the database (and its backups) cannot leak it. Installation-wide settings come from the
environment alone (`OIDC_ISSUER`, ...; see `helpdesk.auth.oidc.provider`).
"""
from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from helpdesk.directory.models import Organisation
from helpdesk.extensions import db
from helpdesk.models_base import TimestampMixin

DEFAULT_CLAIM = "personalIdentityNumber"
DEFAULT_SCOPES = "openid profile"
DEFAULT_SECRET_ENV = "OIDC_CLIENT_SECRET"


class OidcSettings(TimestampMixin, db.Model):
    __tablename__ = "oidc_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), unique=True)
    enabled: Mapped[bool] = mapped_column(default=True)
    issuer: Mapped[str] = mapped_column(String(300))
    client_id: Mapped[str] = mapped_column(String(200))
    # The NAME of the environment variable with the client secret, not the secret:
    # OIDC_CLIENT_SECRET_<CODE> (see provider.secret_env_allowed).
    client_secret_env: Mapped[str] = mapped_column(String(64), default="")
    # The claim carrying the personnummer.
    claim: Mapped[str] = mapped_column(String(200), default=DEFAULT_CLAIM)
    scopes: Mapped[str] = mapped_column(String(500), default=DEFAULT_SCOPES)

    organisation: Mapped[Organisation] = relationship()
