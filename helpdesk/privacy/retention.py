"""Retention rules per organisation: how long things that name people are kept.

Central proposes a change, reads its dry run (counts per rule and a few examples without
personal data), and confirms; only then does the change apply. The periodic job (tick)
carries out the confirmed rules once a day per organisation, under a lease so that two
ticks never run them at once, and each run is audited with its counts. Until central has
confirmed rules once, nothing is removed for the organisation.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from helpdesk.admin import audit
from helpdesk.core.privacy_notice import DEFAULT_RETENTION_DAYS
from helpdesk.errors import Conflict, ValidationFailed
from helpdesk.extensions import db
from helpdesk.models_base import utcnow
from helpdesk.privacy import registry
from helpdesk.privacy.models import RetentionSettings
from helpdesk.privacy.policies import require_manage

# The day counts and their defaults (stated in the README's "Personal data" section).
DEFAULTS: dict[str, int | str] = {**DEFAULT_RETENTION_DAYS, "ticket_text": "mask"}
DAY_KEYS = [k for k in DEFAULTS if k.endswith("_days")]
TEXT_CHOICES = ("mask", "remove")
MAX_DAYS = 36500
LEASE = "privacy-retention"
LEASE_TIME = timedelta(minutes=15)
RUN_EVERY = timedelta(days=1)
EXAMPLES = 3


@dataclass
class RuleReport:
    key: str
    days: int
    count: int
    examples: list[str] = field(default_factory=list)


def settings_row(org_id: int) -> RetentionSettings | None:
    return db.session.scalar(select(RetentionSettings).where(RetentionSettings.organisation_id == org_id))


def summary(org) -> dict[str, int]:
    """The day counts in force for the privacy page; empty until central has confirmed rules."""
    row = settings_row(org.id)
    return {k: int(v) for k, v in (row.active or {}).items() if k in DAY_KEYS} if row else {}


def fingerprint(settings: dict | None) -> str:
    """What a confirm form carries: the settings its dry run showed, so a proposal changed
    meanwhile (another tab, another admin) is not confirmed unseen."""
    return hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()[:16]


def clean(values: dict) -> dict:
    """Validate day counts (1 to 36,500) and the text choice; the first fault is raised with
    its field."""
    out: dict[str, int | str] = {}
    for key in DAY_KEYS:
        raw = str(values.get(key, "")).strip()
        if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_DAYS:
            raise ValidationFailed(_l("Give a whole number of days from 1 to 36,500."), field=key)
        out[key] = int(raw)
    text = values.get("ticket_text") or ""
    if text not in TEXT_CHOICES:
        raise ValidationFailed(_l("Choose what happens to the text of old questions."), field="ticket_text")
    out["ticket_text"] = text
    return out


def propose(actor, org_id: int, values: dict) -> RetentionSettings:
    """Store a change as a proposal; it applies only once confirmed after its dry run."""
    require_manage(actor, org_id)
    settings = clean(values)
    row = settings_row(org_id)
    if row is None:
        row = RetentionSettings(organisation_id=org_id)
        db.session.add(row)
    row.proposed = settings
    row.proposed_at = utcnow()
    row.proposed_by_id = actor.id
    db.session.flush()
    return row


def discard(actor, org_id: int) -> None:
    require_manage(actor, org_id)
    row = settings_row(org_id)
    if row is not None:
        row.proposed = None
        row.proposed_at = None
        row.proposed_by_id = None
        db.session.flush()


def confirm(actor, org_id: int, seen: str) -> RetentionSettings:
    """Make the proposal the organisation's rules, if it is the one whose dry run was read."""
    require_manage(actor, org_id)
    row = settings_row(org_id)
    if row is None or row.proposed is None or fingerprint(row.proposed) != seen:
        raise Conflict(_l("The rules changed after that dry run was shown. Read the new dry run and confirm again."))
    before = row.active
    row.active = dict(row.proposed)
    row.confirmed_at = utcnow()
    row.confirmed_by_id = actor.id
    row.proposed = row.proposed_at = row.proposed_by_id = None
    audit.record(actor, "privacy_retention_confirmed", organisation_id=org_id, object_type="organisation",
                 object_id=org_id, before=before, after=row.active)
    db.session.flush()
    return row


def dry_run(org_id: int, settings: dict) -> list[RuleReport]:
    """What the rules would do now: counts per rule and a few examples without names."""
    now = utcnow()
    reports = []
    for key in DAY_KEYS:
        days = int(settings[key])
        cutoff = now - timedelta(days=days)
        if key == "deactivated_person_days":
            reports.append(RuleReport(key, days, len(registry.deactivated_people(org_id, cutoff))))
            continue
        rule = registry.retention_rule(key)
        if rule is None:  # the capability holding it is not installed
            continue
        reports.append(RuleReport(key, days, rule.count(org_id, cutoff, settings),
                                  rule.examples(org_id, cutoff, settings, EXAMPLES)))
    return reports


def run(org_id: int, actor=None) -> dict[str, int]:
    """Carry out the organisation's confirmed rules once; audited with the counts. Nothing
    happens for an organisation whose rules were never confirmed."""
    from helpdesk.privacy import erasure

    if actor is not None:  # the daily job runs as nobody; a person must manage the organisation
        require_manage(actor, org_id)
    row = settings_row(org_id)
    if row is None or row.active is None:
        return {}
    settings = row.active
    now = utcnow()
    counts: dict[str, int] = {}
    for key in DAY_KEYS:
        cutoff = now - timedelta(days=int(settings[key]))
        if key == "deactivated_person_days":
            people = registry.deactivated_people(org_id, cutoff)
            for person_id in people:
                erasure.erase_for_retention(person_id)
            counts[key] = len(people)
            continue
        rule = registry.retention_rule(key)
        if rule is not None:
            counts[key] = rule.apply(org_id, cutoff, settings)
    row.last_run_at = now
    audit.record(actor, "privacy_retention_run", organisation_id=org_id, object_type="organisation",
                 object_id=org_id, after=counts, via="direct" if actor is not None else "job")
    db.session.flush()
    return counts


def recent_runs(org_id: int, limit: int = 5):
    rows, _total = audit.search(audit.AuditFilter(organisation_ids={org_id}, operation="privacy_retention_run"),
                                per_page=limit)
    return rows


def tick_job() -> str:
    """The periodic job: every organisation with confirmed rules not run for a day."""
    from helpdesk import leases

    if not leases.acquire(LEASE, LEASE_TIME):
        return "another run is busy"
    try:
        due = list(db.session.scalars(select(RetentionSettings.organisation_id).where(
            RetentionSettings.active.is_not(None),
            (RetentionSettings.last_run_at.is_(None)) | (RetentionSettings.last_run_at < utcnow() - RUN_EVERY))))
        total = 0
        for org_id in due:
            total += sum(run(org_id).values())
            db.session.commit()  # one organisation at a time: a failure keeps the others' runs
            leases.acquire(LEASE, LEASE_TIME)
    finally:
        leases.release(LEASE)
    return f"{len(due)} organisations, {total} changes"
