"""The delivery job: post each due delivery, signed the Standard Webhooks way, and retry
with a growing wait; a hook whose deliveries keep failing is disabled and central is told.

The signature is `v1,` + base64(HMAC-SHA256(secret bytes, "<id>.<timestamp>.<body>")), where
the secret bytes are the base64 after `whsec_`; the receiver recomputes it with its copy.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
from datetime import timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from helpdesk.errors import ValidationFailed
from helpdesk.extensions import db
from helpdesk.models_base import utcnow
from helpdesk.webhooks.addresses import check_url
from helpdesk.webhooks.models import Webhook, WebhookDelivery
from helpdesk.webhooks.services import TEST_EVENT

log = logging.getLogger(__name__)

# The wait after the 1st, 2nd, ... failed attempt; after the last a delivery has failed for good.
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2),
           timedelta(hours=12))
MAX_ATTEMPTS = len(BACKOFF) + 1
TIMEOUT = 5  # seconds; the receiver should answer at once and do its work afterwards
BATCH = 100


def secret_bytes(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix("whsec_"))


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_bytes(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def _post(hook: Webhook, delivery: WebhookDelivery) -> tuple[int | None, str | None]:
    """(status code, error) of one attempt; never raises."""
    try:
        check_url(hook.url)  # the host may point somewhere internal by now
    except ValidationFailed as exc:
        return None, str(exc.message)
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    timestamp = int(utcnow().timestamp())
    headers = {"content-type": "application/json", "user-agent": "helpdesk-webhooks/1",
               "webhook-id": delivery.event_id, "webhook-timestamp": str(timestamp),
               "webhook-signature": sign(hook.secret, delivery.event_id, timestamp, body)}
    import requests  # here, not at the top: only the job runner posts (~5 MB a web worker keeps free)

    try:
        # No redirects: a redirect could lead to an internal address the check refused.
        response = requests.post(hook.url, data=body, headers=headers, timeout=TIMEOUT, allow_redirects=False)
    except requests.RequestException as exc:
        return None, type(exc).__name__
    if 200 <= response.status_code < 300:
        return response.status_code, None
    return response.status_code, f"HTTP {response.status_code}"


def _next_due(skipped: set[int]) -> WebhookDelivery | None:
    stmt = (select(WebhookDelivery).join(Webhook, Webhook.id == WebhookDelivery.webhook_id)
            .where(WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= utcnow(),
                   Webhook.active.is_(True) | (WebhookDelivery.event_type == TEST_EVENT),
                   Webhook.deleted_at.is_(None))
            .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id).limit(1))
    if skipped:
        stmt = stmt.where(WebhookDelivery.id.not_in(skipped))
    if db.engine.dialect.name == "postgresql":
        # One row at a time, locked until its attempt is committed: two job runners never
        # post the same delivery, the second skips the locked row.
        stmt = stmt.with_for_update(of=WebhookDelivery, skip_locked=True)
    return db.session.scalars(stmt).first()


def deliver_due() -> str:
    """The tick job: one attempt for each due delivery (at most BATCH a run)."""
    delivered = failed = 0
    seen: set[int] = set()
    for _ in range(BATCH):
        delivery = _next_due(seen)
        if delivery is None:
            break
        seen.add(delivery.id)  # a retry planned for "now" waits for the next run
        hook = delivery.webhook
        code, error = _post(hook, delivery)
        delivery.attempts += 1
        delivery.last_status_code, delivery.last_error = code, error
        if error is None:
            delivery.status, delivery.delivered_at, delivery.next_attempt_at = "delivered", utcnow(), None
            hook.failure_count = 0
            delivered += 1
        elif delivery.attempts >= MAX_ATTEMPTS:
            delivery.status, delivery.next_attempt_at = "failed", None
            failed += 1
            if delivery.event_type != TEST_EVENT:  # a test (even to a disabled hook) never counts
                _count_failure(hook)
        else:
            delivery.next_attempt_at = utcnow() + BACKOFF[delivery.attempts - 1]
        db.session.commit()  # each attempt is kept, and its row lock released, at once
    return f"delivered {delivered}, failed {failed}"


def _count_failure(hook: Webhook) -> None:
    hook.failure_count += 1
    if hook.active and hook.failure_count >= int(current_app.config["WEBHOOKS_DISABLE_AFTER"]):
        hook.active, hook.disabled_at, hook.disabled_reason = False, utcnow(), "failures"
        log.warning("webhook %s disabled after %s failed deliveries", hook.id, hook.failure_count)
        _tell_central(hook)


def _tell_central(hook: Webhook) -> None:
    from helpdesk.auth.models import Role, RoleAssignment, User
    from helpdesk.notify.services import queue_mail

    admins = db.session.scalars(select(User).join(RoleAssignment, RoleAssignment.user_id == User.id).where(
        RoleAssignment.role == Role.CENTRAL_ADMIN, RoleAssignment.organisation_id == hook.organisation_id)
        .distinct())
    page = current_app.config.get("PUBLIC_URL", "").rstrip("/") + f"/webhooks/{hook.id}"
    for admin in admins:
        if not admin.email or not admin.is_active:
            continue
        with force_locale(admin.locale or "sv"):
            subject = _("A webhook was disabled")
            body = _("The webhook to %(url)s failed %(n)d deliveries in a row and was disabled. "
                     "Check the receiving system, then enable the hook again: %(page)s",
                     url=hook.url, n=hook.failure_count, page=page)
        queue_mail(admin.email, subject, body + "\n", kind="webhook_disabled")
