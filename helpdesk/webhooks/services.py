"""Webhooks: an organisation's central team names an address and the events it wants; every
such event of the organisation queues a delivery in the transaction that made it, and the
delivery job (`delivery.py`) posts it, signed, with retries."""
from __future__ import annotations

import base64
import secrets
import uuid

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from helpdesk.access import can, scope_of
from helpdesk.errors import NotFound, ValidationFailed
from helpdesk.extensions import db
from helpdesk.models_base import as_id, utcnow
from helpdesk.webhooks.addresses import check_url
from helpdesk.webhooks.models import Webhook, WebhookDelivery

EVENT_TYPES = ("ticket.created", "ticket.escalated", "ticket.resolved", "ticket.rated",
               "article.published", "approval.requested", "approval.decided")
TEST_EVENT = "webhook.test"
MAX_HOOKS = 20
LOG_LENGTH = 50


def _org_id(actor) -> int:
    """The organisation whose hooks the caller manages; anyone else: not found."""
    org_id = scope_of(actor).organisation_id
    if not can(actor, "webhooks.manage", org_id):
        raise NotFound()
    return org_id


def hooks_of(actor) -> list[Webhook]:
    org_id = _org_id(actor)
    return list(db.session.scalars(select(Webhook).where(
        Webhook.organisation_id == org_id, Webhook.deleted_at.is_(None)).order_by(Webhook.id)))


def get_hook(actor, hook_id) -> Webhook:
    hook = db.session.get(Webhook, as_id(hook_id)) if as_id(hook_id) else None
    if hook is None or not can(actor, "webhooks.hook", hook):
        raise NotFound()
    return hook


def _clean_events(values) -> list[str]:
    chosen = [v for v in EVENT_TYPES if v in set(values or ())]
    if not chosen or len(chosen) != len(set(values or ())):
        raise ValidationFailed(_l("Choose at least one of the listed events."), field="events")
    return chosen


def create_hook(actor, url, events) -> Webhook:
    """A new active hook; its secret (`whsec_` + base64) is shown to the maker once."""
    org_id = _org_id(actor)
    url = check_url(url)
    chosen = _clean_events(events)
    if len(hooks_of(actor)) >= MAX_HOOKS:
        raise ValidationFailed(_l("An organisation has at most %(n)d webhooks.", n=MAX_HOOKS), field="url")
    hook = Webhook(organisation_id=org_id, url=url, events=chosen, created_by_id=actor.id,
                   secret="whsec_" + base64.b64encode(secrets.token_bytes(24)).decode())
    db.session.add(hook)
    db.session.flush()
    return hook


def set_active(actor, hook: Webhook, active: bool) -> Webhook:
    hook = get_hook(actor, hook.id)
    hook.active = active
    if active:
        # A fresh start: the failures that disabled it were before whatever was fixed.
        hook.disabled_at = hook.disabled_reason = None
        hook.failure_count = 0
    else:
        hook.disabled_at, hook.disabled_reason = utcnow(), "admin"
    db.session.flush()
    return hook


def delete_hook(actor, hook: Webhook) -> None:
    """Soft: the hook leaves every page and gets nothing more; its delivery log is kept."""
    hook = get_hook(actor, hook.id)
    hook.deleted_at = utcnow()
    hook.active = False
    for delivery in db.session.scalars(select(WebhookDelivery).where(
            WebhookDelivery.webhook_id == hook.id, WebhookDelivery.status == "pending")):
        delivery.status, delivery.next_attempt_at = "failed", None
        delivery.last_error = "hook deleted"
    db.session.flush()


def deliveries_of(actor, hook: Webhook) -> list[WebhookDelivery]:
    get_hook(actor, hook.id)
    return list(db.session.scalars(select(WebhookDelivery).where(WebhookDelivery.webhook_id == hook.id)
                                   .order_by(WebhookDelivery.id.desc()).limit(LOG_LENGTH)))


def _payload(event_type: str, event_id: str, organisation_id: int, data: dict) -> dict:
    return {"id": event_id, "type": event_type, "timestamp": utcnow().isoformat(timespec="seconds"),
            "organisation_id": organisation_id, "data": data}


def _queue(hook: Webhook, event_type: str, event_id: str, payload: dict) -> WebhookDelivery:
    delivery = WebhookDelivery(webhook_id=hook.id, event_id=event_id, event_type=event_type, payload=payload,
                               next_attempt_at=utcnow(), status="pending")
    db.session.add(delivery)
    return delivery


def send_test(actor, hook: Webhook) -> WebhookDelivery:
    """Queue a `webhook.test` event for this hook alone (even when disabled it waits)."""
    hook = get_hook(actor, hook.id)
    event_id = _event_id()
    delivery = _queue(hook, TEST_EVENT, event_id, _payload(TEST_EVENT, event_id, hook.organisation_id,
                                                          {"webhook_id": hook.id}))
    db.session.flush()
    return delivery


def _event_id() -> str:
    return "evt_" + uuid.uuid4().hex


def enqueue(event_type: str, *, organisation_id: int, data: dict) -> int:
    """Queue the event for every active hook of the organisation that chose it; called from
    the domain_event signal, so inside the transaction of the change. Returns how many."""
    if event_type not in EVENT_TYPES or organisation_id is None:
        return 0
    hooks = [h for h in db.session.scalars(select(Webhook).where(
        Webhook.organisation_id == organisation_id, Webhook.active.is_(True), Webhook.deleted_at.is_(None)))
        if event_type in (h.events or ())]
    if not hooks:
        return 0
    event_id = _event_id()
    payload = _payload(event_type, event_id, organisation_id, data)
    for hook in hooks:
        _queue(hook, event_type, event_id, payload)
    return len(hooks)


def on_domain_event(event_type, *, organisation_id=None, data=None, **_ignored) -> None:
    enqueue(event_type, organisation_id=organisation_id, data=dict(data or {}))
