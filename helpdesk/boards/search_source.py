"""How search loads forum threads and who may find them (a DocumentSource for "thread").

The tokens mirror `can_see_board` in policies.py: a thread carries its board's tokens, and
a reader holds the tokens of the boards they may see. Solved threads are tagged "solved"
so the accepted answer can be preferred.
"""
from __future__ import annotations

from flask import current_app, has_request_context, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from helpdesk.boards.models import Board, BoardKind, Post, Thread
from helpdesk.boards.policies import _may_use_boards, central_vendor_ids, local_org_ids
from helpdesk.extensions import db
from helpdesk.search.backends.base import SearchDocument
from helpdesk.search.sources import DocumentSource


def board_tokens(board: Board) -> set[str]:
    if board.kind is BoardKind.VENDOR:
        return {f"board:vendor:{board.vendor_id}"}
    org = board.organisation_id
    tokens = {f"board:org:{org}"}  # the organisation's central admins see every board
    if board.kind is BoardKind.SUPPORT_GROUP:
        tokens.add(f"board:support:{org}")
    elif board.kind is BoardKind.STAFF:
        tokens.add(f"board:staff:{org}")
    elif board.kind is BoardKind.SCHOOLS:
        tokens |= {f"board:school:{s}" for s in board.school_ids}
    return tokens


def reader_tokens(scope) -> set[str]:
    if not _may_use_boards(scope):
        return set()
    tokens = {f"board:org:{o}" for o in scope.central_org_ids}
    locals_ = local_org_ids(scope)
    tokens |= {f"board:support:{o}" for o in locals_}
    tokens |= {f"board:staff:{o}" for o in scope.staff_org_ids | locals_}
    tokens |= {f"board:school:{s}" for s in scope.local_school_ids | scope.duty_school_ids}
    vendors = central_vendor_ids(scope) | ({scope.vendor_id} if scope.vendor_id else set())
    tokens |= {f"board:vendor:{v}" for v in vendors}
    return tokens


def load(ids: list[int]) -> list[SearchDocument]:
    if not ids:
        return []
    if not has_request_context():
        with current_app.test_request_context("/"):
            return load(ids)
    threads = db.session.scalars(select(Thread).options(selectinload(Thread.board))
                                 .where(Thread.id.in_(ids))).all()
    bodies: dict[int, list[str]] = {}
    for thread_id, body in db.session.execute(
            select(Post.thread_id, Post.body).where(Post.thread_id.in_(ids), Post.hidden.is_(False))
            .order_by(Post.id)):
        bodies.setdefault(thread_id, []).append(body)
    docs = []
    for t in threads:
        body = "\n\n".join(bodies.get(t.id, [])[:200])
        title = t.title
        docs.append(SearchDocument(
            kind="thread", object_id=t.id, language="sv", title=title, body=body,
            url=url_for("boards.thread", thread_id=t.id), tags=["solved"] if t.solved else [],
            access=board_tokens(t.board)))
    return docs


def all_ids():
    return db.session.scalars(select(Thread.id).order_by(Thread.id)).all()


def source() -> DocumentSource:
    from flask_babel import lazy_gettext as _l

    return DocumentSource(kind="thread", load=load, all_ids=all_ids, reader_tokens=reader_tokens,
                          label=lambda: str(_l("Forum threads")), order=20)
