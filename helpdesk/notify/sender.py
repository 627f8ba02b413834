"""Sending the outbox over SMTP, or into .eml files when no mail server is configured."""
from __future__ import annotations

import logging
import smtplib
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from flask import current_app, g
from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.models_base import utcnow
from helpdesk.notify.models import OutboxMail

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 20
# Mail kinds written on a person's behalf rather than by the portal itself.
HUMAN_KINDS = {"ticket_vendor_desk"}


def message_id_domain() -> str:
    """The right-hand side of our Message-IDs: mail coming back with one is our own."""
    return current_app.config.get("MAIL_MESSAGE_ID_DOMAIN") or "helpdesk"


def _message(mail: OutboxMail) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = current_app.config["MAIL_SENDER"]
    msg["To"] = mail.to_address
    msg["Subject"] = mail.subject
    msg["Message-ID"] = make_msgid(domain=message_id_domain())
    if mail.reply_to:
        msg["Reply-To"] = mail.reply_to
    # RFC 3834: out-of-office robots do not answer these, and the mail reader refuses mail
    # carrying it, so two portals (or a portal and an autoresponder) cannot loop. A case
    # sent to a vendor's desk is a person's escalation, which the desk must take.
    if mail.kind not in HUMAN_KINDS:
        msg["Auto-Submitted"] = "auto-replied" if mail.kind.startswith("mailin_") else "auto-generated"
    msg.set_content(mail.body)
    return msg


def _deliver(messages: list[tuple[OutboxMail, EmailMessage]]) -> None:
    cfg = current_app.config
    if not cfg["MAIL_SERVER"]:
        drop = Path(cfg["MAIL_DROP_DIR"])
        drop.mkdir(parents=True, exist_ok=True)
        for mail, msg in messages:
            (drop / f"{mail.id:08d}.eml").write_bytes(bytes(msg))
        return
    with smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=10) as smtp:
        if cfg["MAIL_USE_TLS"]:
            smtp.starttls()
        if cfg["MAIL_USERNAME"]:
            smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
        for mail, msg in messages:
            smtp.send_message(msg)
            mail.sent_at = utcnow()


def send_pending(limit: int = 200, ids: list[int] | None = None) -> tuple[int, int]:
    """Send due mail; returns (sent, failed). Failed mail stays, with a later retry time.

    Rows are locked with SKIP LOCKED where the database has it, so two senders running at
    once never send the same mail twice.
    """
    now = utcnow()
    query = (
        select(OutboxMail)
        .where(OutboxMail.sent_at.is_(None), OutboxMail.next_attempt_at <= now,
               OutboxMail.attempts < MAX_ATTEMPTS)
        .order_by(OutboxMail.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    if ids is not None:
        query = query.where(OutboxMail.id.in_(ids))
    mails = list(db.session.scalars(query))
    if not mails:
        db.session.commit()
        return 0, 0
    messages = [(m, _message(m)) for m in mails]
    try:
        _deliver(messages)
        for mail in mails:
            mail.sent_at = mail.sent_at or utcnow()
        failed = 0
    except (OSError, smtplib.SMTPException) as exc:
        failed = 0
        for mail in mails:
            if mail.sent_at is None:
                failed += 1
                mail.attempts += 1
                mail.last_error = f"{type(exc).__name__}: {exc}"[:500]
                # Back off: 1, 2, 4 ... minutes, at most an hour.
                mail.next_attempt_at = utcnow() + timedelta(minutes=min(60, 2 ** (mail.attempts - 1)))
        log.warning("mail server unavailable, %d mail(s) left in the outbox: %s", failed,
                    type(exc).__name__)
    db.session.commit()
    return len(mails) - failed, failed


def _send_after_request(response):
    """Mail queued by a committed request goes out at once; the rest waits for the tick."""
    queued = g.pop("queued_mail", None)
    if queued and current_app.config.get("MAIL_SEND_IMMEDIATELY", True):
        ids = [m.id for m in queued if m.id is not None]
        if ids:
            try:
                send_pending(ids=ids)
            except Exception:  # sending must never break the page that caused it
                db.session.rollback()
                log.exception("sending mail after request failed; left in the outbox")
    return response


def init_app(app) -> None:
    app.after_request(_send_after_request)
