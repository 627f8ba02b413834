"""The OpenID Connect relying party: discovery, the authorization request (code flow with
PKCE, state and nonce) and the checked answer (the ID token's signature against the
provider's JWKS, and its iss, aud, exp and nonce).

Nothing here knows about guardians or accounts; it returns the verified claims.
"""
from __future__ import annotations

import hmac
import ipaddress
import os
import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import lazy_gettext as _l

from helpdesk.auth.oidc.models import DEFAULT_CLAIM, DEFAULT_SCOPES, DEFAULT_SECRET_ENV
from helpdesk.errors import HelpdeskError

# requests, authlib and joserfc (with cryptography: ~20 MB in each worker) are imported by
# the functions that talk to a provider, so a worker that never sees an e-legitimation
# login never holds them.
if TYPE_CHECKING:
    from authlib.integrations.requests_client import OAuth2Session
    from joserfc.jwk import KeySet

TIMEOUT = 5
# Asymmetric algorithms only: the signature must be checked against the provider's keys.
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"]
CLOCK_LEEWAY = 60
SECRET_ENV = re.compile(r"^OIDC_CLIENT_SECRET(_[A-Z0-9_]{1,40})?$")


class OidcFailed(HelpdeskError):
    """The login did not go through; `reason` is recorded in the audit log (never a number)."""

    status_code = 400
    default_message = _l("The login with e-legitimation did not go through. Please try again.")

    def __init__(self, reason: str, message=None, status: int | None = None):
        super().__init__(message)
        self.reason = reason
        if status is not None:
            self.status_code = status


@dataclass(frozen=True)
class Client:
    """What the relying party needs to talk to one provider."""

    issuer: str
    client_id: str
    client_secret: str
    claim: str = DEFAULT_CLAIM
    scopes: str = DEFAULT_SCOPES
    # The organisation the settings belong to; None for the installation-wide ones.
    organisation_id: int | None = None


def installation_client() -> Client | None:
    """The installation-wide provider, from the environment (app config), if set."""
    cfg = current_app.config
    issuer = cfg.get("OIDC_ISSUER") or os.environ.get("OIDC_ISSUER")
    client_id = cfg.get("OIDC_CLIENT_ID") or os.environ.get("OIDC_CLIENT_ID")
    if not issuer or not client_id:
        return None
    return Client(issuer=issuer, client_id=client_id,
                  client_secret=secret_from_env(DEFAULT_SECRET_ENV) or "",
                  claim=cfg.get("OIDC_PERSON_NUMBER_CLAIM") or os.environ.get("OIDC_PERSON_NUMBER_CLAIM") or DEFAULT_CLAIM,
                  scopes=cfg.get("OIDC_SCOPES") or os.environ.get("OIDC_SCOPES") or DEFAULT_SCOPES)


def secret_env_allowed(name: str, org_code: str | None, issuer: str) -> bool:
    """Which variable an organisation's settings may name. A central admin chooses both the
    issuer and the name, so the name must be the organisation's own
    (`OIDC_CLIENT_SECRET_<CODE>`, optionally `_<CODE>_SOMETHING`): never SECRET_KEY or
    DATABASE_URL, nor another organisation's secret. The installation-wide
    `OIDC_CLIENT_SECRET` only goes to the installation-wide issuer."""
    if not SECRET_ENV.match(name or ""):
        return False
    if name == DEFAULT_SECRET_ENV:
        installation = current_app.config.get("OIDC_ISSUER") or os.environ.get("OIDC_ISSUER")
        return bool(installation) and installation == issuer
    own = f"{DEFAULT_SECRET_ENV}_{(org_code or '').upper()}"
    return bool(org_code) and (name == own or name.startswith(own + "_"))


def secret_from_env(name: str, org_code: str | None = None, issuer: str | None = None) -> str | None:
    """The secret itself, read from the app config (tests) or the environment; checked again
    at every use, so a name saved under other rules is worth nothing."""
    if name != DEFAULT_SECRET_ENV or org_code is not None:
        if not secret_env_allowed(name, org_code, issuer or ""):
            return None
    return current_app.config.get(name) or os.environ.get(name)


def issuer_allowed(issuer: str) -> bool:
    """HTTPS, or plain HTTP on loopback (the test provider and a developer's machine)."""
    try:
        parts = urlsplit(issuer)
    except ValueError:
        return False
    if not parts.hostname or parts.query or parts.fragment:
        return False
    if parts.scheme == "https":
        return True
    if parts.scheme != "http":
        return False
    if parts.hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(parts.hostname).is_loopback
    except ValueError:
        return False


_cache: dict[str, tuple[float, dict]] = {}
CACHE_SECONDS = 300


def _get_json(url: str, reason: str) -> dict:
    import requests

    try:
        response = requests.get(url, timeout=TIMEOUT, allow_redirects=False)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise OidcFailed(reason, _l("The e-legitimation service could not be reached. Please try again later.")) from exc
    if not isinstance(document, dict):
        raise OidcFailed(reason, _l("The e-legitimation service could not be reached. Please try again later."))
    return document


def discover(issuer: str, *, fresh: bool = False) -> dict:
    """The provider's metadata; its `issuer` must be exactly the configured one (OIDC
    Discovery 4.3), so a document from somewhere else is refused."""
    if not issuer_allowed(issuer):
        raise OidcFailed("discovery_failed", _l("The issuer must be an https:// address."))
    key = "meta:" + issuer
    cached = _cache.get(key)
    if cached and not fresh and cached[0] > time.monotonic():
        return cached[1]
    meta = _get_json(issuer.rstrip("/") + "/.well-known/openid-configuration", "discovery_failed")
    needed = ("authorization_endpoint", "token_endpoint", "jwks_uri")
    if meta.get("issuer") != issuer or not all(isinstance(meta.get(k), str) for k in needed):
        raise OidcFailed("discovery_failed", _l("The e-legitimation service answered with settings that do not match its address."))
    _cache[key] = (time.monotonic() + CACHE_SECONDS, meta)
    return meta


