"""A small SAML identity provider for tests and for trying single sign-on by hand, built on
pysaml2's own IdP (`saml2.server.Server`, as pysaml2's example/idp2 does).

It has its own login form (a few test users with eduPersonPrincipalName and mail), serves
its metadata, signs its answers, and answers HTTP-Redirect sign-on and logout. Switches let a
test make it misbehave the way a broken or hostile IdP would: no signature, the wrong
audience, an assertion that has already expired, or no identifying attribute.

    python -m tests.support.saml_idp --port 5211 --sp-metadata http://127.0.0.1:5000/auth/saml/metadata
"""
from __future__ import annotations

import html
import re
import tempfile
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_TRANSIENT, NameID
from saml2.server import Server
from saml2.xmldsig import SIG_RSA_SHA256
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

# user name -> (password, attributes). "anna" is the demo teacher larare.norr@exempelkommun.se.
USERS: dict[str, tuple[str, dict]] = {
    "anna": ("anna-pass", {"eduPersonPrincipalName": ["larare.norr@exempelkommun.se"],
                           "mail": ["larare.norr@exempelkommun.se"], "givenName": ["Anna"]}),
    "karl": ("karl-pass", {"eduPersonPrincipalName": ["gruppadmin.norr@exempelkommun.se"],
                           "mail": ["gruppadmin.norr@exempelkommun.se"], "givenName": ["Karl"]}),
    "central": ("central-pass", {"eduPersonPrincipalName": ["central@exempelkommun.se"],
                                 "mail": ["central@exempelkommun.se"]}),
    # In the IdP but in nobody's staff directory.
    "okand": ("okand-pass", {"eduPersonPrincipalName": ["okand@exempelkommun.se"],
                             "mail": ["okand@exempelkommun.se"]}),
    # In the staff directory only once a test adds her (no portal account yet).
    "nyanstalld": ("ny-pass", {"eduPersonPrincipalName": ["ny.larare@exempelkommun.se"],
                               "mail": ["ny.larare@exempelkommun.se"]}),
    # Only an e-mail address, no eduPersonPrincipalName (for the mail fallback).
    "mailonly": ("mailonly-pass", {"mail": ["larare.soder@exempelkommun.se"]}),
}


@dataclass
class Switches:
    sign_assertion: bool = True
    # Another audience than the SP that asked (None: the SP's own entity id).
    audience: str | None = None
    # Minutes the assertion is valid; negative: it expired before it was sent.
    lifetime_minutes: int = 15
    # Attributes left out of every answer.
    drop: set = field(default_factory=set)


class SamlIdP:
    def __init__(self, base_url: str, *, sp_metadata: str | None = None, sp_metadata_url: str | None = None,
                 workdir: Path | None = None):
        self.base_url = base_url.rstrip("/")
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix="saml-idp-"))
        self.sp_metadata = sp_metadata
        self.sp_metadata_url = sp_metadata_url
        self.switches = Switches()
        # What the last answer was, for tests: the name id it gave.
        self.last_name_id: NameID | None = None
        self._key, self._cert = self.workdir / "idp.key", self.workdir / "idp.crt"
        if not self._key.exists():
            from helpdesk.auth.saml.sp import generate_keypair

            generate_keypair(self._key, self._cert, "test IdP")
        self._server: Server | None = None

    # -------------------------------------------------------------- configuration

    def _config(self, policy_minutes: int = 15) -> dict:
        import shutil

        base = self.base_url
        return {
            "entityid": base + "/metadata",
            "key_file": str(self._key),
            "cert_file": str(self._cert),
            "xmlsec_binary": shutil.which("xmlsec1") or "/usr/bin/xmlsec1",
            "accepted_time_diff": 60,
            "service": {"idp": {
                "name": "Test IdP",
                "endpoints": {
                    "single_sign_on_service": [(base + "/sso/redirect", BINDING_HTTP_REDIRECT)],
                    "single_logout_service": [(base + "/slo/redirect", BINDING_HTTP_REDIRECT)],
                },
                "policy": {"default": {"lifetime": {"minutes": policy_minutes},
                                       "attribute_restrictions": None, "name_form": NAME_FORMAT_URI}},
                "name_id_format": [NAMEID_FORMAT_TRANSIENT],
                "want_authn_requests_signed": True,
            }},
            "metadata": {"inline": self._known_sps()},
        }

    def _known_sps(self) -> list[str]:
        """The SP's metadata; with the audience switch also a second SP, a copy under the
        other entity id, so the IdP will address an answer to it."""
        xml = self._sp_metadata()
        if not xml:
            return []
        found = re.search(r'entityID="([^"]+)"', xml)
        if self.switches.audience and found:
            other = xml.replace(found.group(0), f'entityID="{self.switches.audience}"')
            return [xml, re.sub(r"<ds:Signature.*?</ds:Signature>", "", other, flags=re.S)]
        return [xml]

    def _sp_metadata(self) -> str | None:
        if self.sp_metadata is None and self.sp_metadata_url:
            import requests

            try:
                self.sp_metadata = requests.get(self.sp_metadata_url, timeout=10).text
            except requests.RequestException:
                return None
        return self.sp_metadata

    def server(self) -> Server:
        if self._server is None:
            conf = IdPConfig()
            conf.load(self._config(self.switches.lifetime_minutes))
            self._server = Server(config=conf)
        return self._server

    def reset(self) -> None:
        """Forget the built server, e.g. after the switches or the SP's metadata changed."""
        self._server = None

    def metadata(self) -> str:
        conf = IdPConfig()
        conf.load(self._config())
        xml = create_metadata_string(None, config=conf, sign=False)
        return xml.decode() if isinstance(xml, bytes) else xml

    # -------------------------------------------------------------- the WSGI app

    def __call__(self, environ, start_response):
        request = Request(environ)
        handler = {
            "/metadata": self._metadata_page,
            "/sso/redirect": self._sso,
            "/sso/login": self._login,
            "/slo/redirect": self._slo,
        }.get(request.path)
        response = handler(request) if handler else Response("not found", status=404)
        return response(environ, start_response)

    def _metadata_page(self, _request):
        return Response(self.metadata(), mimetype="application/samlmetadata+xml")

    def _parse(self, args):
        """The SP's AuthnRequest; pysaml2 checks its redirect signature against the SP's
        metadata (want_authn_requests_signed) and refuses an unsigned one."""
        if "Signature" not in args or "SigAlg" not in args:
            raise ValueError("the AuthnRequest is not signed")
        return self.server().parse_authn_request(args["SAMLRequest"], BINDING_HTTP_REDIRECT,
                                                 relay_state=args.get("RelayState"),
                                                 sigalg=args["SigAlg"], signature=args["Signature"])

    def _sso(self, request):
        args = request.args.to_dict()
        try:
            self._parse(args)
        except Exception as exc:  # noqa: BLE001 - any bad request is a 400 page here
            return Response(f"bad request: {html.escape(str(exc))}", status=400)
        return self._form(args)

    def _form(self, args, error=""):
        hidden = "".join(f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
                         for k, v in args.items())
        body = f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Test IdP login</title>
