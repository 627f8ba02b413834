"""School-account login end to end, against the real test IdP on loopback: the IdP's own
login form, its signed answer posted to the ACS, and an attacker's or a broken IdP's
answers refused with a clear page and an audit entry."""
from __future__ import annotations

import base64

from sqlalchemy import func, select

from helpdesk.admin.models import AuditEntry
from helpdesk.auth.models import Role, User
from helpdesk.extensions import db
from tests.auth.saml.conftest import idp_login
from tests.conftest import login


def _logged_in(client) -> bool:
    return client.get("/account").status_code == 200


def _audits(app, operation):
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry).where(AuditEntry.operation == operation)))


def _users(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))


def test_a_demo_teacher_logs_in_through_the_idps_own_form(demo_app, sso):
    client = demo_app.test_client()
    form = idp_login(client, sso, "anna", next_url="/tickets/new")
    response = client.post("/auth/saml/acs", data=form)
    assert response.status_code == 303 and response.headers["Location"] == "/tickets/new"
    page = client.get("/account").get_data(as_text=True)
    assert "Anna Berglund" in page or "larare.norr@exempelkommun.se" in page
    with client.session_transaction() as s:
        assert s["login_method"] == "saml"


def _new_teacher(demo_app):
    """A teacher the sync brought to Norrskolan, without a portal account."""
    from helpdesk.directory.models import Duty, DutyRole, Person, PersonKind, School

    with demo_app.app_context():
        org_id = db.session.scalar(select(School.organisation_id).where(School.name == "Norrskolan"))
        school_id = db.session.scalar(select(School.id).where(School.name == "Norrskolan"))
        person = Person(organisation_id=org_id, kind=PersonKind.STAFF, given_name="Nora", family_name="Ny",
                        email="ny.larare@exempelkommun.se", eppn="ny.larare@exempelkommun.se")
        db.session.add(person)
        db.session.flush()
        db.session.add(Duty(person_id=person.id, school_id=school_id, role=DutyRole.TEACHER))
        db.session.commit()
        return person.id


def test_first_login_makes_the_account_with_the_requester_role(demo_app, sso):
    _new_teacher(demo_app)
    client = demo_app.test_client()
    assert client.post("/auth/saml/acs", data=idp_login(client, sso, "nyanstalld")).status_code == 303
    assert _logged_in(client)
    with demo_app.app_context():
        user = db.session.scalar(select(User).where(User.email == "ny.larare@exempelkommun.se"))
        assert [a.role for a in user.roles] == [Role.STAFF] and user.password_hash is None
    assert _audits(demo_app, "saml_account_created")


def test_an_account_with_the_persons_address_is_linked_not_duplicated(demo_app, sso):
    from helpdesk.auth.services import new_session_key

    person_id = _new_teacher(demo_app)
    with demo_app.app_context():
        db.session.add(User(email="ny.larare@exempelkommun.se", session_key=new_session_key()))
        db.session.commit()
    before = _users(demo_app)
    client = demo_app.test_client()
    assert client.post("/auth/saml/acs", data=idp_login(client, sso, "nyanstalld")).status_code == 303
    assert _logged_in(client) and _users(demo_app) == before
    with demo_app.app_context():
        user = db.session.scalar(select(User).where(User.email == "ny.larare@exempelkommun.se"))
        assert user.person_id == person_id and [a.role for a in user.roles] == [Role.STAFF]
    assert _audits(demo_app, "saml_account_linked")


def test_someone_not_in_the_directory_is_told_whom_to_ask_and_nothing_is_made(demo_app, sso):
    client = demo_app.test_client()
    before = _users(demo_app)
    response = client.post("/auth/saml/acs", data=idp_login(client, sso, "okand"))
    text = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "centrala" in text and "Exempelkommun" in text
    assert not _logged_in(client) and _users(demo_app) == before
    [entry] = _audits(demo_app, "saml_login_refused")
    assert entry.after == {"reason": "not_in_directory"}


def _refused(demo_app, client, form, reason="bad_response", status=400, why=None):
    before = _users(demo_app)
    response = client.post("/auth/saml/acs", data=form)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert "alert" in response.get_data(as_text=True)
    assert not _logged_in(client) and _users(demo_app) == before
    entry = _audits(demo_app, "saml_login_refused")[-1]
    assert entry.after["reason"] == reason
    if why:  # pysaml2's own word for what was wrong
        assert why in entry.object_label
    return response


