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

import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime, timedelta

from flask import current_app, get_flashed_messages, request, session
from flask_babel import get_locale
from flask_wtf.csrf import generate_csrf
from sqlalchemy import or_, select

from helpdesk.access import scope_of
from helpdesk.directory.models import School
from helpdesk.extensions import db
from helpdesk.models_base import utcnow
from helpdesk.tickets.models import QueueVersion, TicketCount
from helpdesk.tickets.queue_versions import DIRECTORY

_TOKEN = "\x00csrf\x00"  # never in a rendered page (escaped if it were)


class _Store:
    def __init__(self, size: int):
        self.size, self.pages, self.lock = size, OrderedDict(), threading.Lock()
        self.hits = self.misses = 0

    def get(self, key):
        with self.lock:
            page = self.pages.get(key)
            if page is None:
                self.misses += 1
                return None
            self.hits += 1
            self.pages.move_to_end(key)
            return page

    def put(self, key, page: str) -> None:
        with self.lock:
            self.pages[key] = page
            self.pages.move_to_end(key)
            while len(self.pages) > self.size:
                self.pages.popitem(last=False)


def store(app=None) -> _Store:
    app = app or current_app
    found = app.extensions.get("queue_cache")
    if found is None:
        found = app.extensions["queue_cache"] = _Store(app.config.get("QUEUE_CACHE_PAGES", 128))
    return found


def _viewer(user) -> tuple:
    """The account and every role it holds, as plain values."""
    return (user.id, user.vendor_id, user.organisation_id, tuple(sorted(
        (a.role.value, a.organisation_id or 0, a.school_id or 0, a.group_id or 0) for a in user.roles)))


def versions(user) -> tuple:
    """The numbers of the directory and of every organisation the viewer's tabs read."""
    scope = scope_of(user)
    row = QueueVersion.organisation_id
    wanted = [row == DIRECTORY]
    if scope.central_org_ids:
        wanted.append(row.in_(sorted(scope.central_org_ids)))
    if scope.local_school_ids:
        wanted.append(row.in_(select(School.organisation_id).where(School.id.in_(sorted(scope.local_school_ids)))))
    if scope.vendor_id:  # the organisations with questions at this vendor, from the counters
        wanted.append(row.in_(select(TicketCount.organisation_id).where(TicketCount.vendor_id == scope.vendor_id)))
    return tuple(db.session.execute(select(row, QueueVersion.version).where(or_(*wanted)).order_by(row)).all())


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
    key = (_viewer(user), request.full_path, str(get_locale()), versions(user), start)
    pages = store()
    token = generate_csrf()
    kept = pages.get(key)
    if kept is not None:
        return kept.replace(_TOKEN, token)
    html = render(start)
    if not get_flashed_messages():  # a message shown once must not be kept
        pages.put(key, html.replace(token, _TOKEN))
    return html
