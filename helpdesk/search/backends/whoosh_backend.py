"""The embedded backend: a Whoosh index in SEARCH_INDEX_DIR.

Whoosh is no longer maintained upstream, so it stays behind the SearchBackend interface.
The index directory holds generations (`gen-<n>/`) and a CURRENT file naming the live one;
a rebuild writes a new generation beside the live one and swaps CURRENT atomically, so
searchers never see a half-built index. Only one process writes (the indexer holds the
database lease in services), and searchers refresh to see new segments.
"""
from __future__ import annotations

import gc
import logging
import os
import shutil
import threading
import time
import warnings
from collections.abc import Iterable
from pathlib import Path

import numpy as np
from whoosh import index
from whoosh.analysis import (
    LowercaseFilter,
    RegexTokenizer,
    Token,
    Tokenizer,
)
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema
from whoosh.searching import Searcher

from helpdesk.search import analysis, rerank
from helpdesk.search.backends.base import (
    ARTICLE_WEIGHT,
    AUDIENCE_WEIGHT,
    SearchBackend,
    SearchDocument,
    SearchHit,
    SearchQuery,
    SearchResults,
)
from helpdesk.search.backends.kept_results import KeptResults, query_key
from helpdesk.search.backends.whoosh_ranking import PostingCache, Ranker, WeightedTerm
from helpdesk.search.backends.whoosh_spelling import Deletions, near_words
from helpdesk.search.backends.whoosh_writer import AnalysedText, BuildWriter
from helpdesk.search.rerank import STOPS, index_terms
from helpdesk.search.snippets import snippet

log = logging.getLogger(__name__)
LANGS = ("sv", "en")
# Field boosts: a match in the title counts most, then the tags, then the text.
BOOSTS = {"title": 3.0, "body": 1.0}  # tags are indexed with the title
# A compound part or synonym found in more than this share of documents adds little to the
# ranking and much to the work; it is left out of the query (the whole word never is).
COMMON_SHARE = 0.2
# BM25's length normalisation (B) for the title field, which holds the title and the tags:
# 0.3, where the text keeps Whoosh's 0.75. Normalisation is for verbose texts that repeat
# their words; a title and a keyword list name their subject, and an article with more tags
# (more of the readers' words for it) must not count as much less about each of them. With
# 0.75 on the big corpus, look-alikes with three tags outranked the answers that list ten
# (judged set top-3 80% → 89%); with none, the title's length said nothing at all and a
# long title that repeats the question lost to shorter ones ("kan jag ta bort en elev").
FIELD_B = {f"title_{lang}": 0.3 for lang in LANGS}



class HelpdeskAnalyzer(Tokenizer):
    """Words, lowercased, normalised with their compound parts beside them, stop words out,
    stemmed: one pass with a cache per word. The same terms as the Whoosh chain
    RegexTokenizer | LowercaseFilter | (expand) | StopFilter | StemFilter would give, in a
    quarter of the time, which is most of what indexing costs."""

    def __init__(self, lang: str = "sv"):
        self.lang = lang

    def __eq__(self, other):
        return type(other) is type(self) and other.lang == self.lang

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        lang = self.lang
        for pos, match in enumerate(analysis.WORD.finditer(value), start_pos):
            for term in index_terms(match.group().lower(), lang):
                token.text = term
                token.boost = 1.0
                if positions:
                    token.pos = pos
                if chars:
                    token.startchar = start_char + match.start()
                    token.endchar = start_char + match.end()
                yield token

    def term_counts(self, value: str) -> dict[str, int]:
        """Each index term of `value` and how often it occurs: what the tokens above add
        up to, without a token object per word (see whoosh_writer.AnalysedText)."""
        counts: dict[str, int] = {}
        get, lang = counts.get, self.lang
        for word in analysis.WORD.findall(value):
            for term in index_terms(word.lower(), lang):
                counts[term] = get(term, 0) + 1
        return counts


ANALYZERS = {lang: HelpdeskAnalyzer(lang) for lang in LANGS}


