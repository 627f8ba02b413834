"""Central handles the sync's flags on manual data, in its own organisation only."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from helpdesk.admin.models import AuditEntry
from helpdesk.auth.models import User
from helpdesk.errors import NotFound
from helpdesk.extensions import db
from helpdesk.sync.models import SyncFlag
from helpdesk.sync.services import resolve_flag
from tests.matrix import Refs


def _user(email):
    return db.session.scalar(select(User).where(User.email == email))


def test_resolve_flag_is_for_central_of_the_flags_organisation(demo_app):
    with demo_app.test_request_context():
        flag = SyncFlag(organisation_id=Refs().org("Exempelkommun"), object_type="membership",
                        object_id=1, reason="person_removed|Per Ek")
        db.session.add(flag)
        db.session.flush()
        audits = db.session.scalar(select(func.count(AuditEntry.id)))
        for outsider in ("central@grannby.se", "lokal.norr@exempelkommun.se"):
            with pytest.raises(NotFound):
                resolve_flag(_user(outsider), flag.id)
        assert flag.resolved_at is None
        assert resolve_flag(_user("central@exempelkommun.se"), flag.id) is True
        assert flag.resolved_at is not None
        assert db.session.scalar(select(func.count(AuditEntry.id))) == audits + 1
        assert resolve_flag(_user("central@exempelkommun.se"), flag.id) is False  # once only
        with pytest.raises(NotFound):
            resolve_flag(_user("central@exempelkommun.se"), 999999)
