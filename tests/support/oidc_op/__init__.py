"""The test OpenID provider (server.js, the certified `oidc-provider` under node) on a free
loopback port, and a helper that logs in through its own login page like a browser would."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests

HERE = Path(__file__).resolve().parent
CLIENT_ID = "helpdesk"
CLIENT_SECRET = "op-test-secret"
# The demo guardian Emma Lindgren's number (helpdesk/demo.py) and a person who is nobody's guardian.
EMMA = "198205175352"
NOBODY = "197001019871"
# A number the tests give a new guardian without an account.
NEWCOMER = "197505059878"
ACCOUNTS = [f"emma:demo:{EMMA}:Emma Lindgren", f"ingen:demo:{NOBODY}:Nils Ingen",
            f"ny:demo:{NEWCOMER}:Nora Ny", "utan:demo::Utan Nummer",
            # Emma again, the way some providers write the number: 10 digits with a hyphen.
            f"emma-kort:demo:{EMMA[2:8]}-{EMMA[8:]}:Emma Lindgren"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _require_node():
    node = shutil.which("node")
    reason = None
    if node is None:
        reason = "node is not installed"
    elif not (HERE / "node_modules" / "oidc-provider").is_dir():
        reason = f"run `npm ci` in {HERE} (.ci/run does)"
    if reason:
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(reason)
        pytest.skip(reason)
    return node


@contextmanager
def running_op(redirect_uris: list[str], accounts: list[str] = ACCOUNTS):
    """Start `node server.js` on a free port; yields the issuer URL."""
    node = _require_node()
    port = _free_port()
    args = [node, str(HERE / "server.js"), "--port", str(port)]
    for uri in redirect_uris:
        args += ["--redirect-uri", uri]
    for account in accounts:
        args += ["--account", account]
    proc = subprocess.Popen(args, cwd=HERE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = proc.stdout.readline()
        if "OIDC OP ready" not in line:
            raise RuntimeError(f"the test OP did not start: {line!r}")
        yield line.split()[-1]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close()


def through_op(start_url: str, login: str | None, password: str = "demo", *, stop_at: str,
               session: requests.Session | None = None) -> str:
    """Follow the provider from the authorization URL: fill in its login form (or press
    "Avbryt" when `login` is None), and return the URL it finally sends the browser to
    (the first one starting with `stop_at`)."""
    s = session or requests.Session()
    try:
        return _follow(s, start_url, login, password, stop_at)
    finally:
        if session is None:
            s.close()


def _follow(s, url, login, password, stop_at) -> str:
    for _ in range(20):
        if url.startswith(stop_at):
            return url
        response = s.get(url, allow_redirects=False, timeout=10)
        if response.is_redirect:
            url = urljoin(url, response.headers["Location"])
            continue
        assert response.status_code == 200, response.text[:500]
        path = urlsplit(url).path
        assert path.startswith("/interaction/"), url
        action = f"{path}/login" if login else f"{path}/abort"
        data = {"login": login, "password": password} if login else {}
        response = s.post(urljoin(url, action), data=data, allow_redirects=False, timeout=10)
        assert response.is_redirect, response.text[:500]
        url = urljoin(url, response.headers["Location"])
    raise AssertionError("the provider never sent the browser back")
