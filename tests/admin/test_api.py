"""/api/v1/admin/...: refused → 409 {rule, reason}; needs approval → 202 {id}; done → 200/201."""
from __future__ import annotations

from tests.admin.matrix import _student
from tests.matrix import Refs


def ids(app, fn):
    with app.app_context():
        return fn(Refs())


def token(client, email):
    # The /admin operations need a token with the admin scope (helpdesk/api/tokens.py).
    r = client.post("/api/v1/auth/token", json={"email": email, "password": "demo", "scopes": ["admin"]})
    return {"Authorization": f"Bearer {r.get_json()['token']}"}


def test_lists_people_and_groups_with_their_source(demo_app):
    c = demo_app.test_client()
    h = token(c, "lokal.norr@exempelkommun.se")
    school = ids(demo_app, lambda r: r.school("Norrskolan"))
    groups = c.get(f"/api/v1/admin/groups?school_id={school}", headers=h).get_json()["items"]
    by_name = {g["name"]: g for g in groups}
    assert by_name["6A"]["source"] == "sync" and by_name["Arbetslag 6-9"]["source"] == "manual"
    assert by_name["Arbetslag 6-9"]["kind"] == "work_team"
    staff = c.get(f"/api/v1/admin/people?school_id={school}&kind=staff", headers=h).get_json()["items"]
    assert {p["kind"] for p in staff} == {"staff"} and any(p["family_name"] == "Rydberg" for p in staff)
    assert c.get(f"/api/v1/admin/groups?school_id={school}&kind=nonsense", headers=h).status_code == 400
    other = ids(demo_app, lambda r: r.school("Söderskolan"))
    assert c.get(f"/api/v1/admin/groups?school_id={other}", headers=h).status_code == 404  # outside the reach: as if it did not exist


def test_refused_is_409_with_rule_and_reason(demo_app):
    c = demo_app.test_client()
    h = token(c, "lokal.norr@exempelkommun.se")
    g = ids(demo_app, lambda r: r.group("6A"))
    r = c.patch(f"/api/v1/admin/groups/{g}", json={"name": "6X"}, headers=h)
    assert r.status_code == 409
    body = r.get_json()
    assert body["rule"] == 4 and "synken" in body["reason"]
    with demo_app.app_context():
        sid = _student("6A")
    r = c.delete(f"/api/v1/admin/people/{sid}", headers=h)
    assert r.status_code == 409 and r.get_json()["rule"] == 2
    school = ids(demo_app, lambda r: r.school("Norrskolan"))
    r = c.post("/api/v1/admin/people", json={"kind": "student", "given_name": "A", "family_name": "B",
                                             "school_id": school, "civic_no": "201405062389"}, headers=h)
    assert r.status_code == 409 and r.get_json()["rule"] == 1


def test_needs_approval_is_202_then_central_approves(demo_app):
    c = demo_app.test_client()
    h = token(c, "lokal.norr@exempelkommun.se")
    school = ids(demo_app, lambda r: r.school("Norrskolan"))
    r = c.post("/api/v1/admin/groups", json={"kind": "class", "name": "Förberedelseklass", "school_id": school,
                                             "reason": "Nyanlända elever"}, headers=h)
    assert r.status_code == 202
    req_id = r.get_json()["id"]
    hc = token(c, "central@exempelkommun.se")
    pending = c.get("/api/v1/admin/approvals", headers=hc).get_json()["items"]
    assert req_id in [p["id"] for p in pending]
    assert c.post(f"/api/v1/admin/approvals/{req_id}/approve", json={}, headers=h).status_code == 403
    r = c.post(f"/api/v1/admin/approvals/{req_id}/approve", json={"note": "Ja"}, headers=hc)
    assert r.status_code == 200 and r.get_json()["status"] == "approved"
    groups = c.get(f"/api/v1/admin/groups?school_id={school}&kind=class", headers=h).get_json()["items"]
    assert any(g["name"] == "Förberedelseklass" and g["source"] == "manual" for g in groups)
    audit = c.get("/api/v1/admin/audit?via=approval", headers=hc).get_json()["items"]
    assert audit[0]["approval_id"] == req_id and audit[0]["rule"] == 5
    assert any(i["summary"].startswith("Skapade klassen Förberedelseklass på") for i in audit)


