"""One search over articles, threads and tickets, filtered by what the reader may open.

Web requests only read the index. A change writes an IndexOutbox row in its own
transaction (see `enqueue`, connected to helpdesk.events.content_changed); the indexer
(`process_outbox`, run by the tick and by `flask search work`) drains the rows in batches
while it holds a database lease, so only one process ever writes the index.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from helpdesk import leases
from helpdesk.access import scope_of
from helpdesk.extensions import db
from helpdesk.search import analysis, org_synonyms, rebuild
from helpdesk.search.backends.base import SearchBackend, SearchQuery, SearchResults
from helpdesk.search.models import IndexOutbox
from helpdesk.search.sources import get_source, reader_tokens, sources

log = logging.getLogger(__name__)
KINDS = ("article", "thread", "ticket")
LEASE = timedelta(minutes=5)
INDEXER = "search-indexer"
_listeners: list = []


def on_search(fn) -> None:
    """Call fn(user, text, lang, results_count, origin) after each logged search (kb keeps
    stats); origin is "search" or "suggestion"."""
    if fn not in _listeners:
        _listeners.append(fn)


# -- the backend -------------------------------------------------------------------------
def backend_name(app=None) -> str:
    app = app or current_app
    wanted = (app.config.get("SEARCH_BACKEND") or "auto").lower()
    on_postgres = app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")
    if wanted in ("postgres", "postgresql", "auto") and on_postgres:
        return "postgres"
    return "whoosh"


def get_backend(app=None) -> SearchBackend:
    app = app or current_app
    cache = app.extensions.setdefault("helpdesk_search", {})
    name = backend_name(app)
    if name not in cache:
        if name == "postgres":
            from helpdesk.search.backends.postgres_backend import PostgresBackend

            cache[name] = PostgresBackend()
        else:
            from helpdesk.search.backends.whoosh_backend import WhooshBackend

            cache[name] = WhooshBackend(app.config["SEARCH_INDEX_DIR"],
                                        procs=int(app.config.get("SEARCH_INDEX_PROCS") or 1),
                                        cache_postings=int(app.config["SEARCH_CACHE_POSTINGS"]),
                                        kept_answers=int(app.config["SEARCH_KEPT_ANSWERS"]))
    return cache[name]


# -- reading -----------------------------------------------------------------------------
@dataclass
class SearchPage:
    text: str
    results: SearchResults
    page: int = 1
    per_page: int = 10
    message: str | None = None
    filters: dict = field(default_factory=dict)

    @property
    def pages(self) -> int:
        """The number of pages, or (when the total is not exact) at least one more."""
        if not self.results.exact:
            return self.page + 1
        return max(1, -(-self.results.total // self.per_page))


def search(user, raw_text, *, lang: str | None = None, kinds: tuple[str, ...] = (),
           audience: str | None = None, tag: str | None = None, page: int = 1,
           per_page: int = 10, log_query: bool = False, origin: str = "search",
           spell: bool = True) -> SearchPage:
    """Search what `user` may open. Any input gives a clean answer: the text is cleaned of
    control characters and civic numbers, query syntax means nothing, and an empty query
    gives no results and a message."""
    text = analysis.clean_query(raw_text)
    page = max(1, min(int(page or 1), 1000))
    per_page = max(1, min(int(per_page or 10), 50))
    lang = lang if lang in ("sv", "en") else None
    kinds = tuple(k for k in kinds if k in KINDS)
    audience = audience if audience in ("public", "guardian", "staff", "admin", "central") else None
    tag = (analysis.words(tag or "") or [None])[0]
    filters = {"lang": lang, "kinds": kinds, "audience": audience, "tag": tag}
    if not analysis.words(text):
        message = _l("Type a word or two to search for.") if (raw_text or "").strip() == "" else \
            _l("Search for words; the characters you typed have no meaning here.")
        return SearchPage(text, SearchResults([], 0), page, per_page, str(message), filters)
    scope = scope_of(user)
    access, exclude = reader_tokens(scope)
    query = SearchQuery(text=text, access=access, exclude=exclude, lang=lang, kinds=kinds,
                        audience=audience, tag=tag, limit=per_page, offset=(page - 1) * per_page,
                        synonyms=org_synonyms.for_reader(user), prefer_audiences=preferred_audiences(scope),
                        spell=spell)
    backend = get_backend()
    if not backend.ready():
        results = SearchResults([], 0, state="rebuilding")
        message = str(_l("The search index is being rebuilt. Try again in a minute."))
    else:
        try:
            results = backend.search(query)
            message = None
        except Exception:  # an index problem must give a message, never a 500
            log.exception("search: the %s backend failed", backend.name)
            db.session.rollback()
            results = SearchResults([], 0, state="error")
            message = str(_l("Search is not available right now. Try again in a minute."))
    if log_query and page == 1:
        for fn in _listeners:
            fn(user, text, lang, results.total, origin)
    return SearchPage(text, results, page, per_page, message, filters)


def preferred_audiences(scope) -> tuple[str, ...]:
    """The article audiences written for the reader's role: an administrator's question about
    a task should find the admin article, a guardian's the guardian one. The central team
    answers for every role, so it gets no preference."""
    if not scope.authenticated or scope.central_org_ids or scope.is_vendor_agent:
        return ()
    if scope.is_admin:
        return ("admin",)
    if scope.is_staff:
        return ("staff",)
    if scope.is_guardian:
        return ("guardian",)
    return ()


def suggest_articles(user, text, limit: int = 5, lang: str | None = None) -> list[dict]:
    """Articles that may answer `text`, for the ticket form: [{"title","url","snippet","slug"}].
    Logged as a suggestion (the caller commits), so a question that found no article shows
    up in "searched for but not found" like a search does."""
    try:
        found = search(user, text, lang=lang, kinds=("article",), per_page=limit,
                       log_query=True, origin="suggestion", spell=False)
    except Exception:  # a suggestion must never break the form it helps
        log.exception("search: suggestions failed")
        return []
    out = []
    for hit in found.results.hits[:limit]:
        out.append({"title": hit.title, "url": hit.url, "snippet": hit.snippet,
                    "slug": hit.url.rstrip("/").rsplit("/", 1)[-1], "id": hit.object_id})
    return out


# -- writing: the outbox and the indexer -------------------------------------------------
def enqueue(kind: str, object_id: int, deleted: bool = False) -> None:
    """Record that something searchable changed, in the caller's transaction."""
    db.session.add(IndexOutbox(kind=kind, object_id=int(object_id), deleted=bool(deleted)))


