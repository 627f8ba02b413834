"""The boards' JSON API: same services, same rules as the pages."""
from __future__ import annotations

import io

from sqlalchemy import func, select

from helpdesk.boards.models import Post, Thread
from helpdesk.extensions import db
from tests.boards import matrix
from tests.boards.conftest import support_board, thread_titled


def _ids(demo_app):
    with demo_app.app_context():
        return support_board().id, thread_titled(matrix.OPEN).id, thread_titled(matrix.TEAM).id


def _token(demo_app, email):
    r = demo_app.test_client().post("/api/v1/auth/token", json={"email": email, "password": "demo"})
    return {"Authorization": f"Bearer {r.get_json()['token']}"}


def test_boards_threads_posts_accept(demo_app):
    board_id, open_id, team_id = _ids(demo_app)
    c = demo_app.test_client()
    soder = _token(demo_app, "lokal.soder@exempelkommun.se")
    norr = _token(demo_app, "lokal.norr@exempelkommun.se")
    boards = c.get("/api/v1/boards", headers=soder).get_json()["boards"]
    assert [(b["name"], b["kind"]) for b in boards] == [("Supportgruppen", "support_group")]
    listed = c.get(f"/api/v1/boards/{board_id}/threads?filter=unanswered", headers=soder).get_json()
    assert [t["id"] for t in listed["threads"]] == [open_id] and listed["total"] == 1
    r = c.post(f"/api/v1/boards/{board_id}/threads", headers=norr, json={"title": "API-fråga", "body": "Hur?"})
    assert r.status_code == 201
    new_id = r.get_json()["id"]
    r = c.post(f"/api/v1/threads/{new_id}/posts", headers=soder, json={"body": "Så här."})
    assert r.status_code == 201 and r.get_json()["body_html"] == "<p>Så här.</p>"
    post_id = r.get_json()["id"]
    assert c.post(f"/api/v1/threads/{new_id}/accept", headers=soder, json={"post_id": post_id}).status_code == 403
    r = c.post(f"/api/v1/threads/{new_id}/accept", headers=norr, json={"post_id": post_id})
    assert r.status_code == 200 and r.get_json()["solved"] is True
    detail = c.get(f"/api/v1/threads/{new_id}", headers=soder).get_json()
    assert detail["accepted_post_id"] == post_id and [p["id"] for p in detail["posts"]][1] == post_id


def test_api_refusals_change_nothing(demo_app):
    board_id, open_id, team_id = _ids(demo_app)
    c = demo_app.test_client()
    with demo_app.app_context():
        before = (db.session.scalar(select(func.count(Thread.id))), db.session.scalar(select(func.count(Post.id))))
    teacher = _token(demo_app, "larare.norr@exempelkommun.se")
    guardian = _token(demo_app, "vardnadshavare.norr@exempelkommun.se")
    norr = _token(demo_app, "lokal.norr@exempelkommun.se")
    assert c.get("/api/v1/boards").status_code == 401
    assert c.get("/api/v1/boards", headers=guardian).status_code == 403
    # The support group's board is out of a teacher's reach: it answers like a missing board.
    assert c.post(f"/api/v1/boards/{board_id}/threads", headers=teacher,
                  json={"title": "x", "body": "y"}).status_code == 404
    r = c.post(f"/api/v1/threads/{open_id}/posts", headers=norr, json={"body": "x" * 100_000})
    assert r.status_code == 400 and r.get_json()["field"] == "body"
    assert c.post(f"/api/v1/threads/{open_id}/posts", headers=norr, json={"body": ""}).status_code == 400
    assert c.post(f"/api/v1/threads/{open_id}/posts", headers=norr, data="nonsense").status_code == 400
    assert c.post(f"/api/v1/threads/{team_id}/accept", headers=norr, json={"post_id": "6"}).status_code == 400
    assert c.post(f"/api/v1/threads/{team_id}/accept", headers=norr, json={"post_id": 999999}).status_code == 400
    central = _token(demo_app, "central@exempelkommun.se")
    c.post(f"/api/v1/threads/{open_id}/posts", headers=central, json={"body": "ok"})  # one real post
    with demo_app.app_context():
        from helpdesk.boards.moderation import set_locked
        from tests.boards.conftest import user

        with demo_app.test_request_context():
            set_locked(user("central@exempelkommun.se"), db.session.get(Thread, open_id), True)
            db.session.commit()
    r = c.post(f"/api/v1/threads/{open_id}/posts", headers=norr, json={"body": "Hej"})
    assert r.status_code == 409 and r.get_json()["error"] == "Conflict"
    with demo_app.app_context():
        after = (db.session.scalar(select(func.count(Thread.id))), db.session.scalar(select(func.count(Post.id))))
    assert after == (before[0], before[1] + 1)


def test_vendor_board_in_the_api_names_organisations(demo_app):
    c = demo_app.test_client()
    vendor = _token(demo_app, "leverantor@leverantor.example")
    boards = c.get("/api/v1/boards", headers=vendor).get_json()["boards"]
    assert [b["kind"] for b in boards] == ["vendor"]
    threads = c.get(f"/api/v1/boards/{boards[0]['id']}/threads", headers=vendor).get_json()["threads"]
    detail = c.get(f"/api/v1/threads/{threads[0]['id']}", headers=vendor).get_json()
    assert {p["author"].get("organisation") for p in detail["posts"]} == {"Exempelkommun", None, "Grannby"}
    assert all("email" not in p["author"] for p in detail["posts"])


def test_threads_and_replies_take_files_as_multipart(demo_app):
    board_id, open_id, _ = _ids(demo_app)
    c = demo_app.test_client()
    norr = _token(demo_app, "lokal.norr@exempelkommun.se")
    r = c.post(f"/api/v1/boards/{board_id}/threads", headers=norr, content_type="multipart/form-data", data={
        "title": "Schema som pdf", "body": "Bifogar schemat.", "attachments": (io.BytesIO(b"%PDF-1.4 x"), "schema.pdf")})
    assert r.status_code == 201
    first = c.get(f"/api/v1/threads/{r.get_json()['id']}", headers=norr).get_json()["posts"][0]
    assert [a["filename"] for a in first["attachments"]] == ["schema.pdf"]
    assert c.get(first["attachments"][0]["url"], headers=norr).data.startswith(b"%PDF")
    r = c.post(f"/api/v1/threads/{open_id}/posts", headers=norr, content_type="multipart/form-data", data={
        "body": "Citat och bild.", "quoted_post_id": str(first["id"]),
        "attachments": (io.BytesIO(b"not a png"), "bild.png")})
    # The file does not start like a PNG: refused, and no reply is saved.
    assert r.status_code == 400
    with demo_app.app_context():
        assert db.session.scalar(select(func.count(Post.id)).where(Post.body == "Citat och bild.")) == 0
    r = c.post(f"/api/v1/threads/{open_id}/posts", headers=norr, json={"body": "x", "quoted_post_id": "ett"})
    assert r.status_code == 400 and r.get_json()["field"] == "quoted_post_id"
