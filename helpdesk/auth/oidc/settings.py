"""Saving an organisation's e-legitimation settings, and finding the provider a login uses."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from helpdesk.access import require
from helpdesk.admin import audit
from helpdesk.auth.oidc.models import OidcSettings
from helpdesk.auth.oidc.provider import (
    Client,
    OidcFailed,
    discover,
    installation_client,
    secret_env_allowed,
    secret_from_env,
)
from helpdesk.errors import ValidationFailed
from helpdesk.extensions import db

SETTINGS_CHANGED = "oidc_settings_changed"
SETTINGS_REFUSED = "oidc_settings_refused"
_FIELDS = ("enabled", "issuer", "client_id", "client_secret_env", "claim", "scopes")
_TOKEN = re.compile(r"^[\x21-\x7e]+$")


def settings_of(org) -> OidcSettings | None:
    return db.session.scalar(select(OidcSettings).where(OidcSettings.organisation_id == org.id))


def client_for(org) -> Client | None:
    """The provider for a login at `org`: its own settings when turned on, else the
    installation-wide provider (if any)."""
    if org is not None:
        found = settings_of(org)
        if found is not None and found.enabled:
            return Client(issuer=found.issuer, client_id=found.client_id,
                          client_secret=secret_from_env(found.client_secret_env, org.code, found.issuer) or "",
                          claim=found.claim, scopes=found.scopes, organisation_id=org.id)
    return installation_client()


def default_secret_env(org) -> str:
    return f"OIDC_CLIENT_SECRET_{org.code.upper()}"


def _clean(org, data: dict) -> dict:
    values = {k: " ".join(str(data.get(k) or "").split()) for k in _FIELDS if k != "enabled"}
    values["enabled"] = bool(data.get("enabled"))
    values["issuer"] = values["issuer"].rstrip("/") if values["issuer"].count("/") > 2 else values["issuer"]
    if not values["issuer"] or len(values["issuer"]) > 300:
        raise ValidationFailed(_l("Enter the provider's address."), field="issuer")
    if not values["client_id"] or len(values["client_id"]) > 200 or not _TOKEN.match(values["client_id"]):
        raise ValidationFailed(_l("Enter the client id the provider gave you."), field="client_id")
    if not secret_env_allowed(values["client_secret_env"], org.code, values["issuer"]):
        raise ValidationFailed(_l("Give the name of your organisation's environment variable: %(name)s "
                                  "(or %(name)s_ followed by capital letters, digits and _).",
                                  name=default_secret_env(org)), field="client_secret_env")
    if not values["claim"] or len(values["claim"]) > 200 or not _TOKEN.match(values["claim"]):
        raise ValidationFailed(_l("Enter the name of the claim, for example personalIdentityNumber."), field="claim")
    scopes = values["scopes"].split(" ")
    if "openid" not in scopes or len(values["scopes"]) > 500 or not all(_TOKEN.match(s) for s in scopes):
        raise ValidationFailed(_l("The scopes are words separated by spaces and must include openid."), field="scopes")
    return values


def save(actor, org, data: dict) -> tuple[OidcSettings, bool]:
    """Check and save; returns the settings and whether the secret's variable is set.

    A provider whose discovery fails is refused: the refusal is recorded (and committed by
    the caller) so a central admin can see who tried what, and nothing else changes."""
    require(actor, "oidc.configure", org)
    values = _clean(org, data)
    if values["enabled"]:
        try:
            discover(values["issuer"], fresh=True)
        except OidcFailed as exc:
            audit.record(actor, SETTINGS_REFUSED, org, organisation_id=org.id, object_type="organisation",
                         label=org.name, after={"issuer": values["issuer"], "reason": exc.reason})
            raise ValidationFailed(_l("The provider at that address did not answer as an OpenID provider: %(why)s",
                                      why=exc.message), field="issuer") from exc
    found = settings_of(org)
    before = {k: getattr(found, k) for k in _FIELDS} if found is not None else None
    if found is None:
        found = OidcSettings(organisation_id=org.id)
        db.session.add(found)
    for key, value in values.items():
        setattr(found, key, value)
    db.session.flush()
    audit.record(actor, SETTINGS_CHANGED, org, organisation_id=org.id, object_type="organisation",
                 label=org.name, before=before, after=values)
    return found, secret_from_env(values["client_secret_env"], org.code, values["issuer"]) is not None
