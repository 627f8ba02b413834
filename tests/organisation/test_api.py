"""/api/v1/admin/roles and the support contacts of /api/v1/me."""
from __future__ import annotations

from sqlalchemy import func, select

from helpdesk.auth.models import Role, RoleAssignment
from helpdesk.extensions import db


def _ids(demo_app, role, org_code):
    from helpdesk.directory.models import Organisation

    with demo_app.app_context():
        org = db.session.scalar(select(Organisation).where(Organisation.code == org_code))
        return org.id, list(db.session.scalars(select(RoleAssignment.id).where(
            RoleAssignment.role == role, RoleAssignment.organisation_id == org.id)))


def _count(demo_app):
    with demo_app.app_context():
        return db.session.scalar(select(func.count(RoleAssignment.id)))


def test_listing_appointing_and_removing(demo_app, as_user):
    client = as_user("central@exempelkommun.se")
    roles = client.get("/api/v1/admin/roles").json["roles"]
    assert {(r["role"], r["email"]) for r in roles} >= {
        ("central_admin", "central@exempelkommun.se"), ("local_admin", "lokal.norr@exempelkommun.se"),
        ("group_admin", "gruppadmin.norr@exempelkommun.se")}
    norr = next(r["school_id"] for r in roles if r["email"] == "lokal.norr@exempelkommun.se")
    at_norr = client.get(f"/api/v1/admin/roles?school_id={norr}").json["roles"]
    assert sorted(r["email"] for r in at_norr) == ["lokal.norr@exempelkommun.se", "lokal2.norr@exempelkommun.se"]
    created = client.post("/api/v1/admin/roles", json={"email": "larare.norr@exempelkommun.se",
                                                        "role": "local_admin", "school_id": norr})
    assert created.status_code == 201 and created.json["role"] == "local_admin"
    assert created.json["warnings"]  # a third local admin is more than recommended
    again = client.post("/api/v1/admin/roles", json={"email": "larare.norr@exempelkommun.se",
                                                      "role": "local_admin", "school_id": norr})
    assert again.status_code == 409
    gone = client.delete(f"/api/v1/admin/roles/{created.json['id']}")
    assert gone.status_code == 200 and gone.json["status"] == "removed"
    assert len(client.get(f"/api/v1/admin/roles?school_id={norr}").json["roles"]) == 2


def test_the_last_central_admin_cannot_be_removed(demo_app, as_user):
    _org_id, (only,) = _ids(demo_app, Role.CENTRAL_ADMIN, "GRB")
    response = as_user("central@grannby.se").delete(f"/api/v1/admin/roles/{only}")
    assert response.status_code == 409 and "central" in response.json["message"]
    assert _ids(demo_app, Role.CENTRAL_ADMIN, "GRB")[1] == [only]


def test_bad_input_answers_clearly_and_changes_nothing(demo_app, as_user):
    before = _count(demo_app)
    client = as_user("central@exempelkommun.se")
    grb_id, (grb_role,) = _ids(demo_app, Role.CENTRAL_ADMIN, "GRB")
    cases = [
        ({"email": "larare@grannby.se", "role": "central_admin", "organisation_id": grb_id}, 404),
        ({"email": "larare.norr@exempelkommun.se", "role": "superuser"}, 400),
        ({"email": "nobody@example.org", "role": "central_admin"}, 404),
        ({"person_id": 2**31 + 1, "role": "central_admin"}, 400),
        ({"person_id": 999999, "role": "central_admin"}, 404),
        ({"email": "larare.norr@exempelkommun.se", "role": "local_admin"}, 400),
        ({"email": "larare.norr@exempelkommun.se", "role": "local_admin", "school_id": "x"}, 400),
        ({"role": ["central_admin"]}, 400),
        ({"email": "ny@leverantor.example", "role": "vendor_agent", "vendor_id": 1}, 403),
    ]
    for body, status in cases:
        response = client.post("/api/v1/admin/roles", json=body)
        assert response.status_code == status, (body, response.json)
        assert response.json["message"]
    assert client.delete(f"/api/v1/admin/roles/{grb_role}").status_code == 404
    assert client.get(f"/api/v1/admin/roles?organisation_id={grb_id}").status_code == 404
    assert as_user("larare.norr@exempelkommun.se").post(
        "/api/v1/admin/roles", json={"email": "larare.norr@exempelkommun.se", "role": "central_admin"}
    ).status_code == 403
    assert _count(demo_app) == before


def test_me_carries_the_support_contacts(as_user):
    me = as_user("larare.norr@exempelkommun.se").get("/api/v1/me").json
    assert me["support_contacts"]["schools"][0]["school"] == "Norrskolan"
    assert "Per Holm" in me["support_contacts"]["schools"][0]["local_contacts"]
    assert me["support_contacts"]["central"]["email"] == "support@exempelkommun.se"
    assert as_user("leverantor@leverantor.example").get("/api/v1/me").json["support_contacts"] is None