<meta name="viewport" content="width=device-width"></head><body><main>
<h1>Test IdP: log in</h1>{f'<p role="alert">{html.escape(error)}</p>' if error else ''}
<form method="post" action="/sso/login">{hidden}
<p><label for="username">User name</label> <input id="username" name="username" autocomplete="username"></p>
<p><label for="password">Password</label> <input id="password" name="password" type="password"></p>
<p><button type="submit">Log in</button></p></form></main></body></html>"""
        return Response(body, mimetype="text/html", status=400 if error else 200)

    def _login(self, request):
        form = request.form.to_dict()
        user, password = form.pop("username", ""), form.pop("password", "")
        try:
            req = self._parse(form)
        except Exception as exc:  # noqa: BLE001
            return Response(f"bad request: {html.escape(str(exc))}", status=400)
        if user not in USERS or USERS[user][0] != password:
            return self._form(form, "Wrong user name or password.")
        return Response(self.answer(req.message, user, form.get("RelayState", "")), mimetype="text/html")

    def answer(self, authn_request, user: str, relay_state: str = "") -> str:
        """The auto-posting HTML form carrying the signed Response to the SP's ACS."""
        self.reset()  # the switches may have changed since the last answer
        server = self.server()
        args = server.response_args(authn_request)
        if self.switches.audience:
            args["sp_entity_id"] = self.switches.audience
        identity = {k: v for k, v in USERS[user][1].items() if k not in self.switches.drop}
        response = server.create_authn_response(
            identity, userid=user, sign_assertion=self.switches.sign_assertion, sign_response=False,
            sign_alg=SIG_RSA_SHA256, authn={"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:Password"},
            **args)
        self.last_name_id = server.ident.find_nameid(user)[0] if server.ident.find_nameid(user) else None
        info = server.apply_binding(BINDING_HTTP_POST, str(response), args["destination"], relay_state,
                                    response=True)
        return info["data"]

    def _slo(self, request):
        return Response("<!DOCTYPE html><html lang='en'><title>Logged out</title><p>Logged out at the test IdP.</p></html>",
                        mimetype="text/html")

    def logout_request_url(self, sp_entity_id: str, name_id: NameID, *, sign: bool = True) -> str:
        """A LogoutRequest for the person, sent to the SP's logout address (HTTP-Redirect)."""
        server = self.server()
        destination = server.metadata.single_logout_service(sp_entity_id, BINDING_HTTP_REDIRECT, "spsso")[0]["location"]
        _id, req = server.create_logout_request(destination, sp_entity_id, name_id=name_id, sign=False)
        info = server.apply_binding(BINDING_HTTP_REDIRECT, str(req), destination, "", sign=sign, sigalg=SIG_RSA_SHA256)
        return dict(info["headers"])["Location"]

    # -------------------------------------------------------------- serving

    def serve(self, host: str, port: int):
        """Serve in a background thread; returns the server (call .shutdown())."""
        httpd = make_server(host, port, self, threaded=True)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        return httpd


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


__all__ = ["SamlIdP", "USERS", "Switches", "free_port"]


@contextmanager
def running_idp(workdir: Path):
    """The test IdP served on a free loopback port for one test; stopped afterwards."""
    port = free_port()
    idp = SamlIdP(f"http://127.0.0.1:{port}", workdir=workdir)
    httpd = idp.serve("127.0.0.1", port)
    try:
        yield idp
    finally:
        httpd.shutdown()
