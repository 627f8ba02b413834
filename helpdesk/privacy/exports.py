"""A person's data export (GDPR art. 15 and 20): everything the portal holds about one
person, gathered from every capability in the registry, as JSON (for moving it elsewhere)
and as a readable page in Swedish and English, in one zip file. Requesting it and each
delivery are audited."""
from __future__ import annotations

import io
import json
import zipfile

from flask import render_template
from flask_babel import force_locale
from sqlalchemy import select

from helpdesk.admin import audit
from helpdesk.directory.models import Person
from helpdesk.extensions import db
from helpdesk.models_base import as_id, utcnow
from helpdesk.privacy import labels, registry
from helpdesk.privacy.models import PersonExport
from helpdesk.privacy.policies import require_person

FORMAT_VERSION = 1


def request_export(actor, person: Person) -> PersonExport:
    """Record central's request; the file is put together when it is downloaded, so it
    holds what the portal holds at that moment."""
    require_person(actor, person)
    export = PersonExport(organisation_id=person.organisation_id, person_id=person.id,
                          requested_by_id=actor.id, requested_at=utcnow())
    db.session.add(export)
    db.session.flush()
    audit.record(actor, "privacy_export_requested", organisation_id=person.organisation_id,
                 object_type="person", object_id=person.id, label=person.display_name,
                 after={"export_id": export.id})
    return export


def of_person(person: Person) -> list[PersonExport]:
    return list(db.session.scalars(select(PersonExport).where(PersonExport.person_id == person.id)
                                   .order_by(PersonExport.id.desc())))


def gather(person: Person) -> dict:
    user_ids = registry.account_ids(person.id)
    return {"format": FORMAT_VERSION, "generated_at": utcnow().isoformat(),
            "holdings": {h.name: h.export(person, user_ids) for h in registry.holdings()}}


def deliver(actor, export_id: int) -> tuple[str, bytes]:
    """The zip for one export request (file name, bytes); audited as delivered. The caller's
    reach over the person is checked before anything is read."""
    export = db.session.get(PersonExport, as_id(export_id)) if as_id(export_id) else None
    person = db.session.get(Person, export.person_id) if export is not None else None
    require_person(actor, person)
    data = gather(person)
    pages = []
    for locale in ("sv", "en"):
        with force_locale(locale):
            pages.append(render_template("privacy/export_section.html", data=data, lang=locale, labels=labels))
    html = render_template("privacy/export_document.html", sections=pages)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("person.json", json.dumps(data, ensure_ascii=False, indent=2, default=str))
        zf.writestr("person.html", html)
    export.delivered_at = export.delivered_at or utcnow()
    export.downloads += 1
    audit.record(actor, "privacy_export_delivered", organisation_id=person.organisation_id,
                 object_type="person", object_id=person.id, label=person.display_name,
                 after={"export_id": export.id, "download": export.downloads})
    db.session.flush()
    return f"personuppgifter-{export.id}.zip", buffer.getvalue()
