"""Every personal-data route: only the central team of the organisation (for a person, of
the person's organisation); everyone else gets the 404 of a missing page."""
from helpdesk.extensions import db
from tests.matrix import Case

CENTRALS = frozenset({"central", "other_org"})  # each manages their own organisation's rules
CENTRAL = frozenset({"central"})
GUARDIAN = "vardnadshavare.norr@exempelkommun.se"


def _export(r):
    from helpdesk.privacy.models import PersonExport

    person = r.person_of(GUARDIAN)
    export = PersonExport(organisation_id=r.org("Exempelkommun"), person_id=person)
    db.session.add(export)
    db.session.commit()
    return export.id


def _erasure(r):
    from helpdesk.privacy.models import ErasureRecord

    record = ErasureRecord(organisation_id=r.org("Exempelkommun"), person_id=r.person_of(GUARDIAN),
                           cause="request", report=[])
    db.session.add(record)
    db.session.commit()
    return record.id


CASES = [
    Case("privacy.retention_page", lambda r: "/privacy/retention", CENTRALS),
    Case("privacy.retention_page", lambda r: "/privacy/retention", CENTRALS, method="POST",
         data={"closed_ticket_days": "730", "guest_request_days": "90", "search_log_days": "180",
               "audit_days": "1825", "deactivated_person_days": "365", "ticket_text": "mask"}),
    Case("privacy.retention_confirm", lambda r: "/privacy/retention/confirm", CENTRALS, method="POST",
         data={"seen": "x"}),
    Case("privacy.retention_discard", lambda r: "/privacy/retention/discard", CENTRALS, method="POST"),
    Case("privacy.retention_run", lambda r: "/privacy/retention/run", CENTRALS, method="POST", data={"seen": "x"}),
    Case("privacy.person_page", lambda r: f"/privacy/people/{r.person_of(GUARDIAN)}", CENTRAL),
    Case("privacy.request_export", lambda r: f"/privacy/people/{r.person_of(GUARDIAN)}/export", CENTRAL,
         method="POST"),
    Case("privacy.download_export", lambda r: f"/privacy/exports/{_export(r)}", CENTRAL),
    Case("privacy.erase_plan", lambda r: f"/privacy/people/{r.person_of(GUARDIAN)}/erase", CENTRAL),
    Case("privacy.erase", lambda r: f"/privacy/people/{r.person_of(GUARDIAN)}/erase", CENTRAL, method="POST",
         data={"seen": "x"}),
    Case("privacy.erasure_report", lambda r: f"/privacy/erasures/{_erasure(r)}", CENTRAL),
]