def test_a_tampered_assertion_is_refused(demo_app, sso):
    client = demo_app.test_client()
    form = idp_login(client, sso, "anna")
    xml = base64.b64decode(form["SAMLResponse"]).decode()
    assert "larare.norr@exempelkommun.se" in xml
    # The attacker turns the teacher into the central admin; the signature no longer fits.
    form["SAMLResponse"] = base64.b64encode(
        xml.replace("larare.norr@exempelkommun.se", "central@exempelkommun.se").encode()).decode()
    _refused(demo_app, client, form, why="Failed to verify signature")


def test_an_unsigned_assertion_is_refused(demo_app, sso):
    sso.switches.sign_assertion = False
    client = demo_app.test_client()
    _refused(demo_app, client, idp_login(client, sso, "anna"), why="Signature missing")


def test_an_assertion_for_another_audience_is_refused(demo_app, sso):
    sso.switches.audience = "https://another-service.example/sp"
    client = demo_app.test_client()
    _refused(demo_app, client, idp_login(client, sso, "anna"), why="AudienceRestrictions")


def test_an_expired_assertion_is_refused(demo_app, sso):
    sso.switches.lifetime_minutes = -10
    client = demo_app.test_client()
    _refused(demo_app, client, idp_login(client, sso, "anna"), why="Condition not OK")


def test_the_same_post_sent_again_is_refused(demo_app, sso):
    client = demo_app.test_client()
    form = idp_login(client, sso, "anna")
    assert client.post("/auth/saml/acs", data=form).status_code == 303
    other = demo_app.test_client()
    response = _refused(demo_app, other, form, reason="replayed")
    assert "redan" in response.get_data(as_text=True)


def test_an_answer_without_the_identifying_attribute_is_refused(demo_app, sso):
    sso.switches.drop = {"eduPersonPrincipalName"}
    client = demo_app.test_client()
    _refused(demo_app, client, idp_login(client, sso, "anna"), reason="missing_attribute")


def test_garbage_and_unsolicited_answers_are_refused(demo_app, sso):
    client = demo_app.test_client()
    for value in ("", "not base64 at all %%%", base64.b64encode(b"<notsaml/>").decode(), "A" * 5000):
        _refused(demo_app, client, {"SAMLResponse": value})
    assert client.post("/auth/saml/acs").status_code == 400


def test_the_mail_attribute_as_the_key(demo_app, sso, central):
    assert central.post("/admin/sign-in/school-account", data={
        "metadata_url": sso.base_url + "/metadata", "id_attribute": "mail", "password_login": "y"}).status_code == 302
    client = demo_app.test_client()
    assert client.post("/auth/saml/acs", data=idp_login(client, sso, "mailonly")).status_code == 303
    assert "larare.soder@exempelkommun.se" in client.get("/account").get_data(as_text=True)


def test_an_unknown_organisation_or_one_without_sso_is_a_clear_404(demo_app, sso):
    client = demo_app.test_client()
    for code in ("NOPE", "GRB"):
        response = client.get(f"/auth/saml/login/{code}")
        assert response.status_code == 404
        assert "skolkonto" in response.get_data(as_text=True)


def test_the_login_page_offers_the_school_account(demo_app, sso):
    page = demo_app.test_client().get("/login").get_data(as_text=True)
    assert "Logga in med ditt skolkonto: Exempelkommun" in page and 'href="/auth/saml/login/EXK"' in page
    assert "Grannby" not in page  # no SSO set up there


def test_the_idps_logout_ends_the_persons_sessions(demo_app, sso):
    from helpdesk.auth.saml import sp

    client, elsewhere = demo_app.test_client(), demo_app.test_client()
    assert client.post("/auth/saml/acs", data=idp_login(client, sso, "anna")).status_code == 303
    login(elsewhere, "larare.norr@exempelkommun.se")
    name_id = sso.last_name_id
    with demo_app.app_context():
        entity = sp.entity_id()
    unsigned = sso.logout_request_url(entity, name_id, sign=False)
    assert client.get(unsigned.split("127.0.0.1:5000", 1)[1]).status_code == 400
    assert _logged_in(client)
    url = sso.logout_request_url(entity, name_id)
    response = client.get(url.split("127.0.0.1:5000", 1)[1])
    assert response.status_code == 303 and response.headers["Location"].startswith(sso.base_url + "/slo/redirect")
    assert not _logged_in(client) and not _logged_in(elsewhere)
    assert _audits(demo_app, "saml_logout")