def make_schema() -> Schema:
    fields = dict(
        key=ID(unique=True, stored=True),
        kind=ID(stored=True),
        object_id=STORED,
        language=ID(stored=True),
        audience=ID(stored=True),
        tags=KEYWORD(stored=True, commas=True, lowercase=True),
        access=KEYWORD,
        exclude=KEYWORD,
        title=STORED,
        body=STORED,
        url=STORED,
        words=TEXT(analyzer=RegexTokenizer(r"\w+") | LowercaseFilter(), phrase=False),
    )
    for lang in LANGS:
        a = ANALYZERS[lang]
        fields[f"title_{lang}"] = AnalysedText(analyzer=a, phrase=False)
        fields[f"body_{lang}"] = AnalysedText(analyzer=a, phrase=False)
    return Schema(**fields)


def _doc_fields(doc: SearchDocument) -> dict:
    lang = doc.language if doc.language in LANGS else "sv"
    tags_text = " ".join(doc.tags)
    fields = {
        "key": doc.key, "kind": doc.kind, "object_id": doc.object_id, "language": lang,
        "audience": doc.audience or "", "tags": ",".join(t.lower() for t in doc.tags),
        "access": " ".join(sorted(doc.access)) or "none", "exclude": " ".join(sorted(doc.exclude)),
        "title": doc.title, "body": doc.body, "url": doc.url,
        f"title_{lang}": f"{doc.title} {tags_text}", f"body_{lang}": doc.body,
    }
    if doc.public_words:
        fields["words"] = f"{doc.title} {tags_text} {doc.body}"
    return fields


# Articles and everything else (tickets, threads) live in separate sub-indexes of one
# generation: most searches (the public one, suggestions while a ticket is written) look
# for articles only and should not walk the postings of a hundred thousand tickets.
PARTITIONS = ("articles", "other")


def partition_of(kind: str) -> str:
    return "articles" if kind == "article" else "other"


