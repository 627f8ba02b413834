"""Answers of the Whoosh backend kept per index generation, per process.

A search's answer is a function of the query (its words, the reader's access tokens,
filters, synonyms, preferred audiences, page) and of the index: nothing else is read. So an
answer found under the same query while the index is at the same generation (the live
directory's name and every sub-index's TOC generation, which every commit of the indexer
moves, deletions included) is the answer a new search would give. Under load the same
few questions come back many times a second; keeping them saved most of a search's CPU.
A small LRU (SEARCH_KEPT_ANSWERS, 0: off); a copy is handed out, so a caller that changes
what it got cannot change what the next reader gets.
"""
from __future__ import annotations

from dataclasses import replace

from helpdesk.kept import Kept
from helpdesk.search.backends.base import SearchQuery, SearchResults


def _copy(results: SearchResults) -> SearchResults:
    return replace(results, hits=[replace(h, tags=list(h.tags)) for h in results.hits])


def query_key(query: SearchQuery) -> tuple:
    """Everything of a query the answer depends on, as hashable plain values."""
    synonyms = tuple(sorted((lang, tuple(sorted((w, tuple(sorted(others))) for w, others in words.items())))
                            for lang, words in (query.synonyms or {}).items()))
    return (query.text, frozenset(query.access), frozenset(query.exclude), query.lang, tuple(query.kinds),
            query.audience, query.tag, query.limit, query.offset, synonyms, tuple(query.prefer_audiences),
            query.spell)


class KeptResults(Kept):
    """Answers handed out as copies, and only answers from a ready index."""

    def get(self, key) -> SearchResults | None:
        found = super().get(key)
        return None if found is None else _copy(found)

    def put(self, key, results: SearchResults) -> None:
        if results.state == "ok":
            super().put(key, _copy(results))
