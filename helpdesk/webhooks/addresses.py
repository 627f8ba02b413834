"""Which addresses a hook may call. The portal posts from inside the municipality's network,
so an address that reaches a private, link-local or loopback host would let an admin probe
that network (server-side request forgery): only public https addresses are taken, and plain
http to this machine only when WEBHOOKS_ALLOW_HTTP_LOOPBACK is on (tests, development)."""
from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import lazy_gettext as _l

from helpdesk.errors import ValidationFailed

MAX_URL = 500


def _addresses(host: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError, OSError):
        raise ValidationFailed(_l("The address's host name could not be found."), field="url") from None
    return [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]


def _internal(ip) -> bool:
    return (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_reserved
            or ip.is_unspecified or (getattr(ip, "ipv4_mapped", None) is not None and _internal(ip.ipv4_mapped)))


def check_url(value) -> str:
    """The address cleaned, or ValidationFailed saying why it is refused. Checked again before
    every delivery, since a host name can be pointed elsewhere after the hook was made."""
    url = value.strip() if isinstance(value, str) else ""
    if not url:
        raise ValidationFailed(_l("Enter the address to send the events to."), field="url")
    if len(url) > MAX_URL:
        raise ValidationFailed(_l("The address is too long (at most %(n)d characters).", n=MAX_URL), field="url")
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018  (raises ValueError for a port that is not a number)
    except ValueError:
        parts = host = None
    if parts is None or parts.scheme not in ("https", "http") or not host or parts.username or parts.password:
        raise ValidationFailed(_l("Enter a full web address beginning with https://."), field="url")
    loopback_allowed = bool(current_app.config.get("WEBHOOKS_ALLOW_HTTP_LOOPBACK"))
    if parts.scheme != "https" and not loopback_allowed:
        raise ValidationFailed(_l("The address must begin with https://."), field="url")
    ips = _addresses(host)
    if loopback_allowed and all(ip.is_loopback for ip in ips):
        return url
    if parts.scheme != "https":
        raise ValidationFailed(_l("The address must begin with https://."), field="url")
    if any(_internal(ip) for ip in ips):
        raise ValidationFailed(_l("The address leads to an internal network; give a public address."),
                               field="url")
    return url
