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

from whoosh import highlight, index
from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema
from whoosh.qparser import QueryParser  # noqa: F401  (kept out on purpose: we build queries)
from whoosh.query import And, FuzzyTerm, Or, Term
from whoosh.searching import Searcher

from helpdesk.search import analysis
from helpdesk.search.backends.base import (
    SearchBackend,
    SearchDocument,
    SearchHit,
    SearchQuery,
    SearchResults,
)

log = logging.getLogger(__name__)
LANGS = ("sv", "en")
# Field boosts: a match in the title counts most, then the tags, then the text.
BOOSTS = {"title": 3.0, "body": 1.0}  # tags are indexed with the title
# A compound part or synonym found in more than this share of documents adds little to the
# ranking and much to the work; it is left out of the query (the whole word never is).
COMMON_SHARE = 0.2


class ExpandFilter(Filter):
    """Normalise each word and add its compound parts at the same position."""

    def __init__(self, lang: str = "sv"):
        self.lang = lang

    def __eq__(self, other):
        return type(other) is type(self) and other.lang == self.lang

    def __call__(self, tokens):
        lang = self.lang
        for t in tokens:
            forms = analysis.expand_word(t.text, lang)
            t.text = forms[0]
            yield t
            for extra in forms[1:]:
                c = t.copy()
                c.text = extra
                yield c


def make_analyzer(lang: str):
    return (RegexTokenizer(r"\w+") | LowercaseFilter() | ExpandFilter(lang)
            | StopFilter(lang=lang) | StemFilter(lang=lang, cachesize=100_000))


ANALYZERS = {lang: make_analyzer(lang) for lang in LANGS}


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
        fields[f"title_{lang}"] = TEXT(analyzer=a, phrase=False)
        fields[f"body_{lang}"] = TEXT(analyzer=a, phrase=False)
    return Schema(**fields)


class _Marker(highlight.Formatter):
    """Marks matches with \\x02...\\x03; snippet_html escapes and turns them into <mark>."""

    between = " … "

    def format_token(self, text, token, replace=False):
        return analysis.HL_START + highlight.get_text(text, token, replace) + analysis.HL_END

    def format_fragment(self, fragment, replace=False):
        output = []
        index_ = fragment.startchar
        text = fragment.text
        for t in fragment.matches:
            if t.startchar < index_:
                continue
            output.append(text[index_:t.startchar])
            output.append(self.format_token(text, t, replace))
            index_ = t.endchar
        output.append(text[index_:fragment.endchar])
        return "".join(output)


