"""A full reindex in batches that survives being stopped.

The backend builds a new index beside the live one (a directory for Whoosh, shadow tables
for PostgreSQL); searches read the live one until the build is swapped in at the end. The
sources are read in order (articles, threads, tickets), each by ascending id, in batches:
each batch is loaded, added to the build and recorded in the SearchRebuild row (kind,
last id) in one transaction, so a rebuild stopped by a crash, a deploy or `--batches`
continues from its last recorded batch. Only the holder of the indexer lease runs it.

Changes made while a rebuild is under way reach the build too: the indexer applies them
to the live index and, for documents the build already holds, to the build (`apply`);
documents it has not reached yet it reads fresh when it gets there.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import delete, func, select

from helpdesk.extensions import db
from helpdesk.models_base import utcnow
from helpdesk.search.backends.base import SearchBackend, SearchDocument
from helpdesk.search.models import IndexOutbox, SearchRebuild
from helpdesk.search.sources import sources

log = logging.getLogger(__name__)


@dataclass
class Progress:
    documents: int
    batches: int
    finished: bool
    resumed: bool = False


def pending() -> SearchRebuild | None:
    return db.session.scalar(select(SearchRebuild).order_by(SearchRebuild.id).limit(1))


def _order() -> list[str]:
    return [s.kind for s in sources()]


def _drop(row: SearchRebuild, backend: SearchBackend) -> None:
    if row.backend == backend.name:
        backend.discard_build(row.build)
    db.session.delete(row)
    db.session.commit()


def _start(backend: SearchBackend) -> SearchRebuild:
    high = db.session.scalar(select(func.max(IndexOutbox.id))) or 0
    order = _order()
    row = SearchRebuild(backend=backend.name, build=backend.begin_build(),
                        kind=order[0] if order else "", last_id=0, outbox_high=high)
    db.session.add(row)
    db.session.commit()
    return row


def run(backend: SearchBackend, *, restart: bool = False, batch_size: int | None = None,
        max_batches: int | None = None, renew=None) -> Progress:
    """Build (or go on building) the new index and swap it in when complete. Stops early,
    unfinished, after `max_batches` batches. `renew()` is called after each batch (the
    caller keeps its lease)."""
    batch_size = batch_size or int(current_app.config.get("SEARCH_REBUILD_BATCH") or 0) or None
    order = _order()
    row = pending()
    if row is not None and (restart or row.backend != backend.name or row.kind not in order
                            or not backend.has_build(row.build)):
        _drop(row, backend)
        row = None
    resumed = row is not None
    if row is None:
        row = _start(backend)
    else:
        log.info("search: continuing the rebuild %s after %d documents", row.build, row.documents)
    replace = resumed  # the first batch after a stop may already be partly in the build
    done = 0
    for source in sources()[order.index(row.kind):]:
        if source.kind != row.kind:
            if max_batches is not None and done >= max_batches:
                return Progress(row.documents, row.batches, False, resumed)
            row.kind, row.last_id = source.kind, 0
            db.session.commit()
        ids = [i for i in source.all_ids() if i > row.last_id]
        size = batch_size or backend.build_batch_for(source.kind)
        for start in range(0, len(ids), size):
            if max_batches is not None and done >= max_batches:
                return Progress(row.documents, row.batches, False, resumed)
            chunk = ids[start:start + size]
            docs = source.load(chunk)
            backend.add_to_build(row.build, docs, replace=replace)
            replace = False
            row.last_id = chunk[-1]
            row.documents += len(docs)
            row.batches += 1
            row.updated_at = utcnow()
            db.session.commit()
            done += 1
            if renew is not None:
                renew()
    backend.finish_build(row.build)
    # Outbox rows from before the start are covered by the build; later ones are applied
    # to the new index by the indexer's next round.
    db.session.execute(delete(IndexOutbox).where(IndexOutbox.id <= row.outbox_high))
    total, batches = row.documents, row.batches
    db.session.delete(row)
    db.session.commit()
    log.info("search: %s index rebuilt with %d documents", backend.name, total)
    return Progress(total, batches, True, resumed)


def _reached(row: SearchRebuild, order: list[str], kind: str, object_id: int) -> bool:
    """Has the build already read this document (so it must be told of a change)?"""
    if kind not in order or row.kind not in order:
        return False
    here, cursor = order.index(kind), order.index(row.kind)
    return here < cursor or (here == cursor and object_id <= row.last_id)


def apply(backend: SearchBackend, docs: list[SearchDocument], deleted: list[str]) -> None:
    """Pass the indexer's changes on to a rebuild under way, for what it already holds."""
    row = pending()
    if row is None or row.backend != backend.name or not backend.has_build(row.build):
        return
    order = _order()
    docs = [d for d in docs if _reached(row, order, d.kind, d.object_id)]
    deleted = [k for k in deleted if _reached(row, order, k.split(":", 1)[0], int(k.split(":", 1)[1]))]
    if docs or deleted:
        backend.update_build(row.build, docs, deleted)


def status() -> dict | None:
    row = pending()
    if row is None:
        return None
    return {"backend": row.backend, "documents": row.documents, "batches": row.batches,
            "kind": row.kind, "last_id": row.last_id, "started_at": row.started_at}

