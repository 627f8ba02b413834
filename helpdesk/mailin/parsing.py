"""Reading one raw mail: who sent it, to which addresses, its new text and its files.

Quoted history and signatures are cut by mail-parser-reply (Swedish and English headers
such as "Den 2 dec. 2026 skrev ..." / "On ... wrote:"), not by patterns of our own.
"""
from __future__ import annotations

import email
import email.policy
import hashlib
import html
import re
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr

import nh3
from mailparser_reply import EmailReplyParser

from helpdesk.tickets.services import Upload

# Defects that mean the structure cannot be trusted (a text with a stray byte is fine).
_FATAL_DEFECTS = (
    email.errors.NoBoundaryInMultipartDefect,
    email.errors.StartBoundaryNotFoundDefect,
    email.errors.MultipartInvariantViolationDefect,
    email.errors.InvalidMultipartContentTransferEncodingDefect,
)
_RECIPIENT_HEADERS = ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To")
_BOUNCE_SENDERS = ("mailer-daemon", "postmaster")


class BrokenMail(Exception):
    """The mail cannot be read: say why (for the quarantine)."""


@dataclass
class File:
    filename: str
    data: bytes
    content_type: str


@dataclass
class ParsedMail:
    message_key: str
    sender: str
    sender_name: str
    recipients: list[str]
    subject: str
    text: str
    files: list[File] = field(default_factory=list)
    auto_submitted: bool = False
    bulk: bool = False
    bounce: bool = False
    bounced_recipient: str | None = None
    message_id_domain: str | None = None


def _walk_defects(msg) -> list:
    found = list(msg.defects)
    if msg.is_multipart():
        payload = msg.get_payload()
        if isinstance(payload, list):
            for part in payload:
                found += _walk_defects(part)
    return found


def _text_of(msg: EmailMessage) -> str:
    body = msg.get_body(preferencelist=("plain", "html"))
    if body is None:
        return ""
    content = body.get_content()
    if body.get_content_type() == "text/html":
        # Block ends become line breaks, then every tag goes; entities are decoded last.
        content = re.sub(r"(?i)<br\s*/?>|</(p|div|li|tr|h\d)>", "\n", content)
        content = html.unescape(nh3.clean(content, tags=set()))
    return content


def strip_quoted(text: str) -> str:
    """The newly written part of a reply: quoted history and signature removed."""
    text = text.replace("\r\n", "\n").strip()
    if not text:
        return ""
    replies = EmailReplyParser(languages=["sv", "en"]).read(text=text).replies
    # A first part that starts with a quote header ("Den ... skrev:") is the history itself.
    if not replies or replies[0].headers:
        return ""
    return replies[0].body.strip()


def _files(msg: EmailMessage) -> list[File]:
    files = []
    for part in msg.iter_attachments():
        if part.get_content_maintype() == "multipart":
            continue
        data = part.get_payload(decode=True) or b""
        files.append(File(part.get_filename() or "attachment", data, part.get_content_type()))
    return files


def uploads(mail: ParsedMail) -> list[Upload]:
    """The files as the ticket service takes them (it checks type and size as on the web)."""
    return [Upload(f.filename, f.data, f.content_type) for f in mail.files]


def _bounced_recipient(msg: EmailMessage) -> str | None:
    for part in msg.walk():
        if part.get_content_type() == "message/delivery-status":
            text = part.as_string() if not part.is_multipart() else "".join(p.as_string() for p in part.get_payload())
            if found := re.search(r"(?im)^Final-Recipient:\s*[^;]*;\s*(\S+)", text):
                return found.group(1)[:254]
    return None


def parse(raw: bytes) -> ParsedMail:
    try:
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        defects = [d for d in _walk_defects(msg) if isinstance(d, _FATAL_DEFECTS)]
        if defects:
            raise BrokenMail(type(defects[0]).__name__)
        name, sender = parseaddr(str(msg.get("From", "")))
        if "@" not in sender:
            raise BrokenMail("no sender address")
        message_id = str(msg.get("Message-ID", "")).strip()
        key = message_id[:255] if message_id else "sha256:" + hashlib.sha256(raw).hexdigest()
        recipients = [addr.lower() for header in _RECIPIENT_HEADERS
                      for _, addr in getaddresses([str(v) for v in msg.get_all(header, [])]) if "@" in addr]
        auto = str(msg.get("Auto-Submitted", "no")).strip().lower()
        precedence = str(msg.get("Precedence", "")).strip().lower()
        content_type = msg.get_content_type()
        report = content_type == "multipart/report" and msg.get_param("report-type") == "delivery-status"
        bounce = report or sender.split("@")[0].lower() in _BOUNCE_SENDERS
        text = "" if bounce else _text_of(msg)
        files = [] if bounce else _files(msg)
        domain = message_id.rsplit("@", 1)[1].rstrip(">").lower() if "@" in message_id else None
        return ParsedMail(
            message_key=key, sender=sender.lower()[:254], sender_name=name[:200],
            recipients=recipients, subject=str(msg.get("Subject", "")).strip()[:300], text=text,
            files=files, auto_submitted=auto not in ("", "no") or "X-Autoreply" in msg or "X-Autorespond" in msg,
            bulk=precedence in ("bulk", "list", "junk") or "List-Id" in msg,
            bounce=bounce, bounced_recipient=_bounced_recipient(msg) if bounce else None,
            message_id_domain=domain)
    except BrokenMail:
        raise
    except (LookupError, ValueError, TypeError, AttributeError, UnicodeError) as exc:
        # The email package raises these for a header or charset it cannot decode.
        raise BrokenMail(type(exc).__name__) from exc