class WhooshBackend(SearchBackend):
    name = "whoosh"
    # Documents per rebuild batch: each batch is a segment (see add_to_build), and a search
    # pays for every segment it reads: over 100,000 tickets in 21 segments a central
    # reader's search took 29 ms of CPU (median), in 6 or in one 19 ms. Tickets and threads,
    # shorter than articles, come 20,000 a batch.
    build_batch = 5000

    def build_batch_for(self, kind: str) -> int:
        return self.build_batch if partition_of(kind) == "articles" else 4 * self.build_batch

    def __init__(self, root: str | os.PathLike, procs: int = 1, cache_postings: int = 2_000_000,
                 kept_answers: int = 256):
        self.root = Path(root)
        self.kept = KeptResults(kept_answers)
        self.procs = procs
        # Decoded posting lists, shared by the threads of this process (see whoosh_ranking).
        self._postings = PostingCache(cache_postings)
        self._local = threading.local()
        self._ix: dict | None = None
        self._ix_gen = None

    # -- the live generation ------------------------------------------------------------
    def _current_path(self) -> Path | None:
        try:
            name = (self.root / "CURRENT").read_text().strip()
        except OSError:
            return None
        path = self.root / name
        return path if name.startswith("gen-") and path.is_dir() else None

    def _open(self) -> dict | None:
        path = self._current_path()
        if path is None:
            return None
        if self._ix is None or self._ix_gen != path.name:
            self._ix = {part: index.open_dir(str(path / part)) for part in PARTITIONS}
            self._ix_gen = path.name
        return self._ix

    def ready(self) -> bool:
        # Whoosh leaves a file open when it cannot read an index; it is closed as the
        # failed attempt is dropped, here, without the ResourceWarning that would follow.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            ok = self._try_open()
            if not ok:
                gc.collect()
        return ok

    def _try_open(self) -> bool:
        try:
            ixs = self._open()
            if ixs is None:
                return False
            # Through this thread's searchers: opening a fresh reader for the check would
            # cost more than the search itself.
            for part in ixs:
                self._searcher(part).doc_count()
            return True
        except Exception:  # a corrupt or half-deleted index is "not ready", never a crash
            self._ix = None
            self._local.__dict__.clear()
            return False

    def quick_ready(self) -> bool:
        # As in check(): an index not built yet is fine (search says so until the indexer
        # has built it); one that is there but unreadable is not.
        return self.ready() or self._current_path() is None

    def check(self) -> dict:
        if self.ready():
            return {"ok": True, "backend": self.name, "state": "ready", "documents": self.count()}
        if self._current_path() is None:
            # Not built yet (a fresh install): the indexer builds it; search says so meanwhile.
            return {"ok": True, "backend": self.name, "state": "not built yet", "documents": 0}
        return {"ok": False, "backend": self.name, "state": "unreadable; the indexer rebuilds it",
                "documents": 0}

    def count(self) -> int:
        ixs = self._open()
        return sum(ix.doc_count() for ix in ixs.values()) if ixs is not None else 0

    def _searcher(self, part: str = "articles") -> Searcher | None:
        ixs = self._open()
        if ixs is None:
            return None
        cache = getattr(self._local, "searchers", None)
        if cache is None or getattr(self._local, "gen", None) != self._ix_gen:
            for old in (cache or {}).values():
                old.close()
            cache = self._local.searchers = {}
            self._local.gen = self._ix_gen
        if part in cache:
            cache[part] = cache[part].refresh()
        else:
            cache[part] = ixs[part].searcher()
        return cache[part]

    # -- writing ------------------------------------------------------------------------
    def update(self, docs: Iterable[SearchDocument], deleted: Iterable[str]) -> None:
        path = self._current_path()
        if path is None:
            raise RuntimeError("the search index does not exist yet")
        self._write(path, docs, deleted, True)

    def rebuild(self, docs: Iterable[SearchDocument], procs: int | None = None) -> int:
        """In one go, with one writer per sub-index (and `procs` processes each)."""
        procs = procs or self.procs
        build = self.begin_build()
        new = self.root / build
        writers = {}
        kwargs = {"limitmb": 256}
        if procs > 1:
            kwargs.update(procs=procs, multisegment=True)
        n = 0
        try:
            for part in PARTITIONS:
                ix = index.open_dir(str(new / part))
                writers[part] = ix.writer(**kwargs) if procs > 1 else BuildWriter(ix, **kwargs)
            for doc in docs:
                writers[partition_of(doc.kind)].add_document(**_doc_fields(doc))
                n += 1
            for writer in writers.values():
                writer.commit()
        except Exception:
            for writer in writers.values():
                try:
                    writer.cancel()
                except Exception:
                    pass
            self.discard_build(build)
            raise
        self.finish_build(build)
        return n

    # A build is a directory `build-<n>/` beside the generations; finishing renames it to
    # `gen-<n>/` and swaps CURRENT, so a half-built one is never read or cleaned up by _swap.
    def begin_build(self) -> str:
        self.root.mkdir(parents=True, exist_ok=True)
        build = f"build-{time.time_ns()}"
        for part in PARTITIONS:
            (self.root / build / part).mkdir(parents=True)
            index.create_in(str(self.root / build / part), make_schema())
        return build

    def _build_path(self, build: str) -> Path:
        path = self.root / build
        if not build.startswith("build-") or not path.is_dir():
            raise RuntimeError(f"the search index build {build!r} is gone")
        return path

    def _write(self, path: Path, docs: Iterable[SearchDocument], deleted: Iterable[str],
               replace: bool, merge: bool = True, limitmb: int = 128) -> None:
        work: dict[str, tuple[list, list]] = {p: ([], []) for p in PARTITIONS}
        for key in deleted:
            work[partition_of(key.split(":", 1)[0])][0].append(key)
        for doc in docs:
            work[partition_of(doc.kind)][1].append(doc)
        for part, (keys, part_docs) in work.items():
            if not keys and not part_docs:
                continue
            writer = BuildWriter(index.open_dir(str(path / part)), timeout=30, limitmb=limitmb)
            try:
                for key in keys:
                    writer.delete_by_term("key", key)
                add = writer.update_document if replace else writer.add_document
                for doc in part_docs:
                    add(**_doc_fields(doc))
            except Exception:
                writer.cancel()
                raise
            writer.commit(merge=merge)

    def add_to_build(self, build: str, docs: list[SearchDocument], replace: bool = False) -> None:
        # A segment per batch, never merged: merging would rewrite the same postings again.
        # The postings of a batch of 5,000 articles (about 1.2 million) fit in the writer's
        # memory (256 MB by Whoosh's estimate): spilled to temporary files in sorted runs and
        # merged back, they cost a tenth of the reindex more.
        self._write(self._build_path(build), docs, (), replace, merge=False, limitmb=256)

    def update_build(self, build: str, docs: list[SearchDocument], deleted: list[str]) -> None:
        self._write(self._build_path(build), docs, deleted, True)

    def finish_build(self, build: str) -> None:
        # The batches' segments are kept as they are: merging them into one rewrote every
        # posting again (half of a full reindex's time), and the ranking reads a few
        # segments (a decoded posting list each, cached) at about the same cost as one.
        path = self._build_path(build)
        new = self.root / build.replace("build-", "gen-", 1)
        os.replace(path, new)
        self._swap(new)

    def has_build(self, build: str) -> bool:
        return build.startswith("build-") and all((self.root / build / p).is_dir() for p in PARTITIONS)

    def discard_build(self, build: str) -> None:
        if build.startswith("build-"):
            shutil.rmtree(self.root / build, ignore_errors=True)

    def _swap(self, new: Path) -> None:
        old = self._current_path()
        tmp = self.root / "CURRENT.tmp"
        tmp.write_text(new.name)
        os.replace(tmp, self.root / "CURRENT")
        # The generation before the old one is no longer read by anybody; the old one is
        # kept for searchers that still have it open and removed at the next swap.
        for path in self.root.glob("gen-*"):
            if path not in (new, old):
                shutil.rmtree(path, ignore_errors=True)
        for stray in self.root.iterdir():
            if stray.is_file() and stray.name not in ("CURRENT",):
                stray.unlink(missing_ok=True)

    # -- reading ------------------------------------------------------------------------
    def _ranker(self, part: str) -> Ranker:
        searcher = self._searcher(part)
        rankers = getattr(self._local, "rankers", None)
        if rankers is None:
            rankers = self._local.rankers = {}
        found = rankers.get(part)
        if found is None or found.searcher is not searcher:  # refreshed: new segments
            found = rankers[part] = Ranker(searcher, self._postings, f"{self._ix_gen}/{part}", FIELD_B)
        return found

    def _word_terms(self, searcher: Searcher, word: str, langs: tuple[str, ...],
                    extra: dict | None = None, position: int = 0) -> list[WeightedTerm]:
        """The index terms one query word looks for, each with its weight."""
        reader = searcher.reader()
        terms = []
        common = max(50, int(reader.doc_count() * COMMON_SHARE))
        for lang in langs:
            seen: set[str] = set()
            forms = [word, *analysis.synonyms(word, lang, extra)]
            for i, form in enumerate(forms):
                for j, term in enumerate(t.text for t in ANALYZERS[lang](form, mode="query")):
                    if term in seen:
                        continue
                    seen.add(term)
                    main = i == 0 and j == 0
                    # The whole word counts fully; compound parts and synonyms less.
                    weight = 1.0 if main else 0.45
                    for fld, boost in BOOSTS.items():
                        name = f"{fld}_{lang}"
                        df = reader.doc_frequency(name, term)
                        if df and (main or df <= common):
                            terms.append(WeightedTerm(name, term, boost * weight, position))
                    if main and len(term) >= 4:
                        for name, near in self._typo_neighbours(term, lang):
                            if near not in seen:
                                terms.append(WeightedTerm(name, near, BOOSTS[name.rsplit("_", 1)[0]] * 0.6, position))
        return terms

    def _typo_neighbours(self, term: str, lang: str) -> tuple[tuple[str, str], ...]:
        """For a term the help articles never use: the article terms one edit away (a swap
        of two letters included, "lösenrod"; Whoosh counts a swap as two), as (field, term).
        Asked of the articles' index only, whatever partition is searched: a word a ticket
        happens to hold ("Klas", a name) is no reason to leave "byta namn på klas"
        uncorrected, the help text's vocabulary is small to walk, and a correction never
        comes from a private ticket's words. Kept per generation."""
        cache = self._local.__dict__.setdefault("typos", {})
        key = (self._ix_gen, lang, term)
        if key in cache:
            return cache[key]
        articles = self._searcher("articles")
        reader = articles.reader()
        found: list[tuple[str, str]] = []
        if not any(reader.doc_frequency(f"{fld}_{lang}", term) for fld in BOOSTS):
            for fld in BOOSTS:
                name = f"{fld}_{lang}"
                near = self._deletions(articles, name).near(term)
                found.extend((name, w) for w in sorted(near) if analysis.edit_distance(term, w, 1) <= 1)
        if len(cache) >= 5000:
            cache.clear()
        cache[key] = tuple(found)
        return cache[key]

    def _deletions(self, articles: Searcher, field: str) -> "Deletions":
        """The articles' terms of `field` by their one-letter deletions, kept while this
        thread's articles searcher is the same (a refresh after a change makes a new one)."""
        held = self._local.__dict__.setdefault("deletions", {})
        found = held.get(field)
        if found is None or found[0] is not articles:
            found = held[field] = (articles, Deletions(articles.reader().field_terms(field)))
        return found[1]

    def search(self, query: SearchQuery) -> SearchResults:
        if self._open() is None:
            return SearchResults([], 0, state="rebuilding")
        if self.kept.size <= 0:
            return self._search(query)
        # The generation after refreshing (new segments or deletions move it): an answer kept
        # under it is what searching again would find (kept_results.py).
        key = (self._ix_gen, tuple(self._searcher(p).reader().generation() for p in PARTITIONS), query_key(query))
        found = self.kept.get(key)
        if found is None:
            found = self._search(query)
            self.kept.put(key, found)
        return found

    def _search(self, query: SearchQuery) -> SearchResults:
        parts = [p for p in PARTITIONS if not query.kinds or any(partition_of(k) == p for k in query.kinds)]
        langs = (query.lang,) if query.lang in LANGS else LANGS
        stop = set().union(*(STOPS[lang] for lang in langs))
        qwords = [w for w in analysis.words(query.text) if w not in stop][: analysis.MAX_QUERY_WORDS]
        if not qwords:
            qwords = analysis.words(query.text)[: analysis.MAX_QUERY_WORDS]
        wanted = query.offset + query.limit
        candidates = max(wanted, rerank.CANDIDATES)
        found, total = [], 0
        marked: dict[str, set[str]] = {}  # per language, the terms a snippet marks
        # Per language, the index terms of each query word (for the second look).
        by_word: dict[str, list[set[str]]] = {lang: [set() for _ in qwords] for lang in langs}
        searchers = {}
        for part in parts:
            ranker = self._ranker(part)
            searchers[part] = ranker.searcher
            allowed = self._allowed(ranker, query)
            if not allowed.any():
                continue
            terms = [t for i, w in enumerate(qwords)
                     for t in self._word_terms(ranker.searcher, w, langs, query.synonyms, i)]
            for term in terms:
                lang = term.field.rsplit("_", 1)[1]
                marked.setdefault(lang, set()).add(term.text)
                by_word[lang][term.word].add(term.text)
            top, count = ranker.top(terms, allowed, candidates, self._weights(ranker, part, query))
            total += count
            # Only articles are read now (for the second look); the rest only if they make
            # the page (a ticket's stored fields were a good part of a search's time).
            found.extend((score, part, docnum, ranker.searcher.stored_fields(docnum) if part == "articles" else None)
                         for docnum, score in top)
        # Several sub-indexes: merge by score (BM25 on each; close enough to compare), after
        # the second look at how each candidate says it (rerank).
        ranked = rerank.rerank(found, lambda f: f[0], lambda f: _text_of(f[3]) if f[3] is not None else None,
                               {lang: [frozenset(t) for t in words] for lang, words in by_word.items()})
        hits = [self._hit(stored if stored is not None else searchers[part].stored_fields(docnum),
                          score, marked)
                for score, (_, part, docnum, stored) in ranked[query.offset:wanted]]
        return SearchResults(hits, total, suggestion=self.suggest(query.text, query.lang) if query.spell else None)

    def _hit(self, stored: dict, score: float, marked: dict[str, set[str]]) -> SearchHit:
        lang = stored["language"]
        return SearchHit(kind=stored["kind"], object_id=stored["object_id"], title=stored["title"],
                         url=stored["url"], snippet=snippet(stored["body"], marked.get(lang, set()), lang),
                         score=round(score, 4), language=lang, audience=stored.get("audience", ""),
                         tags=[t for t in stored.get("tags", "").split(",") if t])

    def _weights(self, ranker: Ranker, part: str, query: SearchQuery):
        """What each document's score is multiplied by (base.ARTICLE_WEIGHT, AUDIENCE_WEIGHT):
        one number for tickets and threads, an array for articles when the reader's role has
        articles of its own (kept with the masks)."""
        if part != "articles":
            return None
        if not query.prefer_audiences:
            return ARTICLE_WEIGHT
        key = ("weights", query.prefer_audiences)
        found = ranker.masks.get(key)
        if found is None:
            preferred = ranker.mask([("audience", a) for a in query.prefer_audiences])
            found = np.where(preferred, ARTICLE_WEIGHT * AUDIENCE_WEIGHT, ARTICLE_WEIGHT).astype(np.float32)
            if len(ranker.masks) >= 32:
                ranker.masks.pop(next(iter(ranker.masks)))
            ranker.masks[key] = found
        return found

    def _allowed(self, ranker: Ranker, query: SearchQuery):
        """The documents this reader may see under these filters, as a mask (kept by the
        Ranker until the index changes)."""
        key = (frozenset(query.access), frozenset(query.exclude), query.lang, query.kinds,
               query.audience, query.tag)
        found = ranker.masks.get(key)
        if found is None:
            groups = []
            if query.lang in LANGS:
                groups.append([("language", query.lang)])
            if query.kinds:
                groups.append([("kind", k) for k in query.kinds])
            if query.audience:
                groups.append([("audience", query.audience)])
            if query.tag:
                groups.append([("tags", query.tag.lower())])
            found = ranker.mask([("access", t) for t in sorted(query.access)], groups,
                                [("exclude", t) for t in sorted(query.exclude)])
            if len(ranker.masks) >= 32:
                ranker.masks.pop(next(iter(ranker.masks)))
            ranker.masks[key] = found
        return found

    def suggest(self, text: str, lang: str | None, searcher: Searcher | None = None) -> str | None:
        # Suggestions come from the public help text, which is in the articles' index.
        searcher = searcher or self._searcher("articles")
        if searcher is None:
            return None
        reader = searcher.reader()
        changed = False
        out = []
        # Corrections already worked out, per generation like the typo neighbours.
        known = self._local.__dict__.setdefault("spelling", {})
        if len(known) >= 5000:
            known.clear()
        for w in analysis.words(text)[: analysis.MAX_QUERY_WORDS]:
            if len(w) >= 4 and not w.isdigit() and reader.doc_frequency("words", w) == 0:
                # The nearest known word (a swapped pair of letters is one edit, which the
                # index's own corrector counts as two); of equally near ones the most used.
                key = (self._ix_gen, w)
                if key not in known:
                    known[key] = analysis.closest(w, near_words(searcher, "words", w, 2),
                                                  lambda c: reader.doc_frequency("words", c))
                near = known[key]
                if near:
                    out.append(near)
                    changed = True
                    continue
            out.append(w)
        return " ".join(out) if changed else None


def _text_of(stored: dict) -> tuple[str, str, str, str] | None:
    if stored["kind"] != "article":
        return None
    return stored["title"], stored.get("tags", "").replace(",", " . "), stored["body"], stored["language"]
