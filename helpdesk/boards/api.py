"""API: boards, threads, posts and accepted answers, through the same services as the pages."""
from __future__ import annotations

from flask import request, url_for
from flask_login import current_user

from helpdesk.api import api
from helpdesk.api.helpers import api_login_required, body_and_files, field, json_body
from helpdesk.boards import attachments as files
from helpdesk.boards import services
from helpdesk.boards.models import BoardKind
from helpdesk.boards.views import download
from helpdesk.extensions import db
from pydantic import Field

from helpdesk.api.spec import MAX_ID, Binary, Schema, operation


class Author(Schema):
    id: int
    name: str | None


class BoardOut(Schema):
    id: int
    name: str
    kind: str
    organisation_id: int | None
    description: str | None


class BoardList(Schema):
    boards: list[BoardOut]


class ThreadOut(Schema):
    id: int
    board_id: int
    title: str
    author: Author
    solved: bool
    accepted_post_id: int | None
    pinned: bool
    locked: bool
    replies: int
    created_at: str
    last_activity_at: str
    unread: int | None = None


class ThreadPage(Schema):
    board: BoardOut
    page: int
    pages: int
    total: int
    threads: list[ThreadOut]


class PostOut(Schema):
    id: int
    author: Author
    created_at: str
    edited_at: str | None
    hidden: bool
    quoted_post_id: int | None
    body: str | None = None
    body_html: str | None = None
    attachments: list[dict] | None = None


class ThreadWithPosts(ThreadOut):
    page: int
    pages: int
    posts: list[PostOut]


class PageQuery(Schema):
    page: int | None = Field(None, ge=1, le=10_000)


class ThreadsQuery(PageQuery):
    filter: str | None = Field(None, max_length=20)


class NewThread(Schema):
    title: str
    body: str


class NewPost(Schema):
    body: str
    quoted_post_id: int | None = Field(None, ge=1, le=MAX_ID)


class Accept(Schema):
    post_id: int = Field(ge=1, le=MAX_ID)



def _author(user, board) -> dict:
    data = {"id": user.id, "name": user.display_name}
    if board.kind is BoardKind.VENDOR:
        data["organisation"] = user.organisation.name if user.organisation else None
    return data


def board_json(board) -> dict:
    return {"id": board.id, "name": board.name, "kind": board.kind.value,
            "organisation_id": board.organisation_id, "description": board.description}


def thread_json(thread, unread: int | None = None) -> dict:
    data = {"id": thread.id, "board_id": thread.board_id, "title": thread.title,
            "author": _author(thread.author, thread.board), "solved": thread.solved,
            "accepted_post_id": thread.accepted_post_id, "pinned": thread.pinned, "locked": thread.locked,
            "replies": thread.replies, "created_at": thread.created_at.isoformat(),
            "last_activity_at": thread.last_activity_at.isoformat()}
    if unread is not None:
        data["unread"] = unread
    return data


def post_json(post, board) -> dict:
    data = {"id": post.id, "author": _author(post.author, board), "created_at": post.created_at.isoformat(),
            "edited_at": post.edited_at.isoformat() if post.edited_at else None, "hidden": post.hidden,
            "quoted_post_id": post.quoted_post_id}
    if post.hidden:
        data["hidden_reason"] = post.hidden_reason
    else:
        data["body"] = post.body
        data["body_html"] = post.body_html
        data["attachments"] = [{"id": a.id, "filename": a.filename, "size": a.size, "content_type": a.content_type,
                                "url": url_for("api.api_board_attachment", attachment_id=a.id)}
                               for a in post.attachments]
    return data


@api.get("/boards")
@api_login_required
@operation("Boards the caller may read", tag="boards", responses={200: BoardList})
def api_boards():
    boards = services.visible_boards(current_user)
    db.session.commit()
    return {"boards": [board_json(b) for b in boards]}


def _board_in_reach(board_id: int, **_):
    services.get_board(current_user, board_id)


def _thread_in_reach(thread_id: int, **_):
    services.get_thread(current_user, thread_id)


@api.get("/boards/<int:board_id>/threads")
@api_login_required
@operation("Threads on a board, a page at a time", tag="boards", query=ThreadsQuery, reach=_board_in_reach, responses={200: ThreadPage})
def api_threads(board_id: int):
    board = services.get_board(current_user, board_id)
    page_arg = request.args.get("page", "1")
    page = services.list_threads(current_user, board, filter=request.args.get("filter", "all"),
                                 page=int(page_arg) if page_arg.isdigit() and len(page_arg) < 9 else 1)
    unread = page.extra["unread"]
    return {"board": board_json(board), "page": page.page, "pages": page.pages, "total": page.total,
            "threads": [thread_json(t, unread.get(t.id)) for t in page.items]}


@api.post("/boards/<int:board_id>/threads")
@api_login_required
@operation("Start a thread (JSON, or multipart/form-data with files under `attachments`)", tag="boards", body=NewThread, multipart="attachments", reach=_board_in_reach, responses={201: ThreadOut})
def api_start_thread(board_id: int):
    board = services.get_board(current_user, board_id)
    body, uploads = body_and_files("attachments")
    thread = services.start_thread(current_user, board, field(body, "title"), field(body, "body"),
                                   attachments=files.read_uploads(uploads))
    db.session.commit()
    return thread_json(thread), 201


@api.get("/boards/attachments/<int:attachment_id>")
@api_login_required
@operation("Download a post's attachment", tag="boards", responses={200: Binary})
def api_board_attachment(attachment_id: int):
    return download(services.get_attachment(current_user, attachment_id))


@api.get("/threads/<int:thread_id>")
@api_login_required
@operation("A thread with a page of its posts", tag="boards", query=PageQuery, reach=_thread_in_reach, responses={200: ThreadWithPosts})
def api_thread(thread_id: int):
    thread = services.get_thread(current_user, thread_id)
    page_arg = request.args.get("page", "1")
    page = services.thread_posts(current_user, thread,
                                 page=int(page_arg) if page_arg.isdigit() and len(page_arg) < 9 else 1)
    data = thread_json(thread)
    data.update(page=page.page, pages=page.pages, posts=[post_json(p, thread.board) for p in page.items])
    return data


@api.post("/threads/<int:thread_id>/posts")
@api_login_required
@operation("Reply in a thread", tag="boards", body=NewPost, multipart="attachments", reach=_thread_in_reach, responses={201: PostOut})
def api_reply(thread_id: int):
    thread = services.get_thread(current_user, thread_id)
    body, uploads = body_and_files("attachments")
    post = services.reply(current_user, thread, field(body, "body"),
                          quoted_post_id=field(body, "quoted_post_id", int, required=False),
                          attachments=files.read_uploads(uploads))
    db.session.commit()
    return post_json(post, thread.board), 201


@api.post("/threads/<int:thread_id>/accept")
@api_login_required
@operation("Accept a post as the answer", tag="boards", body=Accept, reach=_thread_in_reach, responses={200: ThreadOut})
def api_accept(thread_id: int):
    thread = services.get_thread(current_user, thread_id)
    body = json_body()
    services.accept_answer(current_user, thread, field(body, "post_id", int))
    db.session.commit()
    return thread_json(thread)
