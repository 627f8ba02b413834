"""The sync status page: central sees its organisation's flags and marks them handled."""
from __future__ import annotations

from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.sync.models import SyncFlag
from tests.matrix import Refs


def test_central_sees_and_resolves_flags_of_their_own_organisation(demo_app, as_user):
    with demo_app.app_context():
        org = Refs().org("Exempelkommun")
        flag = SyncFlag(organisation_id=org, object_type="membership", object_id=1, reason="person_removed|Per Ek")
        db.session.add(flag)
        db.session.commit()
        flag_id = flag.id
    central = as_user("central@exempelkommun.se")
    html = central.get("/sync/").get_data(as_text=True)
    assert "Per Ek har tagits bort av synken" in html
    other = as_user("central@grannby.se")
    assert "Per Ek" not in other.get("/sync/").get_data(as_text=True)
    assert other.post(f"/sync/flags/{flag_id}/resolve").status_code == 404
    r = central.post(f"/sync/flags/{flag_id}/resolve", follow_redirects=True)
    assert "markerad som hanterad" in r.get_data(as_text=True)
    assert "Per Ek" not in central.get("/sync/").get_data(as_text=True)
    with demo_app.app_context():
        assert db.session.scalar(select(SyncFlag.resolved_at).where(SyncFlag.id == flag_id)) is not None


def test_run_warnings_and_counts_are_worded_in_the_readers_language(demo_app, as_user):
    from helpdesk.sync.models import SyncRun, SyncRunStatus
    from helpdesk.sync.notices import notice

    with demo_app.app_context():
        org = Refs().org("Exempelkommun")
        db.session.add(SyncRun(source="export.json", status=SyncRunStatus.OK, organisation_ids=[org],
                               counts={"person": {"created": 2}},
                               warnings=[notice("member_unknown", id="g-17", member="p-99"),
                                         "an English warning stored before codes"]))
        db.session.commit()
    html = as_user("central@exempelkommun.se").get("/sync/").get_data(as_text=True)
    assert "Grupp g-17: medlemmen p-99 är okänd; hoppades över." in html
    assert "Personer" in html and "skapade 2" in html
    assert "an English warning stored before codes" in html


def test_importer_stores_warnings_as_codes(app, sample, write_export):
    from helpdesk.sync.importer import run_import

    sample["groups"][0]["groupMemberships"].append({"person": {"id": "00000000-0000-4000-8000-0000000009ff"}})
    with app.test_request_context():
        result = run_import(write_export(sample))
        assert {"code": "member_unknown", "id": sample["groups"][0]["id"],
                "member": "00000000-0000-4000-8000-0000000009ff"} in result.run.warnings
