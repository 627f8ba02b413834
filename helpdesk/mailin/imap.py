"""Reading IMAP mailboxes (the common setup for a municipality's mail).

Each unseen mail is taken in and committed on its own, then flagged \\Seen; a mail over
the size limit is refused from its header alone (its RFC822.SIZE), never downloaded. A mail
flagged and then fetched again (a second reader, a crash between commit and flag) is
recognised by its Message-ID and not taken in twice.
"""
from __future__ import annotations

import imaplib
import logging
import os
import re
from collections import Counter
from dataclasses import dataclass

from flask import current_app

from helpdesk.extensions import db
from helpdesk.mailin.intake import refuse_too_large, take_in
from helpdesk.mailin.models import InboundMail, Outcome

log = logging.getLogger(__name__)
_SIZE = re.compile(rb"RFC822\.SIZE (\d+)")


@dataclass(frozen=True)
class Mailbox:
    host: str
    user: str
    password: str
    port: int = 993
    ssl: bool = True
    starttls: bool = False
    folder: str = "INBOX"

    @property
    def label(self) -> str:
        return f"{self.user}@{self.host}:{self.port}/{self.folder}"


def mailboxes_from_environment(env=os.environ) -> list[Mailbox]:
    """MAIL_IMAP_HOST, _PORT, _USER, _PASSWORD, _SECURITY (ssl, starttls or none), _FOLDER;
    a second mailbox with the suffix _2 (MAIL_IMAP_HOST_2 ...), and so on."""
    found, n = [], 1
    while True:
        suffix = "" if n == 1 else f"_{n}"
        host = env.get(f"MAIL_IMAP_HOST{suffix}")
        if not host:
            return found
        security = env.get(f"MAIL_IMAP_SECURITY{suffix}", "ssl").lower()
        found.append(Mailbox(
            host=host, user=env.get(f"MAIL_IMAP_USER{suffix}", ""),
            password=env.get(f"MAIL_IMAP_PASSWORD{suffix}", ""),
            port=int(env.get(f"MAIL_IMAP_PORT{suffix}", "993" if security == "ssl" else "143")),
            ssl=security == "ssl", starttls=security == "starttls",
            folder=env.get(f"MAIL_IMAP_FOLDER{suffix}", "INBOX")))
        n += 1


def _connect(box: Mailbox) -> imaplib.IMAP4:
    cls = imaplib.IMAP4_SSL if box.ssl else imaplib.IMAP4
    imap = cls(box.host, box.port, timeout=30)
    if box.starttls:
        imap.starttls()
    imap.login(box.user, box.password)
    return imap


def _take(imap: imaplib.IMAP4, uid: bytes) -> InboundMail:
    limit = current_app.config["MAILIN_MAX_BYTES"]
    _typ, meta = imap.uid("FETCH", uid, "(RFC822.SIZE)")
    size = int(_SIZE.search(b" ".join(m if isinstance(m, bytes) else b" ".join(m) for m in meta if m)).group(1))
    if size > limit:
        _typ, data = imap.uid("FETCH", uid, "(BODY.PEEK[HEADER])")
        return refuse_too_large(data[0][1], size)
    _typ, data = imap.uid("FETCH", uid, "(BODY.PEEK[])")
    return take_in(data[0][1])


def fetch_mailbox(box: Mailbox) -> Counter:
    counts: Counter = Counter()
    imap = _connect(box)
    try:
        imap.select(box.folder)
        _typ, data = imap.uid("SEARCH", None, "UNSEEN")
        for uid in (data[0] or b"").split():
            try:
                row = _take(imap, uid)
                db.session.commit()
                outcome = row.outcome.value
            except Exception:
                # A mail that breaks the reader must not stop the others, nor come back
                # every round: it is flagged seen and logged for the operator.
                db.session.rollback()
                log.exception("mail %s in %s could not be taken in", uid.decode(), box.label)
                outcome = "error"
            imap.uid("STORE", uid, "+FLAGS", "(\\Seen)")
            counts[outcome] += 1
    finally:
        try:
            imap.logout()
        except (OSError, imaplib.IMAP4.error):
            pass
    return counts


def configured_mailboxes() -> list[Mailbox]:
    return list(current_app.config.get("MAIL_IMAP_MAILBOXES") or [])


def fetch_all() -> Counter:
    """Every configured mailbox once (the CLI and the tick)."""
    total: Counter = Counter()
    for box in configured_mailboxes():
        total += fetch_mailbox(box)
    return total


def summary(counts: Counter) -> str:
    if not counts:
        return "nothing new"
    order = [o.value for o in Outcome] + ["error"]
    return ", ".join(f"{counts[k]} {k}" for k in order if counts.get(k))
