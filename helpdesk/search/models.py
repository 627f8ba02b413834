"""The search capability's tables: the index outbox, the indexer lock, and the PostgreSQL
backend's documents (unused with Whoosh, whose index lives in SEARCH_INDEX_DIR)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from helpdesk.extensions import db
from helpdesk.models_base import UTCDateTime, utcnow


class TSVector(TypeDecorator):
    """tsvector on PostgreSQL; plain text elsewhere (the column is only used on PostgreSQL)."""

    impl = Text
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "postgresql":
            return dialect.type_descriptor(postgresql.TSVECTOR())
        return dialect.type_descriptor(Text())


class TokenArray(TypeDecorator):
    """text[] on PostgreSQL; plain text elsewhere (the column is only used on PostgreSQL)."""

    impl = Text
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "postgresql":
            return dialect.type_descriptor(postgresql.ARRAY(Text()))
        return dialect.type_descriptor(Text())


class IndexOutbox(db.Model):
    """Something searchable changed: written in the same transaction as the change, removed
    only once the index holds it, so a crash between the two loses no update."""

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[int] = mapped_column()
    deleted: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


CLASSES = {"article": "kind = 'article'", "other": "kind <> 'article'"}
SEARCH_LANGUAGES = ("sv", "en")
# (name, column, partial index condition) of search_entry's GIN indexes; the backend's
# statements spell out the same conditions so the planner can use them.
SEARCH_INDEXES = tuple(
    [(f"ix_search_entry_{column}_{cls}_{lang}", column, f"{where} AND language = '{lang}'")
     for column in ("tsv", "head") for cls, where in CLASSES.items() for lang in SEARCH_LANGUAGES]
    + [(f"ix_search_entry_tokens_{cls}", "tokens", where) for cls, where in CLASSES.items()])


class SearchEntry(db.Model):
    """One searchable document for the PostgreSQL full-text backend."""

    # The GIN indexes are cut by class (articles, everything else) and, for the texts, by
    # language (SEARCH_INDEXES): a search reads the articles apart from the tickets and each
    # language apart, and one index over everything made it read every ticket's posting
    # lists for the articles, and every Swedish title for an English query. No btree on
    # kind or language: the planner ANDed them into every tier's bitmap to no end.
    __table_args__ = (
        UniqueConstraint("kind", "object_id"),
        *(Index(name, column, postgresql_using="gin", postgresql_where=text(where))
          for name, column, where in SEARCH_INDEXES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[int] = mapped_column()
    language: Mapped[str] = mapped_column(String(5))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    tags: Mapped[str] = mapped_column(Text, default="")
    audience: Mapped[str] = mapped_column(String(32), default="", index=True)
    url: Mapped[str] = mapped_column(String(300), default="")
    exclude: Mapped[str] = mapped_column(Text, default="")
    tsv = mapped_column(TSVector)
    # The title and tags alone (tsv's A and B weights): a small first tier of candidates,
    # so a search for a common word ranks the documents named for it, not half the corpus.
    head = mapped_column(TSVector)
    # The reader tokens of the document's SearchAccess rows (exclusions with "!"), under a
    # GIN index that the planner combines with the text's: only documents the reader may
    # see are ever read.
    tokens = mapped_column(TokenArray)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SearchAccess(db.Model):
    """Who may see a SearchEntry: the entry is visible to a reader holding any of its tokens."""

    __table_args__ = (Index("ix_search_access_token_entry", "token", "entry_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("search_entry.id", ondelete="CASCADE"), index=True)
    token: Mapped[str] = mapped_column(String(64))


class SearchWord(db.Model):
    """Words from public help text, for "did you mean" and typo tolerance on PostgreSQL."""

    id: Mapped[int] = mapped_column(primary_key=True)
    word: Mapped[str] = mapped_column(String(64), unique=True)
    language: Mapped[str] = mapped_column(String(5), default="sv")


class SearchRebuild(db.Model):
    """A full reindex under way: which backend build it fills and how far it got.

    The rebuild goes through the sources in order, in batches of ids, each batch its own
    transaction that also moves this cursor (kind, last_id); a stopped or crashed rebuild
    continues from here. `outbox_high` is the last outbox row that existed when it started:
    rows up to it are covered by the rebuild, later ones are applied after the swap. The
    row is deleted when the new index is swapped in (or the build is discarded)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    backend: Mapped[str] = mapped_column(String(16))
    build: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32), default="")
    last_id: Mapped[int] = mapped_column(default=0)
    outbox_high: Mapped[int] = mapped_column(default=0)
    documents: Mapped[int] = mapped_column(default=0)
    batches: Mapped[int] = mapped_column(default=0)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SynonymGroup(db.Model):
    """Words an organisation's people use for the same thing, added by its central team on
    top of the shipped synonyms.yaml. Search expands the query with them when it is asked,
    so a change needs no reindex."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(5), default="sv")
    # Lower-case words separated by single spaces, sorted.
    words: Mapped[str] = mapped_column(String(600))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    @property
    def word_list(self) -> list[str]:
        return self.words.split()
