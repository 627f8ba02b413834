"""Document sources: how each kind of searchable thing is loaded and who may see it.

A capability registers a DocumentSource for its kind ("article" from kb, "ticket" from
tickets, "thread" from boards) with `register_source`, and sends
helpdesk.events.content_changed with that kind whenever one changes. Search never imports
the capability; it asks the source.

- `load(ids)` returns SearchDocuments for the ids that should be searchable; an id left
  out is removed from the index (deleted, a draft, not searchable any more).
- `all_ids()` yields every id, for a full rebuild.
- `reader_tokens(scope)` is the set of access tokens a reader holds for this kind; a
  document is visible to a reader holding any of its `access` tokens. Tokens must be
  specific enough that holding one means the reader may open the document, e.g.
  "ticket:requester:12" or "ticket:queue:school:3".
- `reader_excludes(scope)` tokens hide a document even so (a hidden shipped article).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from helpdesk.search.backends.base import SearchDocument


@dataclass
class DocumentSource:
    kind: str
    load: Callable[[list[int]], list[SearchDocument]]
    all_ids: Callable[[], Iterable[int]]
    reader_tokens: Callable[[object], set[str]]
    reader_excludes: Callable[[object], set[str]] = field(default=lambda scope: set())
    label: Callable[[], str] | None = None
    order: int = 50


_SOURCES: dict[str, DocumentSource] = {}


def register_source(source: DocumentSource) -> None:
    _SOURCES[source.kind] = source


def sources() -> list[DocumentSource]:
    return sorted(_SOURCES.values(), key=lambda s: s.order)


def get_source(kind: str) -> DocumentSource | None:
    return _SOURCES.get(kind)


def reader_tokens(scope) -> tuple[set[str], set[str]]:
    access: set[str] = set()
    exclude: set[str] = set()
    for source in _SOURCES.values():
        access |= source.reader_tokens(scope)
        exclude |= source.reader_excludes(scope)
    return access, exclude
