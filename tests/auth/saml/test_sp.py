"""The service provider's key, certificate and metadata."""
from __future__ import annotations

from saml2.mdstore import InMemoryMetaData

from helpdesk.auth.saml import sp


def test_the_key_is_made_once_in_the_instance_folder_and_kept_private(app):
    with app.app_context():
        key, cert = sp.ensure_keypair()
        assert key.parent == cert.parent and str(key).startswith(app.instance_path)
        assert oct(key.stat().st_mode & 0o777) == "0o600"
        first = key.read_bytes()
        assert sp.ensure_keypair() == (key, cert) and key.read_bytes() == first


def test_configured_key_paths_are_used_and_never_generated(app, tmp_path):
    import pytest

    app.config.update(SAML_SP_KEY_FILE=str(tmp_path / "k.pem"), SAML_SP_CERT_FILE=str(tmp_path / "c.pem"))
    with app.app_context():
        with pytest.raises(RuntimeError):
            sp.ensure_keypair()
        sp.generate_keypair(tmp_path / "k.pem", tmp_path / "c.pem", "configured")
        assert sp.ensure_keypair() == (tmp_path / "k.pem", tmp_path / "c.pem")


def test_the_metadata_is_signed_and_asks_for_signed_assertions(app):
    response = app.test_client().get("/auth/saml/metadata")
    assert response.status_code == 200 and response.mimetype == "application/samlmetadata+xml"
    xml = response.get_data(as_text=True)
    assert "Signature" in xml and 'AuthnRequestsSigned="true"' in xml and 'WantAssertionsSigned="true"' in xml
    with app.app_context():
        md = InMemoryMetaData(sp.config().attribute_converters, xml)
        md.load()
        [entity] = list(md.keys())
        assert entity == "http://127.0.0.1:5000/auth/saml/metadata"
        acs = md.service(entity, "spsso_descriptor", "assertion_consumer_service",
                         "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST")
        assert acs[0]["location"] == "http://127.0.0.1:5000/auth/saml/acs"
