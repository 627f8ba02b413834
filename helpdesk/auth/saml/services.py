"""SAML single sign-on for staff: settings per organisation, starting a login, taking the
IdP's answer, and the IdP's single logout.

Every refusal is a `SamlRefused` carrying the words for the person and a reason code for
the audit log; the view records the audit entry and shows the page.
"""
from __future__ import annotations

import base64
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from sqlalchemy import delete, func, select

from helpdesk.auth.saml import sp
from helpdesk.auth.saml.models import EPPN, MAIL, SamlConsumedId, SamlLogin, SamlPendingRequest, SamlSettings
from helpdesk.errors import NotFound, ValidationFailed
from helpdesk.extensions import db
from helpdesk.models_base import utcnow

PENDING_LIFETIME = timedelta(minutes=15)
# How long a consumed id is kept when the assertion names no expiry of its own.
CONSUMED_LIFETIME = timedelta(hours=2)
LOGIN_LIFETIME = timedelta(hours=12)
ATTRIBUTE_NAMES = {
    EPPN: (sp.EPPN_OID, "eduPersonPrincipalName"),
    MAIL: (sp.MAIL_OID, "mail"),
}


class SamlRefused(Exception):
    """A login or logout that cannot go on: `message` for the person, `reason` for the log."""

    def __init__(self, reason: str, message, *, organisation_id: int | None = None, status: int = 400,
                 label: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.message = message
        self.organisation_id = organisation_id
        self.status = status
        self.label = label


# ----------------------------------------------------------------------------- settings


def settings_of(organisation_id: int) -> SamlSettings | None:
    return db.session.scalar(select(SamlSettings).where(SamlSettings.organisation_id == organisation_id))


def organisations_with_saml() -> list:
    from helpdesk.directory.models import Organisation

    return list(db.session.scalars(select(Organisation).join(
        SamlSettings, SamlSettings.organisation_id == Organisation.id).order_by(Organisation.name)))


def idp_entity_id_of(xml: str) -> str:
    """The entity id of the one identity provider the metadata describes; anything else
    (not XML, not metadata, no IdP, no HTTP-Redirect sign-on address) is refused."""
    from saml2.mdstore import InMemoryMetaData

    if not xml or not xml.strip():
        raise ValidationFailed(_l("The metadata file is empty."), field="metadata_file")
    try:
        md = InMemoryMetaData(sp.config().attribute_converters, xml)
        md.load()
        idps = [eid for eid in md.keys() if "idpsso_descriptor" in md[eid]]
    except Exception:  # pysaml2 raises many kinds for bad XML; each means the same to the admin
        raise ValidationFailed(_l("The metadata could not be read. Check that it is the identity "
                                  "provider's SAML metadata (an XML file)."), field="metadata_file") from None
    if len(idps) != 1:
        raise ValidationFailed(_l("The metadata must describe exactly one identity provider."),
                               field="metadata_file")
    services = md.service(idps[0], "idpsso_descriptor", "single_sign_on_service", BINDING_HTTP_REDIRECT)
    if not services:
        raise ValidationFailed(_l("The identity provider's metadata has no sign-on address for the "
                                  "HTTP-Redirect binding."), field="metadata_file")
    return idps[0]


def fetch_metadata(url: str) -> str:
    import requests

    if not url.startswith(("https://", "http://")) or len(url) > 500:
        raise ValidationFailed(_l("Enter an address that starts with https://."), field="metadata_url")
    try:
        response = requests.get(url, timeout=current_app.config.get("SAML_METADATA_TIMEOUT", 10))
        response.raise_for_status()
    except requests.RequestException:
        raise ValidationFailed(_l("The metadata could not be fetched from that address. Check the "
                                  "address, or upload the file instead."), field="metadata_url") from None
    return response.text


def save_settings(actor, org, *, metadata_xml: str | None, metadata_url: str | None, id_attribute: str,
                  password_login: bool) -> SamlSettings:
    """Create or change the organisation's settings. New metadata (a file or an address) is
    read and checked first; on any error nothing is saved."""
    from helpdesk.access import require
    from helpdesk.admin.audit import record

    require(actor, "saml.manage", org)
    if id_attribute not in ATTRIBUTE_NAMES:
        raise ValidationFailed(_l("Choose which attribute identifies a person."), field="id_attribute")
    settings = settings_of(org.id)
    metadata_url = (metadata_url or "").strip() or None
    if metadata_xml is None and metadata_url and (settings is None or metadata_url != settings.metadata_url):
        metadata_xml = fetch_metadata(metadata_url)
    if metadata_xml is None and settings is None:
        raise ValidationFailed(_l("Upload the identity provider's metadata file or give its address."),
                               field="metadata_file")
    before = _snapshot(settings) if settings else None
    if metadata_xml is not None:
        entity = idp_entity_id_of(metadata_xml)
    if settings is None:
        settings = SamlSettings(organisation_id=org.id)
        db.session.add(settings)
    if metadata_xml is not None:
        settings.idp_metadata, settings.idp_entity_id = metadata_xml, entity
        settings.metadata_refreshed_at = utcnow()
    settings.metadata_url = metadata_url
    settings.id_attribute = id_attribute
    settings.password_login = bool(password_login)
    db.session.flush()
    record(actor, "saml_settings_saved", org, organisation_id=org.id, label=org.name,
           before=before, after=_snapshot(settings))
    return settings


def remove_settings(actor, org) -> None:
    from helpdesk.access import require
    from helpdesk.admin.audit import record

    require(actor, "saml.manage", org)
    settings = settings_of(org.id)
    if settings is not None:
        record(actor, "saml_settings_removed", org, organisation_id=org.id, label=org.name,
               before=_snapshot(settings))
        db.session.delete(settings)


def _snapshot(s: SamlSettings) -> dict:
    return {"idp": s.idp_entity_id, "metadata_url": s.metadata_url or "", "id_attribute": s.id_attribute,
            "password_login": s.password_login}


def refresh_job() -> str:
    """The tick: fetch again every metadata that came from an address; a failed fetch or
    bad metadata keeps the last good copy (and is logged), so a blip never stops logins."""
    refreshed = failed = 0
    for settings in db.session.scalars(select(SamlSettings).where(SamlSettings.metadata_url.is_not(None))):
        last = settings.metadata_refreshed_at
        if last is not None and utcnow() - last < timedelta(hours=1):
            continue
        try:
            xml = fetch_metadata(settings.metadata_url)
            entity = idp_entity_id_of(xml)
        except ValidationFailed:
            failed += 1
            current_app.logger.warning("SAML metadata of organisation %s could not be refreshed",
                                       settings.organisation_id)
            continue
        settings.idp_metadata, settings.idp_entity_id = xml, entity
        settings.metadata_refreshed_at = utcnow()
        refreshed += 1
    # Forget pending requests and consumed ids once they could no longer be used anyway.
    now = utcnow()
    db.session.execute(delete(SamlPendingRequest).where(SamlPendingRequest.expires_at < now))
    db.session.execute(delete(SamlConsumedId).where(SamlConsumedId.expires_at < now))
    db.session.execute(delete(SamlLogin).where(SamlLogin.expires_at < now))
    return f"refreshed {refreshed}, failed {failed}"


def password_login_allowed(user) -> bool:
    """Password login for the user, given their organisation's choice. The organisation's
    central admins always keep it (break-glass: the IdP may be down or misconfigured, and
    they are the ones who can switch SSO off again); so do accounts outside any organisation."""
    from helpdesk.auth.models import Role

    if user.organisation_id is None:
        return True
    settings = settings_of(user.organisation_id)
    if settings is None or settings.password_login:
        return True
    return any(a.role in (Role.CENTRAL_ADMIN, Role.OPERATOR, Role.VENDOR_AGENT) for a in user.roles)


# ----------------------------------------------------------------------------- login


def start_login(org_code: str, next_url: str | None) -> str:
    """The address of the IdP's sign-on page with our signed AuthnRequest; the request id
    is remembered so only the answer to it is accepted."""
    from helpdesk.directory.models import Organisation

    org = db.session.scalar(select(Organisation).where(Organisation.code == (org_code or "").upper()[:8]))
    settings = settings_of(org.id) if org is not None else None
    if settings is None:
        raise NotFound(_l("This organisation does not offer login with a school account."))
    client = sp.client([settings.idp_metadata])
    try:
        request_id, info = client.prepare_for_authenticate(
            entityid=settings.idp_entity_id, binding=BINDING_HTTP_REDIRECT,
            response_binding=BINDING_HTTP_POST, sign=True, sigalg=_sigalg())
    except Exception:  # metadata without a usable sign-on address, unsupported algorithm, ...
        raise SamlRefused("idp_unusable", _l("Login with a school account does not work right now. Log in "
                                              "with your password, or contact your organisation's central team."),
                          organisation_id=org.id, status=503) from None
    db.session.add(SamlPendingRequest(request_id=request_id, organisation_id=org.id,
                                      next_url=(next_url or None) and next_url[:500],
                                      expires_at=utcnow() + PENDING_LIFETIME))
    return dict(info["headers"])["Location"]


def _sigalg():
    from saml2.xmldsig import SIG_RSA_SHA256

    return SIG_RSA_SHA256


def _refuse_login(reason, organisation_id=None, label=""):
    messages = {
        "bad_response": _l("The answer from your school account's login could not be accepted. Start "
                           "again from the login page."),
        "replayed": _l("This login has already been used. Start again from the login page."),
        "missing_attribute": _l("Your school account's login did not say who you are (the identifying "
                                "attribute is missing). Contact your organisation's central team."),
    }
    raise SamlRefused(reason, messages.get(reason, messages["bad_response"]), organisation_id=organisation_id,
                      label=label)


def consume(saml_response: str):
    """Check the IdP's answer (signature, audience, destination, time window, InResponseTo,
    not seen before) and return (user, next url), making the account when needed."""
    if not saml_response or len(saml_response) > 1_000_000:
        _refuse_login("bad_response")
    try:
        base64.b64decode(saml_response, validate=False)
    except Exception:
        _refuse_login("bad_response")
    now = utcnow()
    pending = {p.request_id: p for p in db.session.scalars(
        select(SamlPendingRequest).where(SamlPendingRequest.expires_at > now))}
    all_settings = list(db.session.scalars(select(SamlSettings)))
    client = sp.client([s.idp_metadata for s in all_settings])
    try:
        response = client.parse_authn_request_response(saml_response, BINDING_HTTP_POST,
                                                       outstanding={k: "" for k in pending})
    except Exception as exc:  # pysaml2 tells signature, audience, time, ... apart by class
        # Class and message (pysaml2's words: "not signed", "Not for me", a time) for the log.
        _refuse_login("bad_response", label=f"{type(exc).__name__}: {exc}"[:200])
    if response is None or response.assertion is None:
        _refuse_login("bad_response", label="no assertion")
    request = pending.get(response.in_response_to)
    if request is None:
        _refuse_login("bad_response", label="unsolicited")
    settings = next((s for s in all_settings if s.organisation_id == request.organisation_id), None)
    issuer = response.issuer()
    if settings is None or issuer != settings.idp_entity_id:
        _refuse_login("bad_response", request.organisation_id, label="wrong issuer")
    _spend(request, response)
    attribute = _attribute(response.ava or {}, settings.id_attribute)
    if not attribute:
        _refuse_login("missing_attribute", request.organisation_id, label=settings.id_attribute)
    user = _account_for(settings, attribute)
    name_id = response.name_id.text if response.name_id is not None else None
    if name_id:
        db.session.add(SamlLogin(user_id=user.id, idp_entity_id=issuer, name_id=name_id[:500],
                                 expires_at=now + LOGIN_LIFETIME))
    return user, request.next_url


def _spend(request, response) -> None:
    """The request is answered once; the response and assertion ids are kept so the same
    POST sent again is refused."""
    if request.answered_at is not None:
        _refuse_login("replayed", request.organisation_id)
    request.answered_at = utcnow()
    expires = utcnow() + CONSUMED_LIFETIME
    ids = [f"r:{response.response.id}", f"a:{response.assertion.id}"]
    seen = db.session.scalar(select(func.count()).select_from(SamlConsumedId).where(SamlConsumedId.ident.in_(ids)))
    if seen:
        _refuse_login("replayed", request.organisation_id)
    for ident in ids:
        db.session.add(SamlConsumedId(ident=ident[:200], expires_at=expires))
    db.session.flush()


def _attribute(ava: dict, which: str) -> str | None:
    for name in ATTRIBUTE_NAMES[which]:
        values = ava.get(name)
        if values:
            value = str(values[0]).strip()
            return value[:254] or None
    return None


def _account_for(settings, value: str):
    """The portal account of the staff member the attribute names in the organisation's own
    directory; one is made (requester role from their kind) when they have none yet."""
    from helpdesk.auth import accounts
    from helpdesk.directory.models import Person, PersonKind

    column = Person.eppn if settings.id_attribute == EPPN else Person.email
    people = list(db.session.scalars(select(Person).where(
        Person.organisation_id == settings.organisation_id, Person.kind == PersonKind.STAFF,
        Person.active.is_(True), func.lower(column) == value.lower())).all())
    if len(people) != 1:
        raise SamlRefused("not_in_directory", None, organisation_id=settings.organisation_id, status=403,
                          label=value)
    person = people[0]
    user = accounts.account_of(person)
    if user is None:
        from helpdesk.admin.audit import record
        from helpdesk.auth.services import find_user_by_email

        address = person.email or (value if settings.id_attribute == MAIL or accounts.valid_email(value) else "")
        existing = find_user_by_email(address) if address else None
        if existing is not None:
            # An account with the person's address but no directory person: link it.
            if not accounts.link_account(existing, person):
                raise SamlRefused("no_account", None, organisation_id=settings.organisation_id, status=403,
                                  label=value)
            user, operation = existing, "saml_account_linked"
        else:
            try:
                user = accounts.create_account(address, person=person)
            except ValidationFailed:
                raise SamlRefused("no_account", None, organisation_id=settings.organisation_id, status=403,
                                  label=value) from None
            operation = "saml_account_created"
        record(None, operation, person, organisation_id=settings.organisation_id,
               label=person.display_name, via="saml")
    if not user.enabled:
        raise SamlRefused("disabled", None, organisation_id=settings.organisation_id, status=403, label=value)
    return user


# ----------------------------------------------------------------------------- logout


def single_logout(args: dict) -> tuple[str, list]:
    """The IdP's LogoutRequest (HTTP-Redirect, signed): end every session of the person it
    names and answer with a LogoutResponse. Returns (the IdP's address, users logged out)."""
    from saml2.samlp import LogoutRequest
    from saml2.sigver import verify_redirect_signature

    from helpdesk.auth.models import User
    from helpdesk.auth.sessions import end_everywhere

    saml_request = args.get("SAMLRequest")
    if not saml_request or not args.get("Signature") or not args.get("SigAlg"):
        raise SamlRefused("bad_logout", _l("This logout request could not be accepted."))
    client = sp.client([s.idp_metadata for s in db.session.scalars(select(SamlSettings))])
    try:
        request = client.parse_logout_request(saml_request, BINDING_HTTP_REDIRECT,
                                              relay_state=args.get("RelayState"))
        message = request.message
        issuer = message.issuer.text
        msg = {k: args[k] for k in ("SAMLRequest", "RelayState", "SigAlg", "Signature") if k in args}
        certs = client.metadata.certs(issuer, "any", "signing")
        if not any(verify_redirect_signature(msg, client.sec.sec_backend, cert) for _name, cert in certs):
            raise ValueError("signature")
        if not isinstance(message, LogoutRequest) or message.name_id is None:
            raise ValueError("no name id")
    except Exception:
        raise SamlRefused("bad_logout", _l("This logout request could not be accepted.")) from None
    logins = list(db.session.scalars(select(SamlLogin).where(
        SamlLogin.idp_entity_id == issuer, SamlLogin.name_id == message.name_id.text)))
    users = []
    for login in logins:
        user = db.session.get(User, login.user_id)
        if user is not None and user not in users:
            end_everywhere(user)
            users.append(user)
        db.session.delete(login)
    response = client.create_logout_response(message, [BINDING_HTTP_REDIRECT], sign=False)
    destination = client.metadata.single_logout_service(issuer, BINDING_HTTP_REDIRECT, "idpsso")
    address = destination[0]["location"] if destination else None
    if not address:
        return None, users
    info = client.apply_binding(BINDING_HTTP_REDIRECT, str(response), address, args.get("RelayState", ""),
                                response=True, sign=True, sigalg=_sigalg())
    return dict(info["headers"])["Location"], users
