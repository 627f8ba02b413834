"""BM25F ranking over a Whoosh index with numpy, a posting list at a time.

Whoosh matches and scores one posting at a time in pure Python: a common word in a
hundred thousand tickets costs it a few hundred milliseconds. Here each term's posting
list is decoded once into arrays (kept in a bounded cache: segments never change once
written) and scored for all its documents in one step; the reader's filter is a boolean
mask built the same way from the filter fields' posting lists. The scores are Whoosh's own
BM25F (B=0.75, K1=1.2, idf = log(N / (df + 1)) + 1), so ranking does not change with the
engine.

Decoding reads Whoosh's on-disk block format (`whoosh.codec.whoosh3`) through the posting
matcher's own block reader. Whoosh is pinned and no longer changes upstream; should the
format ever differ, `read_postings` falls back to the matcher's public interface, and
tests/search/test_whoosh_ranking.py compares both ways on every run.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from itertools import chain
from math import log
from typing import NamedTuple

import numpy as np
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length

B, K1 = 0.75, 1.2
_EMPTY = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))
# Field lengths are stored as one byte each; this table turns the byte back into a length.
# A document without the field has byte 0 and never has a posting in it; 1 keeps the
# arithmetic safe.
_LENGTHS = np.array([byte_to_length(b) or 1 for b in range(256)], dtype=np.float32)


class WeightedTerm(NamedTuple):
    field: str
    text: str
    boost: float
    # Which query word the term stands for (its forms, compound parts, synonyms and typo
    # neighbours share the number), for the second look (helpdesk.search.rerank).
    word: int = 0


class PostingCache:
    """Decoded posting lists and field lengths, least recently used out first, bounded by
    the number of entries held (a posting costs 12 bytes: an id and a weight)."""

    def __init__(self, budget: int = 2_000_000):
        self.budget = budget
        self._held = 0
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key, build):
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return found
        value = build()
        size = len(value[0]) if isinstance(value, tuple) else len(value)
        with self._lock:
            if key not in self._items:
                self._items[key] = value
                self._held += size
                while self._held > self.budget and len(self._items) > 1:
                    _, old = self._items.popitem(last=False)
                    self._held -= len(old[0]) if isinstance(old, tuple) else len(old)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._held = 0


def read_postings(leaf_reader, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
    """(document numbers, weights) of one term in one segment, deleted documents included
    (the reader's mask leaves them out)."""
    try:
        matcher = leaf_reader.postings(field, text)
    except TermNotFound:
        return _EMPTY
    if isinstance(matcher, FilterMatcher):
        matcher = matcher.child
    if isinstance(matcher, W3LeafMatcher):
        try:
            return _read_blocks(matcher)
        except AttributeError:  # a Whoosh whose block reader differs: the slow, sure way
            matcher = leaf_reader.postings(field, text)
    return read_postings_slowly(matcher)


def read_postings_slowly(matcher) -> tuple[np.ndarray, np.ndarray]:
    ids, weights = [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return np.array(ids, dtype=np.int64), np.array(weights, dtype=np.float32)


def _read_blocks(matcher: W3LeafMatcher) -> tuple[np.ndarray, np.ndarray]:
    # A block holds up to 128 postings: ids as deltas from the block's start (the first is
    # absolute) and weights as None (all 1), one float for all, or one per posting.
    id_blocks, weight_blocks, sizes = [], [], []
    while matcher.is_active():
        matcher._read_data()
        deltas, weights = matcher._data[0], matcher._data[1]
        n = len(deltas)
        id_blocks.append(deltas)
        sizes.append(n)
        if weights is None:
            weights = (1.0,) * n
        elif isinstance(weights, float):
            weights = (weights,) * n
        weight_blocks.append(weights)
        matcher._next_block()
    if not sizes:
        return _EMPTY
    total = sum(sizes)
    deltas = np.fromiter(chain.from_iterable(id_blocks), dtype=np.int64, count=total)
    running = np.cumsum(deltas)
    starts = np.cumsum(sizes) - sizes
    # Undo the running sum across blocks: each block starts again from zero.
    before = running[starts] - deltas[starts]
    ids = running - np.repeat(before, sizes)
    weights = np.fromiter(chain.from_iterable(weight_blocks), dtype=np.float32, count=total)
    return ids, weights


def field_lengths(leaf_reader, field: str) -> np.ndarray:
    """The length of `field` in every document of one segment."""
    n = leaf_reader.doc_count_all()
    try:
        from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

        column = leaf_reader._perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
        if column is None:
            return np.ones(n, dtype=np.float32)
        raw = np.frombuffer(column._dbfile.get(column._basepos, column._count), dtype=np.uint8)
        codes = np.zeros(n, dtype=np.uint8)
        codes[:min(n, len(raw))] = raw[:n]
        return _LENGTHS[codes]
    except AttributeError:  # not the whoosh3 codec: ask document by document
        return np.array([leaf_reader.doc_field_length(d, field, 1) or 1 for d in range(n)],
                        dtype=np.float32)


class Ranker:
    """Scores queries over one Whoosh searcher (one partition of one generation)."""

    def __init__(self, searcher, cache: PostingCache, name: str, field_b: dict[str, float] | None = None):
        self.searcher = searcher
        # BM25's length normalisation per field (B when a field is not named).
        self.field_b = field_b or {}
        self.cache = cache
        self.name = name  # tells apart the partitions and generations sharing a cache
        self.leaves = [(s.reader(), offset) for s, offset in searcher.leaf_searchers()]
        self.size = searcher.doc_count_all()
        # Readers' filters (masks) by their terms, so readers of one role share one; a
        # refreshed searcher gets a new Ranker, so a mask never outlives its documents.
        self.masks: dict = {}

    def _key(self, reader, field: str, what: str) -> tuple:
        segment = reader.segment()  # None for the reader of an empty index
        return (self.name, segment.segment_id() if segment else "", field, what)

    def _postings(self, reader, field: str, text: str):
        return self.cache.get(self._key(reader, field, text), lambda: read_postings(reader, field, text))

    def _lengths(self, reader, field: str) -> np.ndarray:
        # "\x00" cannot start a term, so lengths never share a key with a posting list.
        return self.cache.get(self._key(reader, field, "\x00lengths"), lambda: field_lengths(reader, field))

    def mask(self, any_of: Iterable[tuple[str, str]], all_of: Iterable[Sequence[tuple[str, str]]] = (),
             none_of: Iterable[tuple[str, str]] = ()) -> np.ndarray:
        """Documents that hold one of `any_of`, one term of each group in `all_of` and none
        of `none_of` (each a (field, text) pair), without deleted documents."""
        def having(terms) -> np.ndarray:
            out = np.zeros(self.size, dtype=bool)
            for field, text in terms:
                for reader, offset in self.leaves:
                    ids, _ = self._postings(reader, field, text)
                    out[ids + offset] = True
            return out

        allowed = having(any_of)
        for group in all_of:
            allowed &= having(group)
        none_of = list(none_of)
        if none_of:
            allowed &= ~having(none_of)
        for reader, offset in self.leaves:
            segment = reader.segment()
            if segment is not None and segment.has_deletions():
                gone = np.fromiter(segment.deleted_docs(), dtype=np.int64)
                allowed[gone + offset] = False
        return allowed

    def top(self, terms: Sequence[WeightedTerm], allowed: np.ndarray, k: int,
            doc_weights: np.ndarray | float | None = None) -> tuple[list[tuple[int, float]], int]:
        """The k best (document number, score) among `allowed`, and how many match at all;
        `doc_weights` multiplies each document's score (one number for all, or one each)."""
        searcher = self.searcher
        doc_count = searcher.doc_count_all()
        scores = np.zeros(self.size, dtype=np.float32)
        for term in terms:
            df = searcher.doc_frequency(term.field, term.text)
            if not df:
                continue
            idf = log(doc_count / (df + 1)) + 1
            average = searcher.avg_field_length(term.field) or 1.0
            b = self.field_b.get(term.field, B)
            for reader, offset in self.leaves:
                ids, weights = self._postings(reader, term.field, term.text)
                if not len(ids):
                    continue
                lengths = self._lengths(reader, term.field)[ids]
                part = idf * (weights * (K1 + 1)) / (weights + K1 * ((1 - b) + b * lengths / average))
                # A document holds a term once per field, so ids are unique and += is safe.
                scores[ids + offset] += term.boost * part
        scores[~allowed] = 0
        if doc_weights is not None:
            scores *= doc_weights
        matched = np.flatnonzero(scores)
        if not len(matched):
            return [], 0
        if len(matched) > k:
            best = matched[np.argpartition(-scores[matched], k - 1)[:k]]
        else:
            best = matched
        # Best score first; equal scores in index order, as Whoosh orders them.
        order = sorted(best.tolist(), key=lambda d: (-scores[d], d))
        return [(d, float(scores[d])) for d in order], int(len(matched))
