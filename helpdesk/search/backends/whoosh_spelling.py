"""Spelling help for the Whoosh backend: the words of the index near a misspelt one."""
from __future__ import annotations

from collections.abc import Iterable

from whoosh.searching import Searcher


class Deletions:
    """Words one edit from a word, found through their one-letter deletions (the SymSpell
    way): two words one insertion, deletion, change or swap of neighbouring letters apart
    share a deletion, or one is a deletion of the other. A dictionary lookup per letter of
    the word, where Whoosh's automaton walked the term list at a few milliseconds a word.
    Only words with the same first letter count, as before."""

    def __init__(self, terms: Iterable[str]):
        self._by: dict[str, set[str]] = {}
        for term in terms:
            for key in _deleted(term):
                self._by.setdefault(key, set()).add(term)

    def near(self, word: str) -> set[str]:
        out: set[str] = set()
        for key in _deleted(word):
            out |= self._by.get(key, set())
        return {w for w in out if w[:1] == word[:1]}


def _deleted(word: str) -> set[str]:
    return {word, *(word[:i] + word[i + 1:] for i in range(len(word)))}


def near_words(searcher: Searcher, field: str, word: str, maxdist: int) -> set[str]:
    """Terms of `field` within `maxdist` edits of `word` (same first letter), asked of each
    segment: Whoosh's reader over several segments would compare every term that starts
    with the same letter."""
    out: set[str] = set()
    for leaf, _ in searcher.leaf_searchers():
        out.update(leaf.reader().terms_within(field, word, maxdist, prefix=1))
    return out
