"""Reply addresses: a signed token in the plus part of the support address.

`support+r.<ticket>.<user>.<p|i>.<signature>@kommun.se` says which ticket a reply belongs
to, who was sent the mail and whether it was a public mail or an internal-note mail;
`support+v.<ticket>.<signature>@...` is the vendor's desk answering a case. The signature is
an HMAC of the rest under SECRET_KEY, so a token cannot be guessed or edited (changing the
key invalidates the addresses in mail already sent). Lower-case hex only: mail systems may
fold the case of a local part.
"""
from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass

from flask import current_app

SIGNATURE_CHARS = 24  # 96 bits of HMAC-SHA256
_REPLY = re.compile(r"^r\.(\d{1,12})\.(\d{1,12})\.([pi])\.([0-9a-f]+)$")
_DESK = re.compile(r"^v\.(\d{1,12})\.([0-9a-f]+)$")


@dataclass(frozen=True)
class ReplyToken:
    kind: str  # "reply" or "desk"
    ticket_id: int
    user_id: int | None = None
    internal: bool = False


class ForgedToken(Exception):
    """A plus part shaped like our token whose signature does not match."""


def _sign(payload: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, b"reply-address:" + payload.encode(), hashlib.sha256).hexdigest()[:SIGNATURE_CHARS]


def _address(tag: str) -> str | None:
    base = current_app.config.get("MAIL_REPLY_ADDRESS") or ""
    if "@" not in base:
        return None
    local, domain = base.rsplit("@", 1)
    return f"{local}+{tag}@{domain}"


def reply_address(ticket_id: int, user_id: int, *, internal: bool) -> str | None:
    """The Reply-To for a notification to `user_id` about the ticket (None: replies are off)."""
    payload = f"r.{ticket_id}.{user_id}.{'i' if internal else 'p'}"
    return _address(f"{payload}.{_sign(payload)}")


def desk_address(ticket_id: int) -> str | None:
    """The Reply-To on a case sent to a vendor's desk."""
    payload = f"v.{ticket_id}"
    return _address(f"{payload}.{_sign(payload)}")


def is_ours(address: str) -> bool:
    """True when `address` is the support address, with or without a plus part."""
    base = (current_app.config.get("MAIL_REPLY_ADDRESS") or "").lower()
    if "@" not in base or "@" not in address:
        return False
    local, domain = address.lower().rsplit("@", 1)
    b_local, b_domain = base.rsplit("@", 1)
    return domain == b_domain and local.split("+", 1)[0] == b_local


def read_token(address: str) -> ReplyToken | None:
    """The token in an address to the support address; None when it carries none.

    Raises ForgedToken for a token whose signature does not match."""
    if not is_ours(address):
        return None
    local = address.lower().rsplit("@", 1)[0]
    if "+" not in local:
        return None
    tag = local.split("+", 1)[1]
    if match := _REPLY.match(tag):
        ticket, user, kind, signature = match.groups()
        payload = f"r.{ticket}.{user}.{kind}"
        token = ReplyToken("reply", int(ticket), int(user), kind == "i")
    elif match := _DESK.match(tag):
        ticket, signature = match.groups()
        payload = f"v.{ticket}"
        token = ReplyToken("desk", int(ticket))
    elif tag.startswith(("r.", "v.")):
        raise ForgedToken(tag)
    else:
        return None
    if not hmac.compare_digest(signature, _sign(payload)):
        raise ForgedToken(tag)
    return token