# ---------------------------------------------------------------- the settings page


def test_the_settings_page_shows_the_sps_details_and_is_linked_from_support(demo_app, central):
    page = central.get("/admin/sign-in/school-account").get_data(as_text=True)
    assert "http://127.0.0.1:5000/auth/saml/metadata" in page
    assert "centrala administratörer" in page  # the break-glass note
    support = central.get("/organisation/support").get_data(as_text=True)
    assert "/admin/sign-in/school-account" in support


def test_only_the_organisations_central_admins_reach_the_settings(demo_app, as_user):
    for email in ("larare.norr@exempelkommun.se", "lokal.norr@exempelkommun.se",
                  "leverantor@leverantor.example", "drift@helpdesk.example"):
        client = as_user(email)
        assert client.get("/admin/sign-in/school-account").status_code == 404
        assert client.post("/admin/sign-in/school-account", data={"id_attribute": "eppn"}).status_code == 404
    # Grannby's central admin sees Grannby's settings, never Exempelkommun's.
    page = as_user("central@grannby.se").get("/admin/sign-in/school-account").get_data(as_text=True)
    assert "Grannby" in page and "Exempelkommun" not in page


def _settings_refused(demo_app, central, data, words):
    from helpdesk.auth.saml.models import SamlSettings

    response = central.post("/admin/sign-in/school-account", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert words in response.get_data(as_text=True)
    with demo_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SamlSettings)) == 0
    assert _audits(demo_app, "saml_settings_refused")


def test_metadata_that_does_not_parse_is_refused_and_nothing_is_saved(demo_app, central):
    import io

    for content in (b"<html>not metadata</html>", b"\xff\xfe garbage", b"",
                    b'<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x"/>'):
        data = {"metadata_file": (io.BytesIO(content), "idp.xml"), "id_attribute": "eppn"}
        _settings_refused(demo_app, central, data, "metadata")


def test_a_metadata_address_that_is_down_is_refused(demo_app, central):
    from tests.support.saml_idp import free_port

    data = {"metadata_url": f"http://127.0.0.1:{free_port()}/metadata", "id_attribute": "eppn"}
    _settings_refused(demo_app, central, data, "Det gick inte att hämta metadatan")


def test_uploading_the_metadata_file_and_turning_off(demo_app, central, idp):
    import io

    data = {"metadata_file": (io.BytesIO(idp.metadata().encode()), "idp.xml"), "id_attribute": "mail"}
    response = central.post("/admin/sign-in/school-account", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    page = central.get("/admin/sign-in/school-account").get_data(as_text=True)
    assert idp.base_url + "/metadata" in page  # the IdP's entity id is shown as in use
    assert _audits(demo_app, "saml_settings_saved")
    assert central.post("/admin/sign-in/school-account/remove").status_code == 302
    assert demo_app.test_client().get("/auth/saml/login/EXK").status_code == 404
    assert _audits(demo_app, "saml_settings_removed")


def test_password_login_off_keeps_central_admins_in(demo_app, sso, central):
    assert central.post("/admin/sign-in/school-account", data={
        "metadata_url": sso.base_url + "/metadata", "id_attribute": "eppn"}).status_code == 302
    teacher = demo_app.test_client()
    assert teacher.post("/login", data={"email": "larare.norr@exempelkommun.se", "password": "demo"}).status_code == 200
    assert not _logged_in(teacher)
    assert demo_app.test_client().post("/api/v1/auth/token", json={
        "email": "larare.norr@exempelkommun.se", "password": "demo"}).status_code >= 400
    login(demo_app.test_client(), "central2@exempelkommun.se")  # break-glass
    login(demo_app.test_client(), "larare@grannby.se")  # another organisation is untouched
    # The teacher still gets in with the school account.
    assert teacher.post("/auth/saml/acs", data=idp_login(teacher, sso, "anna")).status_code == 303
    assert _logged_in(teacher)
