"""A second look at the best candidates, shared by both backends: what the author says
the text is about, and how it says it.

The first ranking (BM25F on Whoosh, ts_rank on PostgreSQL) counts words. Among thousands of
texts that share the help articles' vocabulary (the benchmark's 10,000 articles and 100,000
tickets), counting cannot tell the article that answers from one that uses the same words
about something else. Two things a bag of words loses tell them apart:

- the tags: the keywords an article's author chose for what it answers, in the readers'
  words ("eskalera", "vem svarar"); a question whose words are the tags is what the article
  is for;
- the question's words standing together, in order, in the answer ("byta namn på en
  klass", "lokalt ansvarig"), rather than scattered over a text about something else.

So the best `CANDIDATES` of a search are scored again from their stored text: the score is
multiplied by

    1 + TAG_BONUS × (share of the question's words found in the tags)
      + PAIR_BONUS × (share of the question's neighbouring word pairs found within
                      PAIR_WINDOW words of each other, in order, in the title or text)

A word matches through any of its index terms (forms, compound parts, synonyms, typo
corrections), the same terms the first ranking looked for. Only articles get the second
look: tickets and threads are questions, not answers, and one that repeats the question's
words side by side must not gain on the article that answers. Measured with the judged set
(bench/bench_search.py): on the big corpus top-3 went from 63% to 82% (Whoosh) and from 64%
to 88% (PostgreSQL).
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from functools import lru_cache

from whoosh.analysis import StopFilter
from whoosh.lang import stemmer_for_language

from helpdesk.search import analysis

LANGS = ("sv", "en")
# How many of a search's best documents get the second look (per sub-index on Whoosh): a
# page of ten with room for the ones the second look lifts.
CANDIDATES = 40
# Two query words count as standing together when the second follows the first within
# this many words ("byta namn på en klass": namn and klass are three apart).
PAIR_WINDOW = 3
PAIR_BONUS = 0.5
TAG_BONUS = 2.0
# Only the start of a long text is read: an answer says what it is about early, and the
# second look must stay cheap.
MAX_WORDS = 400

STOPS = {lang: frozenset(StopFilter(lang=lang).stops) for lang in LANGS}
_STEMMERS = {lang: stemmer_for_language(lang) for lang in LANGS}


@lru_cache(maxsize=200_000)
def index_terms(word: str, lang: str) -> tuple[str, ...]:
    """What one lowercased word becomes in the index: its normalised form and compound
    parts (analysis.expand_word), without stop words and one-letter words, stemmed."""
    stops, stem = STOPS[lang], _STEMMERS[lang]
    return tuple(stem(form) for form in analysis.expand_word(word, lang)
                 if len(form) >= 2 and form not in stops)


class _Positions:
    """Term → word positions of recently seen texts, least recently used out first (the
    best candidates of common questions come back again and again; 3,000 texts are a few
    megabytes)."""

    def __init__(self, size: int = 3000):
        self.size = size
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def of(self, text: str, lang: str) -> dict[str, list[int]]:
        key = (lang, text)
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return found
        found = {}
        for pos, match in enumerate(analysis.WORD.finditer(text)):
            if pos >= MAX_WORDS:
                break
            for term in index_terms(match.group().lower(), lang):
                found.setdefault(term, []).append(pos)
        with self._lock:
            self._items[key] = found
            if len(self._items) > self.size:
                self._items.popitem(last=False)
        return found


_POSITIONS = _Positions()


def factor(word_terms: Sequence[frozenset[str]], title: str, tags: str, body: str, lang: str) -> float:
    """What a candidate's score is multiplied by (see the module's docstring)."""
    words = [w for w in word_terms if w]
    if not words or lang not in LANGS:
        return 1.0
    keywords = _POSITIONS.of(tags, lang)
    in_tags = sum(1 for terms in words if not terms.isdisjoint(keywords))
    bonus = TAG_BONUS * in_tags / len(words)
    if len(words) > 1:
        # The title (with the tags) and the text as one run of words, the title first (a
        # gap between them keeps a pair from straddling the two).
        heading = _POSITIONS.of(f"{title} . {tags}", lang)
        text = _POSITIONS.of(body, lang)
        shift = MAX_WORDS + PAIR_WINDOW + 1
        near = 0
        for first, second in zip(words, words[1:]):
            starts = _positions(first, heading, text, shift)
            ends = _positions(second, heading, text, shift)
            if starts and ends and _follows(starts, ends):
                near += 1
        bonus += PAIR_BONUS * near / (len(words) - 1)
    return 1.0 + bonus


def _positions(terms: frozenset[str], heading: dict, text: dict, shift: int) -> list[int]:
    out = [p for t in terms for p in heading.get(t, ())]
    out += [p + shift for t in terms for p in text.get(t, ())]
    return sorted(out)


def _follows(starts: list[int], ends: list[int]) -> bool:
    """Does some end come 1..PAIR_WINDOW words after some start?"""
    i = 0
    for end in ends:
        while i < len(starts) and starts[i] < end - PAIR_WINDOW:
            i += 1
        if i < len(starts) and starts[i] < end:
            return True
    return False


def rerank(candidates: list, score_of: Callable, text_of: Callable,
           word_terms: dict[str, Sequence[frozenset[str]]]) -> list[tuple[float, object]]:
    """[(new score, candidate)], best first (equal scores keep the first ranking's order).
    `text_of(c)` gives (title, tags as text, body, language), or None for a candidate that
    is no answer: only articles get the second look, so a ticket that repeats the question's
    words side by side never gains on the article that answers; `word_terms[lang]` the
    index terms of each query word, in query order."""
    out = []
    for c in candidates:
        text = text_of(c)
        if text is None:  # not an answer (a ticket, a thread): its first score stands
            out.append((score_of(c), c))
            continue
        title, tags, body, lang = text
        out.append((score_of(c) * factor(word_terms.get(lang, ()), title, tags, body, lang), c))
    out.sort(key=lambda f: -f[0])
    return out
