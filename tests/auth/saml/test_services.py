"""SAML services without the browser round trip: password login per organisation, the
tick's metadata refresh, and what counts as IdP metadata."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from helpdesk.auth.models import User
from helpdesk.auth.saml import services
from helpdesk.auth.saml.models import SamlConsumedId, SamlPendingRequest, SamlSettings
from helpdesk.directory.models import Organisation
from helpdesk.errors import ValidationFailed
from helpdesk.extensions import db
from helpdesk.models_base import utcnow


def _user(email):
    return db.session.scalar(select(User).where(User.email == email))


def _exk():
    return db.session.scalar(select(Organisation).where(Organisation.code == "EXK"))


def test_password_login_off_leaves_central_admins_and_other_organisations(demo_app, idp):
    with demo_app.app_context():
        exk = _exk()
        db.session.add(SamlSettings(organisation_id=exk.id, idp_metadata=idp.metadata(),
                                    idp_entity_id=idp.base_url + "/metadata", password_login=False))
        db.session.flush()
        assert not services.password_login_allowed(_user("larare.norr@exempelkommun.se"))
        assert not services.password_login_allowed(_user("lokal.norr@exempelkommun.se"))
        assert services.password_login_allowed(_user("central@exempelkommun.se"))
        assert services.password_login_allowed(_user("larare@grannby.se"))
        assert services.password_login_allowed(_user("drift@helpdesk.example"))


def test_the_tick_refreshes_metadata_from_its_address_and_keeps_the_last_good_copy(demo_app, idp):
    from helpdesk.core.tick import run_tick

    with demo_app.app_context():
        exk = _exk()
        old = utcnow() - timedelta(hours=2)
        settings = SamlSettings(organisation_id=exk.id, idp_metadata="<old/>", idp_entity_id="old",
                                metadata_url=idp.base_url + "/metadata", metadata_refreshed_at=old)
        db.session.add(settings)
        db.session.add(SamlPendingRequest(request_id="id-old", organisation_id=exk.id, expires_at=old))
        db.session.add(SamlConsumedId(ident="a:old", expires_at=old))
        db.session.commit()
        report = dict(run_tick())
        assert report["saml: metadata refresh"] == "refreshed 1, failed 0"
        db.session.refresh(settings)
        assert settings.idp_entity_id == idp.base_url + "/metadata" and "EntityDescriptor" in settings.idp_metadata
        assert db.session.scalar(select(SamlPendingRequest)) is None
        assert db.session.scalar(select(SamlConsumedId)) is None
        # The address goes down: the last good metadata stays in use.
        settings.metadata_url = "http://127.0.0.1:9/metadata"
        settings.metadata_refreshed_at = old
        db.session.commit()
        assert services.refresh_job() == "refreshed 0, failed 1"
        assert settings.idp_entity_id == idp.base_url + "/metadata"


@pytest.mark.parametrize("xml", ["", "   ", "<a>", "not xml", "<?xml version='1.0'?><x/>"])
def test_what_is_not_idp_metadata_is_refused(app, xml):
    with app.app_context(), pytest.raises(ValidationFailed):
        services.idp_entity_id_of(xml)


def test_sp_metadata_is_not_idp_metadata(app):
    from helpdesk.auth.saml import sp

    with app.app_context(), pytest.raises(ValidationFailed):
        services.idp_entity_id_of(sp.metadata_xml())


def test_a_central_admin_of_another_organisation_cannot_change_the_settings(demo_app, idp):
    from helpdesk.errors import PermissionDenied

    with demo_app.app_context(), pytest.raises(PermissionDenied):
        services.save_settings(_user("central@grannby.se"), _exk(), metadata_xml=idp.metadata(),
                               metadata_url=None, id_attribute="eppn", password_login=True)


def test_erasure_removes_the_idps_names_for_the_person(demo_app, sso):
    from helpdesk.auth.saml.models import SamlLogin
    from helpdesk.auth.saml.privacy_source import erase, export
    from tests.auth.saml.conftest import idp_login

    client = demo_app.test_client()
    assert client.post("/auth/saml/acs", data=idp_login(client, sso, "anna")).status_code == 303
    with demo_app.app_context():
        user = _user("larare.norr@exempelkommun.se")
        assert export(user.person, [user.id])["school_account_logins"]
        assert erase(user.person, [user.id], dry_run=True, keep_directory=False)[0].count == 1
        erase(user.person, [user.id], dry_run=False, keep_directory=False)
        assert db.session.scalar(select(SamlLogin)) is None
