"""Erasure on request (GDPR art. 17) and for people who left long ago: every capability in
the registry removes or anonymises what it holds about the person and says what it keeps
and why. Central reads the plan first; the erasure itself is one transaction (the caller
commits once), and its report is stored and shown."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from helpdesk.admin import audit
from helpdesk.directory.models import Person
from helpdesk.errors import Conflict
from helpdesk.extensions import db
from helpdesk.models_base import Source
from helpdesk.privacy import registry
from helpdesk.privacy.models import ErasureRecord
from helpdesk.privacy.policies import require_person


@dataclass
class Plan:
    person: Person
    synced: bool
    lines: list[registry.ErasureLine]

    @property
    def fingerprint(self) -> str:
        """What the confirm form carries, so what is erased is what was read."""
        return hashlib.sha256(json.dumps([l.to_dict() for l in self.lines], sort_keys=True)
                              .encode()).hexdigest()[:16]


def previous(person: Person) -> ErasureRecord | None:
    return db.session.scalar(select(ErasureRecord).where(ErasureRecord.person_id == person.id)
                             .order_by(ErasureRecord.id.desc()))


def _walk(person: Person, *, dry_run: bool, keep_directory: bool) -> list[registry.ErasureLine]:
    user_ids = registry.account_ids(person.id)
    lines: list[registry.ErasureLine] = []
    for holding in registry.holdings():
        lines.extend(holding.erase(person, user_ids, dry_run=dry_run, keep_directory=keep_directory))
    return lines


def plan(person: Person) -> Plan:
    """What an erasure would do now, changing nothing. A synced person's directory entry is
    kept: the school administrative system owns it and erases it at the source."""
    synced = person.source is Source.SYNC and person.active
    return Plan(person, synced, _walk(person, dry_run=True, keep_directory=synced))


def erase(actor, person: Person, seen: str) -> ErasureRecord:
    """Carry out the plan that was read (its fingerprint); refused if it changed since or the
    person was erased already. Audited without the person's name."""
    require_person(actor, person)
    if previous(person) is not None:
        raise Conflict(_l("This person has already been erased."))
    current = plan(person)
    if current.fingerprint != seen:
        raise Conflict(_l("What the portal holds about the person changed after the plan was shown. "
                          "Read the new plan and confirm again."))
    return _carry_out(actor, person, current.synced, cause="request")


def erase_for_retention(person_id: int) -> ErasureRecord | None:
    """The retention rule for people who left: everything, the directory entry included (the
    sync has already removed them at the source)."""
    person = db.session.get(Person, person_id)
    if person is None:
        return None
    return _carry_out(None, person, False, cause="retention")


def _carry_out(actor, person: Person, synced: bool, *, cause: str) -> ErasureRecord:
    with db.session.begin_nested():
        lines = _walk(person, dry_run=False, keep_directory=synced)
        record = ErasureRecord(organisation_id=person.organisation_id, person_id=person.id,
                               erased_by_id=getattr(actor, "id", None), cause=cause, synced=synced,
                               report=[l.to_dict() for l in lines])
        db.session.add(record)
        db.session.flush()
        counts: dict[str, int] = {}
        for l in lines:
            counts[l.action] = counts.get(l.action, 0) + l.count
        audit.record(actor, "privacy_erasure", organisation_id=person.organisation_id, object_type="person",
                     object_id=person.id, label=f"#{person.id}", after={"cause": cause, "synced": synced, **counts},
                     via="direct" if actor is not None else "job")
    return record


def records(org_id: int, limit: int = 20) -> list[ErasureRecord]:
    return list(db.session.scalars(select(ErasureRecord).where(ErasureRecord.organisation_id == org_id)
                                   .order_by(ErasureRecord.id.desc()).limit(limit)))
