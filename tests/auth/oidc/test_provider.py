"""The ID token checks, with genuine tokens from the test provider."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session

from helpdesk.auth.oidc.provider import Client, OidcFailed, discover, issuer_allowed, verify_id_token
from tests.auth.oidc.conftest import CALLBACK
from tests.support.oidc_op import through_op


def _id_token_for_other_client(op: str) -> tuple[str, str]:
    """Log in at the provider as the second client ("other-client"): its ID token's
    audience is that client, not the portal."""
    meta = discover(op, fresh=True)
    nonce, verifier = generate_token(20), generate_token(48)
    with OAuth2Session("other-client", "other-secret", scope="openid", redirect_uri=CALLBACK,
                       code_challenge_method="S256") as oauth:
        url, _ = oauth.create_authorization_url(meta["authorization_endpoint"], nonce=nonce, code_verifier=verifier)
        back = through_op(url, "emma", stop_at=CALLBACK)
        code = parse_qs(urlsplit(back).query)["code"][0]
        token = oauth.fetch_token(meta["token_endpoint"], code=code, code_verifier=verifier)
    return token["id_token"], nonce


@pytest.fixture(scope="module")
def other_token(op):
    return _id_token_for_other_client(op)


def test_an_id_token_for_another_client_is_refused(op, other_token):
    id_token, nonce = other_token
    meta = discover(op)
    # The same token passes for the client it was made for: the refusal below is the audience.
    assert verify_id_token(id_token, meta, Client(op, "other-client", "x"), nonce)["sub"] == "emma"
    with pytest.raises(OidcFailed) as refused:
        verify_id_token(id_token, meta, Client(op, "helpdesk", "x"), nonce)
    assert refused.value.reason == "bad_aud"


def test_a_wrong_nonce_issuer_or_signature_is_refused(op, other_token):
    id_token, nonce = other_token
    meta = discover(op)
    client = Client(op, "other-client", "x")
    for token, who, expected_nonce, reason in [
        (id_token, client, "another-nonce", "bad_nonce"),
        (id_token, Client("http://127.0.0.1:1", "other-client", "x"), nonce, "bad_iss"),
        (id_token[:-4] + ("AAAA" if not id_token.endswith("AAAA") else "BBBB"), client, nonce, "bad_signature"),
    ]:
        with pytest.raises(OidcFailed) as refused:
            verify_id_token(token, meta, who, expected_nonce)
        assert refused.value.reason == reason


def test_only_https_or_loopback_issuers():
    assert issuer_allowed("https://broker.example.se")
    assert issuer_allowed("http://127.0.0.1:5311")
    assert not issuer_allowed("http://broker.example.se")
    assert not issuer_allowed("file:///etc/passwd")
    assert not issuer_allowed("https://broker.example.se/?q=1")