def _content_changed(sender, object_id=None, deleted=False, **_kw):
    if object_id is None or not isinstance(sender, str):
        return
    enqueue(sender, object_id, deleted)


def acquire_lease(lease: timedelta = LEASE) -> bool:
    """Take (or renew) the index writer's lease unless another live process holds it."""
    return leases.acquire(INDEXER, lease)


def release_lease() -> None:
    leases.release(INDEXER)


def process_outbox(batch_size: int = 500, max_batches: int | None = None) -> dict:
    """Drain the index outbox into the backend. Commits after each batch; rows leave the
    outbox only once the index holds their change."""
    counts = {"indexed": 0, "removed": 0, "batches": 0, "skipped": False}
    if not acquire_lease():
        counts["skipped"] = True
        return counts
    try:
        backend = get_backend()
        if not backend.ready():
            rebuild_index(reason="missing")
        while max_batches is None or counts["batches"] < max_batches:
            rows = db.session.scalars(select(IndexOutbox).order_by(IndexOutbox.id).limit(batch_size)).all()
            if not rows:
                break
            wanted: dict[str, set[int]] = {}
            for row in rows:
                wanted.setdefault(row.kind, set()).add(row.object_id)
            docs, removed = [], []
            for kind, ids in wanted.items():
                source = get_source(kind)
                found = source.load(sorted(ids)) if source else []
                docs.extend(found)
                present = {d.object_id for d in found}
                removed.extend(f"{kind}:{i}" for i in sorted(ids - present))
            backend.update(docs, removed)
            rebuild.apply(backend, docs, removed)
            db.session.execute(delete(IndexOutbox).where(IndexOutbox.id.in_([r.id for r in rows])))
            db.session.commit()
            counts["indexed"] += len(docs)
            counts["removed"] += len(removed)
            counts["batches"] += 1
            acquire_lease()  # renew
    except Exception:
        db.session.rollback()
        raise
    finally:
        release_lease()
    return counts


def all_documents():
    for source in sources():
        ids = list(source.all_ids())
        for start in range(0, len(ids), 500):
            yield from source.load(ids[start:start + 500])


def rebuild_index(reason: str = "requested", *, restart: bool = False,
                  max_batches: int | None = None) -> rebuild.Progress:
    """Build a fresh index from every source in batches (continuing a stopped rebuild)
    and swap it in; the caller holds the lease. See helpdesk.search.rebuild."""
    backend = get_backend()
    if reason != "requested":
        log.warning("search: the %s index is %s; rebuilding it from the database", backend.name, reason)
    return rebuild.run(backend, restart=restart, max_batches=max_batches,
                       renew=lambda: acquire_lease())


def reindex(*, restart: bool = False, max_batches: int | None = None) -> int:
    """Rebuild the index (continuing a stopped rebuild unless `restart`); the number of
    documents in the new index, or built so far when stopped after `max_batches`."""
    if not acquire_lease():
        raise RuntimeError("another indexer holds the lease; try again when it is done")
    try:
        return rebuild_index(restart=restart, max_batches=max_batches).documents
    except Exception:
        db.session.rollback()
        raise
    finally:
        release_lease()


def ensure_index() -> bool:
    """At start: rebuild a missing or corrupt index (with a log line). True if rebuilt."""
    backend = get_backend()
    if hasattr(backend, "prepare"):
        backend.prepare()
        db.session.commit()
    if backend.ready():
        return False
    if not acquire_lease():
        return False
    try:
        rebuild_index(reason="missing or unreadable")
    except Exception:
        db.session.rollback()
        raise
    finally:
        release_lease()
    return True


def ready() -> bool:
    try:
        return get_backend().quick_ready()
    except Exception:
        db.session.rollback()
        return False


def health() -> dict:
    try:
        result = get_backend().check()
        result["outbox"] = db.session.scalar(select(db.func.count(IndexOutbox.id))) or 0
        return result
    except Exception as exc:
        db.session.rollback()
        return {"ok": False, "backend": backend_name(), "state": type(exc).__name__}
