"""This portal as a SAML service provider: its key and certificate, and the pysaml2
configuration built from them and the organisations' identity providers.

pysaml2 (with Debian's xmlsec1) parses, signs and checks every message; nothing here
touches SAML XML by hand.
"""
from __future__ import annotations

import os
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from flask import current_app
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.saml import NAMEID_FORMAT_TRANSIENT

if TYPE_CHECKING:
    from saml2.client import Saml2Client
    from saml2.config import SPConfig

EPPN_OID = "urn:oid:1.3.6.1.4.1.5923.1.1.1.6"
MAIL_OID = "urn:oid:0.9.2342.19200300.100.1.3"


def public_url() -> str:
    return current_app.config["PUBLIC_URL"].rstrip("/")


def entity_id() -> str:
    return current_app.config.get("SAML_SP_ENTITY_ID") or public_url() + "/auth/saml/metadata"


def acs_url() -> str:
    return public_url() + "/auth/saml/acs"


def sls_url() -> str:
    return public_url() + "/auth/saml/sls"


def key_paths() -> tuple[Path, Path]:
    """The SP's private key and certificate: from SAML_SP_KEY_FILE / SAML_SP_CERT_FILE,
    else generated once into the instance folder (never part of the repository)."""
    cfg = current_app.config
    if cfg.get("SAML_SP_KEY_FILE") and cfg.get("SAML_SP_CERT_FILE"):
        return Path(cfg["SAML_SP_KEY_FILE"]), Path(cfg["SAML_SP_CERT_FILE"])
    folder = Path(current_app.instance_path)
    return folder / "saml-sp.key", folder / "saml-sp.crt"


def generate_keypair(key_path: Path, cert_path: Path, common_name: str) -> None:
    """A 2048-bit RSA key and a self-signed certificate valid ten years (SAML metadata
    carries the certificate itself, so no CA is involved)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64])])
    now = datetime.now(timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=3650)).sign(key, hashes.SHA256()))
    key_path.parent.mkdir(parents=True, exist_ok=True)
    # Written under a temporary name and renamed, so two processes never read half a key.
    tmp_key = key_path.with_name(f"{key_path.name}.{os.getpid()}.tmp")
    tmp_cert = cert_path.with_name(f"{cert_path.name}.{os.getpid()}.tmp")
    tmp_key.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    tmp_key.chmod(0o600)
    tmp_cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    os.replace(tmp_key, key_path)
    os.replace(tmp_cert, cert_path)


def ensure_keypair() -> tuple[Path, Path]:
    key, cert = key_paths()
    if not (key.exists() and cert.exists()):
        if current_app.config.get("SAML_SP_KEY_FILE"):
            raise RuntimeError(f"SAML_SP_KEY_FILE {key} or SAML_SP_CERT_FILE {cert} is missing")
        generate_keypair(key, cert, "helpdesk SAML SP")
    return key, cert


def xmlsec_binary() -> str:
    return current_app.config.get("XMLSEC_BINARY") or shutil.which("xmlsec1") or "/usr/bin/xmlsec1"


def config(idp_metadata: list[str] | None = None) -> SPConfig:
    """The SP's pysaml2 configuration, trusting exactly the identity providers given."""
    key, cert = ensure_keypair()
    conf = {
        "entityid": entity_id(),
        "key_file": str(key),
        "cert_file": str(cert),
        "encryption_keypairs": [{"key_file": str(key), "cert_file": str(cert)}],
        "xmlsec_binary": xmlsec_binary(),
        "allow_unknown_attributes": True,
        # A few seconds of clock difference between the IdP and us is normal.
        "accepted_time_diff": 60,
        "service": {"sp": {
            "name": "Helpdesk",
            "endpoints": {
                "assertion_consumer_service": [(acs_url(), BINDING_HTTP_POST)],
                "single_logout_service": [(sls_url(), BINDING_HTTP_REDIRECT)],
            },
            "authn_requests_signed": True,
            "logout_requests_signed": True,
            "want_assertions_signed": True,
            "want_response_signed": False,
            # Only answers to a request we made (InResponseTo), never an IdP-initiated POST.
            "allow_unsolicited": False,
            "name_id_format": [NAMEID_FORMAT_TRANSIENT],
            "required_attributes": [],
        }},
        "metadata": {"inline": list(idp_metadata or [])},
    }
    # pysaml2's client and configuration pull in xmlschema, pyOpenSSL and the SAML schemas
    # (~28 MB in each worker): imported by the first SAML message, not by every worker.
    from saml2.config import SPConfig

    sp_config = SPConfig()
    sp_config.load(conf)
    return sp_config


def client(idp_metadata: list[str] | None = None) -> Saml2Client:
    from saml2.client import Saml2Client

    return Saml2Client(config=config(idp_metadata))


def metadata_xml() -> str:
    """The SP's metadata, signed with its own key."""
    from saml2.metadata import create_metadata_string

    xml = create_metadata_string(None, config=config(), sign=True)
    return xml.decode() if isinstance(xml, bytes) else xml