def _keys(meta: dict, *, fresh: bool = False) -> KeySet:
    key = "jwks:" + meta["jwks_uri"]
    cached = _cache.get(key)
    if cached and not fresh and cached[0] > time.monotonic():
        return cached[1]
    from joserfc.errors import JoseError
    from joserfc.jwk import KeySet

    try:
        keys = KeySet.import_key_set(_get_json(meta["jwks_uri"], "jwks_failed"))
    except (JoseError, ValueError, TypeError, KeyError) as exc:
        raise OidcFailed("jwks_failed") from exc
    _cache[key] = (time.monotonic() + CACHE_SECONDS, keys)
    return keys


@dataclass(frozen=True)
class Pending:
    """What the browser session keeps between the redirect and the callback."""

    state: str
    nonce: str
    code_verifier: str


def authorization_url(client: Client, redirect_uri: str) -> tuple[str, Pending]:
    from authlib.common.security import generate_token
    from authlib.integrations.requests_client import OAuth2Session

    meta = discover(client.issuer)
    pending = Pending(state=generate_token(32), nonce=generate_token(32), code_verifier=generate_token(64))
    with OAuth2Session(client.client_id, client.client_secret, scope=client.scopes,
                       redirect_uri=redirect_uri, code_challenge_method="S256") as session:
        url, _state = session.create_authorization_url(
            meta["authorization_endpoint"], state=pending.state, nonce=pending.nonce,
            code_verifier=pending.code_verifier)
    return url, pending


def finish(client: Client, pending: Pending, args, redirect_uri: str) -> dict:
    """The provider's answer at the callback, checked: state first, then the error, the
    code exchange and the ID token. Returns the verified claims (userinfo merged in when the
    ID token lacks the personnummer claim, with the same `sub`)."""
    state = args.get("state") or ""
    if not hmac.compare_digest(state.encode(), pending.state.encode()):
        raise OidcFailed("state_mismatch", _l("The login had expired or came from somewhere else. Start again."))
    if args.get("error"):
        if args.get("error") == "access_denied":
            raise OidcFailed("provider_error", _l("The login was cancelled or refused by the e-legitimation service."), status=403)
        raise OidcFailed("provider_error", _l("The e-legitimation service could not log you in. Please try again."))
    code = args.get("code")
    if not code:
        raise OidcFailed("no_code")
    if args.get("iss") and args.get("iss") != client.issuer:  # RFC 9207 mix-up defence
        raise OidcFailed("wrong_issuer")
    from authlib.integrations.requests_client import OAuth2Session

    meta = discover(client.issuer)
    with OAuth2Session(client.client_id, client.client_secret, redirect_uri=redirect_uri) as session:
        try:
            token = session.fetch_token(meta["token_endpoint"], code=code, code_verifier=pending.code_verifier,
                                        timeout=TIMEOUT)
        except Exception as exc:  # authlib raises OAuthError, requests its own; all mean "refused"
            raise OidcFailed("token_refused") from exc
        id_token = token.get("id_token")
        if not isinstance(id_token, str):
            raise OidcFailed("no_id_token")
        claims = verify_id_token(id_token, meta, client, pending.nonce)
        if client.claim not in claims and isinstance(meta.get("userinfo_endpoint"), str) and token.get("access_token"):
            claims = {**_userinfo(session, meta["userinfo_endpoint"], claims["sub"]), **claims}
    return claims


def verify_id_token(id_token: str, meta: dict, client: Client, nonce: str) -> dict:
    """Signature against the provider's JWKS (fetched again once for an unknown key), then
    iss, aud (and azp), exp and nonce."""
    from joserfc import jwt
    from joserfc.errors import JoseError

    decoded = None
    for fresh in (False, True):
        try:
            decoded = jwt.decode(id_token, _keys(meta, fresh=fresh), algorithms=ALGORITHMS)
            break
        except JoseError as exc:
            if fresh:
                raise OidcFailed("bad_signature") from exc
    claims = dict(decoded.claims)
    registry = jwt.JWTClaimsRegistry(
        leeway=CLOCK_LEEWAY,
        iss={"essential": True, "value": client.issuer},
        sub={"essential": True},
        exp={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    try:
        registry.validate(claims)
    except JoseError as exc:
        raise OidcFailed("bad_" + (getattr(exc, "claim", None) or "claims")) from exc
    aud = claims.get("aud")
    audiences = [aud] if isinstance(aud, str) else aud if isinstance(aud, list) else []
    if client.client_id not in audiences or (len(audiences) > 1 and claims.get("azp") != client.client_id):
        raise OidcFailed("bad_aud")
    return claims


def _userinfo(session: OAuth2Session, endpoint: str, sub: str) -> dict:
    try:
        response = session.get(endpoint, timeout=TIMEOUT)
        response.raise_for_status()
        info = response.json()
    except Exception as exc:  # noqa: BLE001  any failure here means "no claims"
        raise OidcFailed("userinfo_failed") from exc
    if not isinstance(info, dict) or info.get("sub") != sub:
        raise OidcFailed("userinfo_failed")
    return info
