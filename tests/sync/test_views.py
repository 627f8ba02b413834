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
