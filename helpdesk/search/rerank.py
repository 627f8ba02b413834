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


def _words(text: str) -> list[str]:
    """The text's first MAX_WORDS words, lowercased (one regex pass in C)."""
    return analysis.WORD.findall(text[: MAX_WORDS * 30].lower())[:MAX_WORDS]


def _where(words: list[str], lang: str, wanted: frozenset[str], memo: dict) -> dict[str, list[int]]:
    """Term → positions in `words`, for the terms in `wanted` only. Which wanted terms a
    word gives is worked out once a search (`memo`: the candidates share most of their
    words), so a text costs one dictionary lookup a word, in one pass (a first pass over
    the distinct words cost as much again: a tenth of a search's own CPU time)."""
    found: dict[str, list[int]] = {}
    get = memo.get
    for pos, word in enumerate(words):
        terms = get(word)
        if terms is None:
            terms = memo[word] = tuple(t for t in index_terms(word, lang) if t in wanted)
        if terms:
            for term in terms:
                found.setdefault(term, []).append(pos)
    return found


def factor(word_terms: Sequence[frozenset[str]], title: str, tags: str, body: str, lang: str,
           memo: dict | None = None) -> float:
    """What a candidate's score is multiplied by (see the module's docstring). `memo` may
    be shared by the candidates of one search in one language."""
    words = [w for w in word_terms if w]
    if not words or lang not in LANGS:
        return 1.0
    wanted = frozenset().union(*words)
    memo = {} if memo is None else memo
    tag_words = _words(tags)
    keywords = _where(tag_words, lang, wanted, memo)
    in_tags = sum(1 for terms in words if not terms.isdisjoint(keywords))
    bonus = TAG_BONUS * in_tags / len(words)
    if len(words) > 1:
        # The title (with the tags) and the text as one run of words, the title first (a
        # gap between them keeps a pair from straddling the two).
        heading = _where(_words(title) + tag_words, lang, wanted, memo)
        text = _where(_words(body), lang, wanted, memo)
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
    memos: dict[str, dict] = {lang: {} for lang in LANGS}
    for c in candidates:
        text = text_of(c)
        if text is None:  # not an answer (a ticket, a thread): its first score stands
            out.append((score_of(c), c))
            continue
        title, tags, body, lang = text
        out.append((score_of(c) * factor(word_terms.get(lang, ()), title, tags, body, lang, memos.get(lang)), c))
    out.sort(key=lambda f: -f[0])
    return out
