"""The interface every search backend implements, and the values it passes around."""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass, field

from helpdesk.text import masked


@dataclass
class SearchDocument:
    """One thing to find: an article, a thread or a ticket, as its document source built it.

    `access` holds the tokens a reader needs one of to see it (see sources.reader_tokens);
    `exclude` the tokens that hide it from a reader even so (an organisation hid a shipped
    article). Civic numbers are masked here, whatever the source did, so no backend ever
    indexes one (a search for the last four digits finds nothing)."""

    kind: str
    object_id: int
    language: str
    title: str
    body: str
    url: str
    tags: list[str] = field(default_factory=list)
    audience: str = ""
    access: set[str] = field(default_factory=set)
    exclude: set[str] = field(default_factory=set)
    # Words from this document may be offered as "did you mean" to anyone.
    public_words: bool = False

    def __post_init__(self) -> None:
        self.title = masked(self.title)
        self.body = masked(self.body)
        self.tags = [masked(t) for t in self.tags]

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.object_id}"


@dataclass
class SearchQuery:
    text: str
    access: set[str]
    exclude: set[str] = field(default_factory=set)
    lang: str | None = None
    kinds: tuple[str, ...] = ()
    audience: str | None = None
    tag: str | None = None
    limit: int = 10
    offset: int = 0
    # The reader's organisation's own synonym groups: {language: {word: other words}}.
    synonyms: dict = field(default_factory=dict)
    # The audiences of the articles written for the reader's role, ranked a little higher
    # (see services.preferred_audiences); () for none.
    prefer_audiences: tuple[str, ...] = ()
    # Whether to work out a "did you mean"; the suggestions while a question is typed
    # show none, and skipping it is a good part of their time.
    spell: bool = True


# An article answers better than a ticket or thread about the same words, and an article
# written for the reader's role better than one for another: both backends multiply a
# document's score by these (measured with the judged set, bench/bench_search.py).
ARTICLE_WEIGHT = 1.6
AUDIENCE_WEIGHT = 1.25


@dataclass
class SearchHit:
    kind: str
    object_id: int
    title: str
    url: str
    snippet: str  # safe HTML: escaped text with <mark> around matches
    score: float
    language: str = ""
    audience: str = ""
    tags: list[str] = field(default_factory=list)


@dataclass
class SearchResults:
    hits: list[SearchHit]
    total: int
    suggestion: str | None = None
    state: str = "ok"  # or "rebuilding" while a missing index is built again
    # False when `total` is only "at least": Whoosh does not count every match on a page
    # that has more after it (counting costs more than searching on a large index).
    exact: bool = True


class SearchBackend(ABC):
    """What every backend implements; the services know nothing else of it."""

    name = "base"
    # Documents per batch (and transaction) of a full rebuild.
    build_batch = 1000

    def build_batch_for(self, kind: str) -> int:
        """Documents per rebuild batch for one source (each batch its own transaction)."""
        return self.build_batch

    @abstractmethod
    def ready(self) -> bool:
        ...

    def quick_ready(self) -> bool:
        """For /readyz: can it answer, found out cheaply (no counts, no index walk)."""
        return self.ready()

    @abstractmethod
    def check(self) -> dict:
        """For /healthz: {"ok": bool, "backend": name, "state": ...}."""
        ...

    @abstractmethod
    def update(self, docs: Iterable[SearchDocument], deleted: Iterable[str]) -> None:
        """Add or replace documents and remove the keys in `deleted`, all at once."""
        ...

    def rebuild(self, docs: Iterable[SearchDocument]) -> int:
        """Build a fresh index from `docs` beside the live one and swap it in, in one go
        (services.rebuild runs the resumable version of this, batch by batch)."""
        build = self.begin_build()
        n, batch = 0, []
        try:
            for doc in docs:
                batch.append(doc)
                n += 1
                if len(batch) >= 2000:
                    self.add_to_build(build, batch)
                    batch = []
            self.add_to_build(build, batch)
        except Exception:
            self.discard_build(build)
            raise
        self.finish_build(build)
        return n

    # -- a build beside the live index: filled in batches, then swapped in ---------------
    # Searches keep reading the live index until finish_build swaps the new one in. A
    # build outlives the process that started it (its name is kept in SearchRebuild), so
    # a stopped rebuild continues where it was.
    @abstractmethod
    def begin_build(self) -> str:
        """Start an empty index beside the live one; returns its name."""
        ...

    @abstractmethod
    def add_to_build(self, build: str, docs: list[SearchDocument], replace: bool = False) -> None:
        """Add a batch to the build. With `replace`, documents that may already be there
        (the first batch after a crash) replace their copy instead of doubling it."""
        ...

    @abstractmethod
    def update_build(self, build: str, docs: list[SearchDocument], deleted: list[str]) -> None:
        """Apply changes to documents the build already holds (the indexer between runs)."""
        ...

    @abstractmethod
    def finish_build(self, build: str) -> None:
        """Swap the build in as the live index."""
        ...

    def has_build(self, build: str) -> bool:
        """Is the build still there (a crash may have taken it)?"""
        return True

    @abstractmethod
    def discard_build(self, build: str) -> None:
        """Throw the build away (the live index stays); a missing build is no error."""
        ...

    @abstractmethod
    def search(self, query: SearchQuery) -> SearchResults:
        ...

    @abstractmethod
    def suggest(self, text: str, lang: str | None) -> str | None:
        """A corrected query ("did you mean"), or None."""
        ...

    @abstractmethod
    def count(self) -> int:
        ...
