"""A real webhook receiver on loopback: an http.server in a thread that checks each message's
Standard Webhooks signature with the hook's secret, the way a municipality's system would,
and records what it got. `status` is what it answers (500 to make the portal retry)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    headers: dict
    body: bytes
    signature_valid: bool

    @property
    def event(self) -> dict:
        return json.loads(self.body)


def signature_valid(secret: str, headers: dict, body: bytes) -> bool:
    """The receiver's side of the scheme, written from the spec, not from the portal's code."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return any(hmac.compare_digest(part.removeprefix("v1,"), expected)
               for part in headers.get("webhook-signature", "").split() if part.startswith("v1,"))


class WebhookReceiver:
    def __init__(self):
        self.secret: str | None = None
        self.status = 200
        self.received: list[Received] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                headers = {k.lower(): v for k, v in self.headers.items()}
                valid = receiver.secret is not None and signature_valid(receiver.secret, headers, body)
                receiver.received.append(Received(headers, body, valid))
                self.send_response(receiver.status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args):  # keep the test output quiet
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/hook"

    def __enter__(self) -> "WebhookReceiver":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