class _Or(Or):
    matcher_type = Or.ARRAY_MATCHER


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

    def __init__(self, root: str | os.PathLike, procs: int = 1):
        self.root = Path(root)
        self.procs = procs
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
            for ix in ixs.values():
                ix.doc_count()
            return True
        except Exception:  # a corrupt or half-deleted index is "not ready", never a crash
            self._ix = None
            return False

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
        ixs = self._open()
        if ixs is None:
            raise RuntimeError("the search index does not exist yet")
        work: dict[str, tuple[list, list]] = {p: ([], []) for p in PARTITIONS}
        for key in deleted:
            work[partition_of(key.split(":", 1)[0])][0].append(key)
        for doc in docs:
            work[partition_of(doc.kind)][1].append(doc)
        for part, (keys, part_docs) in work.items():
            if not keys and not part_docs:
                continue
            writer = ixs[part].writer(timeout=30, limitmb=128)
            try:
                for key in keys:
                    writer.delete_by_term("key", key)
                for doc in part_docs:
                    writer.update_document(**_doc_fields(doc))
            except Exception:
                writer.cancel()
                raise
            writer.commit()

    def rebuild(self, docs: Iterable[SearchDocument], procs: int | None = None) -> int:
        procs = procs or self.procs
        self.root.mkdir(parents=True, exist_ok=True)
        new = self.root / f"gen-{time.time_ns()}"
        writers = {}
        kwargs = {"limitmb": 256}
        if procs > 1:
            kwargs.update(procs=procs, multisegment=True)
        n = 0
        try:
            for part in PARTITIONS:
                (new / part).mkdir(parents=True)
                writers[part] = index.create_in(str(new / part), make_schema()).writer(**kwargs)
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
            shutil.rmtree(new, ignore_errors=True)
            raise
        self._swap(new)
        return n

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
    def _word_query(self, reader, word: str, langs: tuple[str, ...]):
        clauses = []
        common = max(50, int(reader.doc_count() * COMMON_SHARE))
        for lang in langs:
            analyzer = ANALYZERS[lang]
            seen: set[str] = set()
            forms = [word, *analysis.synonyms(word, lang)]
            for i, form in enumerate(forms):
                for j, term in enumerate(t.text for t in analyzer(form, mode="query")):
                    if term in seen:
                        continue
                    seen.add(term)
                    main = i == 0 and j == 0
                    # The whole word counts fully; compound parts and synonyms less.
                    weight = 1.0 if main else 0.45
                    known = False
                    for fld, boost in BOOSTS.items():
                        name = f"{fld}_{lang}"
                        df = reader.doc_frequency(name, term)
                        if df and (main or df <= common):
                            clauses.append(Term(name, term, boost=boost * weight))
                        known = known or df > 0
                    if not known and main and len(term) >= 4:
                        # A word nobody wrote is probably a typo: allow one edit.
                        for fld, boost in BOOSTS.items():
                            clauses.append(FuzzyTerm(f"{fld}_{lang}", term, boost=boost * 0.6,
                                                     maxdist=1, prefixlength=1))
        return _Or(clauses) if clauses else None

    def search(self, query: SearchQuery) -> SearchResults:
        if self._open() is None:
            return SearchResults([], 0, state="rebuilding")
        parts = [p for p in PARTITIONS if not query.kinds or any(partition_of(k) == p for k in query.kinds)]
        langs = (query.lang,) if query.lang in LANGS else LANGS
        stop = set()
        for lang in langs:
            stop |= set(StopFilter(lang=lang).stops)
        qwords = [w for w in analysis.words(query.text) if w not in stop][: analysis.MAX_QUERY_WORDS]
        if not qwords:
            qwords = analysis.words(query.text)[: analysis.MAX_QUERY_WORDS]
        # One more than the page, to know whether there is a next page without counting
        # every match (an exact count costs more than the search on a large index).
        wanted = query.offset + query.limit + 1
        found = []
        for part in parts:
            searcher = self._searcher(part)
            allowed = self._allowed_docs(searcher, query, part)
            if not allowed:
                continue
            clauses = [q for q in (self._word_query(searcher.reader(), w, langs) for w in qwords) if q]
            if not clauses:
                continue
            results = searcher.search(_Or(clauses), limit=wanted, filter=allowed)
            results.fragmenter = highlight.ContextFragmenter(maxchars=220, surround=60)
            results.formatter = _Marker()
            found.extend(results[:wanted])
        # Several sub-indexes: merge by score (BM25 on each; close enough to compare).
        found.sort(key=lambda h: -h.score)
        page_hits = found[query.offset:query.offset + query.limit]
        has_more = len(found) > query.offset + query.limit
        hits = []
        for hit in page_hits:
            lang = hit["language"]
            snippet = ""
            try:
                snippet = hit.highlights(f"body_{lang}", text=hit["body"], top=2)
            except Exception:  # a highlight problem must never cost the answer
                log.warning("search: highlighting failed for %s", hit["key"])
            if not snippet:
                snippet = hit["body"][:200] + ("…" if len(hit["body"]) > 200 else "")
            hits.append(SearchHit(kind=hit["kind"], object_id=hit["object_id"], title=hit["title"],
                                  url=hit["url"], snippet=analysis.snippet_html(snippet),
                                  score=round(float(hit.score), 4), language=lang,
                                  audience=hit.get("audience", ""),
                                  tags=[t for t in hit.get("tags", "").split(",") if t]))
        total = query.offset + len(hits) + (1 if has_more else 0)
        suggestion = self.suggest(query.text, query.lang)
        return SearchResults(hits, total, suggestion=suggestion, exact=not has_more)

    def _allowed_docs(self, searcher: Searcher, query: SearchQuery, part: str = "articles") -> set[int]:
        """The documents this reader may see under these filters, as a set of document
        numbers, cached per searcher: readers of one role share it, so the filter costs
        nothing on later searches."""
        key = (frozenset(query.access), frozenset(query.exclude), query.lang, query.kinds,
               query.audience, query.tag)
        caches = getattr(self._local, "filters", None)
        if caches is None:
            caches = self._local.filters = {}
        cache = caches.get(part)
        if cache is None or cache[0] is not searcher:  # a refreshed searcher: new documents
            cache = caches[part] = (searcher, {})
        found = cache[1].get(key)
        if found is not None:
            return found
        filters = [Or([Term("access", t) for t in sorted(query.access)] or [Term("access", "-")])]
        if query.lang in LANGS:
            filters.append(Term("language", query.lang))
        if query.kinds:
            filters.append(Or([Term("kind", k) for k in query.kinds]))
        if query.audience:
            filters.append(Term("audience", query.audience))
        if query.tag:
            filters.append(Term("tags", query.tag.lower()))
        allowed = set(searcher.docs_for_query(And(filters)))
        if query.exclude:
            allowed -= set(searcher.docs_for_query(Or([Term("exclude", t) for t in sorted(query.exclude)])))
        if len(cache[1]) >= 32:
            cache[1].pop(next(iter(cache[1])))
        cache[1][key] = allowed
        return allowed

    def suggest(self, text: str, lang: str | None, searcher: Searcher | None = None) -> str | None:
        # Suggestions come from the public help text, which is in the articles' index.
        searcher = searcher or self._searcher("articles")
        if searcher is None:
            return None
        reader = searcher.reader()
        try:
            corrector = searcher.corrector("words")
        except Exception:
            return None
        changed = False
        out = []
        for w in analysis.words(text)[: analysis.MAX_QUERY_WORDS]:
            if len(w) >= 4 and not w.isdigit() and reader.doc_frequency("words", w) == 0:
                found = corrector.suggest(w, limit=1, maxdist=2, prefix=1)
                if found and found[0] != w:
                    out.append(found[0])
                    changed = True
                    continue
            out.append(w)
        return " ".join(out) if changed else None