def test_decline_needs_a_note(demo_app):
    c = demo_app.test_client()
    hc = token(c, "central@exempelkommun.se")
    req = c.get("/api/v1/admin/approvals", headers=hc).get_json()["items"][0]["id"]
    assert c.post(f"/api/v1/admin/approvals/{req}/decline", json={}, headers=hc).status_code == 400
    r = c.post(f"/api/v1/admin/approvals/{req}/decline", json={"note": "Nej"}, headers=hc)
    assert r.get_json()["status"] == "declined"


def test_done_is_201_and_work_teams_take_members_and_mentors(demo_app):
    c = demo_app.test_client()
    h = token(c, "lokal.norr@exempelkommun.se")
    school = ids(demo_app, lambda r: r.school("Norrskolan"))
    r = c.post("/api/v1/admin/groups", json={"kind": "work_team", "name": "Lag API", "school_id": school}, headers=h)
    assert r.status_code == 201
    team = r.get_json()["id"]
    staff, rektor = ids(demo_app, lambda r: (r.person_of("lokal2.norr@exempelkommun.se"),
                                             r.person_of("rektor.norr@exempelkommun.se")))
    r = c.post(f"/api/v1/admin/groups/{team}/members", json={"person_ids": [staff]}, headers=h)
    assert r.status_code == 201 and len(r.get_json()["ids"]) == 1
    r = c.post("/api/v1/admin/appraisal-mentors", json={"staff_id": staff, "mentor_id": rektor}, headers=h)
    assert r.status_code == 201 and r.get_json()["rule"] == 10
    assert c.patch(f"/api/v1/admin/groups/{team}", json={"name": "Lag API 2"}, headers=h).status_code == 200
    assert c.delete(f"/api/v1/admin/groups/{team}", headers=h).status_code == 200


def test_bad_input_is_400_not_500(demo_app):
    c = demo_app.test_client()
    h = token(c, "central@exempelkommun.se")
    assert c.post("/api/v1/admin/people", data="nonsense", headers=h).status_code == 400
    assert c.post("/api/v1/admin/groups", json={"kind": "x", "name": "y", "school_id": 1}, headers=h).status_code == 400
    assert c.post("/api/v1/admin/student-mentors", json={"student_id": "1", "mentor_id": 2},
                  headers=h).status_code == 400
    assert c.post("/api/v1/admin/groups/1/members", json={"person_ids": "all"}, headers=h).status_code in (400, 404)
    assert c.get("/api/v1/admin/people", headers=h).status_code == 400
    assert c.get("/api/v1/admin/audit").status_code == 401


def test_guardian_relations_are_added_through_the_api_where_no_sync_owns_them(demo_app):
    from helpdesk.admin.guard import GUARDIANS_FROM_SYNC

    c = demo_app.test_client()
    h = token(c, "central@exempelkommun.se")
    with demo_app.app_context():
        student = _student("6A")
        guardian = Refs().person_of("vardnadshavare.norr@exempelkommun.se")
        other = _student("4A")
    r = c.post("/api/v1/admin/guardian-relations", json={"student_id": other, "guardian_id": guardian}, headers=h)
    assert r.status_code == 409 and r.get_json()["rule"] == 3
    with demo_app.test_request_context(headers={"Accept-Language": "sv"}):
        assert r.get_json()["reason"] == str(GUARDIANS_FROM_SYNC)
    r = c.post("/api/v1/admin/guardian-relations", json={"student_id": student, "guardian_id": "x"}, headers=h)
    assert r.status_code == 400 and r.get_json()["field"] == "guardian_id"
    h = token(c, "central@grannby.se")
    with demo_app.app_context():
        g_guardian = Refs().person_of("vardnadshavare@grannby.se")
        from tests.admin.matrix import _student_without

        g_child = _student_without("3A", "vardnadshavare@grannby.se")
    r = c.post("/api/v1/admin/guardian-relations", json={"student_id": g_child, "guardian_id": g_guardian},
               headers=h)
    assert r.status_code == 201 and r.get_json()["status"] == "done"
    # Another organisation's student answers as if there were none.
    r = c.post("/api/v1/admin/guardian-relations", json={"student_id": student, "guardian_id": g_guardian},
               headers=h)
    missing = c.post("/api/v1/admin/guardian-relations", json={"student_id": 999999, "guardian_id": g_guardian},
                     headers=h)
    assert (r.status_code, r.get_json()) == (missing.status_code, missing.get_json()) and r.status_code == 404
