"""The rendered queue page, kept per worker while nothing it shows has changed.

A page is kept under everything it is made of:
- the viewer: their account and every role they hold (so a role given or taken away is a
  new key; a viewer never gets a page rendered for someone else, whatever their scope);
- the address with its arguments (tab, filters, page cursor) and the language;
- the queue versions (queue_versions.py) of every organisation whose tickets the viewer's
  tabs show, and the directory's: moved in the transaction of every change, so the request
  after a commit reads new numbers and renders again;
- a time window (QUEUE_CACHE_SECONDS): times left and passed deadlines are rendered as of
  the window's start, so a kept page shows the same figures a fresh one would.
The page's CSRF token is stored as a placeholder and the current request's put back. A page
with a message to show (flashed) is rendered and not kept. The store is a small LRU per
process (QUEUE_CACHE_PAGES): the versions live in the database, so workers need not share it.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from flask import current_app, g, get_flashed_messages, request, session
from flask_babel import get_locale
from flask_wtf.csrf import generate_csrf
from sqlalchemy import or_, select

from helpdesk.access import scope_of
from helpdesk.directory.models import School
from helpdesk.extensions import db
from helpdesk.kept import Kept
from helpdesk.models_base import utcnow
from helpdesk.tickets.models import QueueVersion, TicketCount
from helpdesk.tickets.queue_versions import DIRECTORY

_TOKEN = "\x00csrf\x00"  # never in a rendered page (escaped if it were)


def store(app=None, name: str = "queue_cache") -> Kept:
    """The pages kept (or, named "queue_cache_directory", the directory's lists)."""
    app = app or current_app
    found = app.extensions.get(name)
    if found is None:
        found = app.extensions[name] = Kept(app.config.get("QUEUE_CACHE_PAGES", 128))
    return found


def _viewer(user) -> tuple:
    """The account and every role it holds, as plain values."""
    return (user.id, user.vendor_id, user.organisation_id, tuple(sorted(
        (a.role.value, a.organisation_id or 0, a.school_id or 0, a.group_id or 0) for a in user.roles)))


KEPT_STATEMENTS = 256  # statements built once and kept per worker, per kind


def scope_key(scope) -> tuple:
    """A viewer's scope as plain values: what statements built for a scope are kept under."""
    return (frozenset(scope.central_org_ids), frozenset(scope.local_school_ids), scope.vendor_id)


def built_once(kept: Kept, key, build: Callable):
    """`build()` made once per key and kept (the last KEPT_STATEMENTS used): a statement
    object used again skips SQLAlchemy's building and cache-key work, most of what a small
    query costs in Python. A statement depends on the scope only; the viewer and the time
    are bound parameters."""
    found = kept.get(key)
    if found is None:
        found = build()
        kept.put(key, found)
    return found


_STATEMENTS = Kept(KEPT_STATEMENTS)  # scope -> the versions' statement


def _versions_statement(scope):
    """Which rows of queue_version a scope reads."""
    def build():
        row = QueueVersion.organisation_id
        wanted = [row == DIRECTORY]
        if scope.central_org_ids:
            wanted.append(row.in_(sorted(scope.central_org_ids)))
        if scope.local_school_ids:
            wanted.append(row.in_(select(School.organisation_id).where(School.id.in_(sorted(scope.local_school_ids)))))
        if scope.vendor_id:  # the organisations with questions at this vendor, from the counters
            wanted.append(row.in_(select(TicketCount.organisation_id).where(TicketCount.vendor_id == scope.vendor_id)))
        return select(row, QueueVersion.version).where(or_(*wanted)).order_by(row)
    return built_once(_STATEMENTS, scope_key(scope), build)


def versions(user) -> tuple:
    """The numbers of the directory and of every organisation the viewer's tabs read."""
    stmt = _versions_statement(scope_of(user))
    return tuple(tuple(r) for r in db.session.connection().execute(stmt))


def by_directory(user, what: str, make: Callable[[], list]) -> list:
    """A list made from the directory only (the schools to filter by, the colleagues to assign
    to), kept under the directory's version while a page renders again for a ticket change."""
    version = g.get("queue_directory_version")
    if version is None:  # not on a page kept by `page` (the store is off, or a form's errors)
        return make()
    key = (_viewer(user), what, version)
    pages = store(name="queue_cache_directory")
    kept = pages.get(key)
    if kept is None:
        kept = make()
        pages.put(key, kept)
    return kept


def window_start(now: datetime, seconds: int) -> datetime:
    epoch = datetime(1970, 1, 1, tzinfo=now.tzinfo)
    return now - timedelta(seconds=(now - epoch).total_seconds() % seconds)


def page(user, render: Callable[[datetime], str]) -> str:
    """The page `render(now)` makes, from the store when it holds it under the same key."""
    seconds = current_app.config.get("QUEUE_CACHE_SECONDS", 0)
    now = utcnow()
    if not seconds or session.get("_flashes"):
        return render(now)
    start = window_start(now, seconds)
    found = versions(user)
    g.queue_directory_version = dict(found).get(DIRECTORY, -1)  # no row yet: never changed
    key = (_viewer(user), request.full_path, str(get_locale()), found, start)
    pages = store()
    token = generate_csrf()
    kept = pages.get(key)
    if kept is not None:
        return kept.replace(_TOKEN, token)
    html = render(start)
    if not get_flashed_messages():  # a message shown once must not be kept
        pages.put(key, html.replace(token, _TOKEN))
    return html
