"""Matching a verified personnummer to the directory's guardians."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from helpdesk.auth.oidc.guardians import guardians_with_number, normalised_number
from helpdesk.auth.oidc.provider import OidcFailed
from helpdesk.auth.models import User
from helpdesk.directory.models import GuardianRelation, Person
from helpdesk.extensions import db
from tests.auth.oidc.conftest import log_in_with_op
from tests.support.oidc_op import EMMA


@pytest.mark.parametrize("written", [EMMA, f"{EMMA[:8]}-{EMMA[8:]}", EMMA[2:], f"{EMMA[2:8]}-{EMMA[8:]}"])
def test_the_number_is_read_in_every_usual_form(written):
    assert normalised_number(written) == EMMA


@pytest.mark.parametrize("claim, reason", [(None, "missing_claim"), ("", "missing_claim"), (12345, "missing_claim"),
                                           ("198205175353", "invalid_claim"), ("nonsense", "invalid_claim")])
def test_a_missing_or_unreadable_number_is_refused(claim, reason):
    with pytest.raises(OidcFailed) as refused:
        normalised_number(claim)
    assert refused.value.reason == reason


def test_only_a_guardian_with_a_child_in_a_school_matches(demo_app):
    with demo_app.app_context():
        [emma] = guardians_with_number(EMMA)
        assert emma.email == "vardnadshavare.norr@exempelkommun.se"
        assert guardians_with_number(EMMA, emma.organisation_id + 1000) == []
        # Her relations end (the children left): no longer a guardian here.
        for relation in db.session.scalars(select(GuardianRelation).where(GuardianRelation.guardian_id == emma.id)):
            relation.active = False
        db.session.flush()
        assert guardians_with_number(EMMA) == []


def test_the_ten_digit_form_logs_in_the_same_guardian(demo_app, exk_settings):
    client = demo_app.test_client()
    assert log_in_with_op(client, "emma-kort").headers["Location"] == "/"
    with client.session_transaction() as sess:
        session_id = sess["_user_id"]
    with demo_app.app_context():
        from helpdesk.auth.login_sessions import find_live

        user_id = find_live(session_id).user_id
        assert db.session.get(User, user_id).person_id == db.session.scalar(
            select(Person.id).where(Person.email == "vardnadshavare.norr@exempelkommun.se"))
