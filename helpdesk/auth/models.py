"""User accounts, scoped role assignments, API tokens and password-reset tokens."""
from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from helpdesk.directory.models import Organisation, Person, Vendor
from helpdesk.extensions import db
from helpdesk.models_base import TimestampMixin, UTCDateTime, enum_column


class Role(str, enum.Enum):
    CENTRAL_ADMIN = "central_admin"  # scope: an organisation
    LOCAL_ADMIN = "local_admin"  # scope: a school
    GROUP_ADMIN = "group_admin"  # scope: a group
    VENDOR_AGENT = "vendor_agent"  # scope: every organisation using the vendor
    STAFF = "staff"  # scope: an organisation (their schools come from their duties)
    GUARDIAN = "guardian"  # scope: an organisation (their children come from relations)
    OPERATOR = "operator"  # scope: the installation (creates organisations, appoints vendor agents)


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "user_account"  # "user" is reserved in PostgreSQL

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendor.id"), index=True)
    locale: Mapped[str | None] = mapped_column(String(5))
    # The name shown for an account without a person (a vendor agent): never the e-mail.
    name: Mapped[str | None] = mapped_column(String(200))
    enabled: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Changed when every session ends; also keys the per-request scope cache.
    session_key: Mapped[str] = mapped_column(String(32))

    person: Mapped[Person | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    vendor: Mapped[Vendor | None] = relationship()
    roles: Mapped[list[RoleAssignment]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    # The id of the login session this object was loaded for (set at login and by the user
    # loader); the cookie stores it, and only a live server-side row accepts it.
    login_session_id = None

    def get_id(self) -> str:
        return self.login_session_id or ""

    # UserMixin compares users by get_id(), which is the login session now: every user without
    # one would equal every other. Users compare as rows do in a session: by identity.
    __eq__ = object.__eq__
    __ne__ = object.__ne__
    __hash__ = object.__hash__

    @property
    def is_active(self) -> bool:
        return self.enabled

    @property
    def display_name(self) -> str:
        if self.person is not None:
            return self.person.display_name
        return self.name or self.email


class RoleAssignment(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    role: Mapped[Role] = enum_column(Role)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("school.id"), index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("school_group.id"), index=True)

    user: Mapped[User] = relationship(back_populates="roles")


class ApiToken(db.Model):
    """A bearer token for the JSON API; only its SHA-256 is stored."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Space-separated scopes: read, write, admin (helpdesk/api/tokens.py says what each allows).
    scopes: Mapped[str] = mapped_column(String(40), default="read write", server_default="read write")
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class PasswordReset(db.Model):
    """A single-use, expiring link that sets a password; only its SHA-256 is stored.

    The same link serves a forgotten password (`reset`, an hour) and an invitation to a new
    account (`invitation`, seven days), so both are spent and checked in one place.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    purpose: Mapped[str] = mapped_column(String(16), default="reset", server_default="reset")


class LoginSession(db.Model):
    """One browser login, kept on the server so logging out really ends it: the signed
    cookie carries only a random id (stored here as its SHA-256), and the user loader
    accepts it only while the row has not ended. Ended rows stay a while for the audit."""

    __tablename__ = "login_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # How the person proved who they are: "password", "invitation", "saml", "oidc", ...
    method: Mapped[str] = mapped_column(String(32))
    remember: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # Why it ended: "logout", "idle", "password", "everywhere", ...
    end_reason: Mapped[str | None] = mapped_column(String(32))

    user: Mapped[User] = relationship()
