"""PostgreSQL full-text search: one index every app server shares.

Documents live in `search_entry` with a weighted tsvector (title A, tags B, text D) built
with the `swedish` or `english` configuration from text that has already been through
analysis.expand_text (normalised words and compound parts), under a GIN index. Typos are
met with pg_trgm similarity against `search_word` (words from public help text only, so a
suggestion never reveals a private ticket); without pg_trgm, no typo tolerance.
The backend works in the caller's transaction: the indexer's commit makes the documents
and the drained outbox rows final together. A rebuild fills shadow tables batch by batch
and swaps them in at the end (postgres_writer), so readers see the old documents until the
new ones are all there.
"""
from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterable

from sqlalchemy import bindparam, func, select, text

from helpdesk.extensions import db
from helpdesk.search import analysis, rerank
from helpdesk.search.backends import postgres_writer
from helpdesk.search.backends.base import (
    ARTICLE_WEIGHT,
    AUDIENCE_WEIGHT,
    SearchBackend,
    SearchDocument,
    SearchHit,
    SearchQuery,
    SearchResults,
)
from helpdesk.search.models import SearchEntry, SearchWord

log = logging.getLogger(__name__)
CONFIGS = {"sv": "swedish", "en": "english"}
_SAFE = re.compile(r"^\w+$", re.UNICODE)
_SV_STOP = {"och", "att", "det", "som", "en", "ett", "på", "är", "av", "för", "med", "till",
            "den", "har", "de", "inte", "om", "så", "kan", "jag", "hur", "vad", "när", "vem",
            "man", "min", "mitt", "mina", "i", "du", "vi", "ska", "jag"}
_EN_STOP = {"the", "a", "an", "and", "or", "to", "of", "in", "is", "do", "i", "my", "how",
            "can", "who", "what", "when", "will", "for", "with", "on", "it", "be", "without"}


class PostgresBackend(SearchBackend):
    name = "postgres"

    def __init__(self):
        self._trgm: bool | None = None

    def prepare(self) -> None:
        """Enable pg_trgm when we may (the first run as a superuser does it)."""
        try:
            with db.session.begin_nested():
                db.session.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
                db.session.execute(text(
                    "CREATE INDEX IF NOT EXISTS ix_search_word_trgm ON search_word "
                    "USING gin (word gin_trgm_ops)"))
            self._trgm = True
        except Exception as exc:
            log.warning("search: pg_trgm is not available (%s); no typo tolerance", type(exc).__name__)
            self._trgm = False

    def _has_trgm(self) -> bool:
        if self._trgm is None:
            self._trgm = bool(db.session.scalar(text(
                "SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm'")))
        return self._trgm

    def ready(self) -> bool:
        # One row at most: counting every document cost more than a search (70 ms over
        # 110,000), and every search asks this first.
        try:
            with db.session.begin_nested():
                db.session.execute(select(SearchEntry.id).limit(1))
            return True
        except Exception:
            return False

    def check(self) -> dict:
        ok = self.ready()
        return {"ok": ok, "backend": self.name, "state": "ready" if ok else "not migrated",
                "documents": self.count() if ok else 0}

    def count(self) -> int:
        return db.session.scalar(select(func.count(SearchEntry.id))) or 0

    # -- writing (postgres_writer: batched statements, builds in shadow tables) ----------
    def update(self, docs: Iterable[SearchDocument], deleted: Iterable[str]) -> None:
        postgres_writer.replace(list(docs), list(deleted))

    def begin_build(self) -> str:
        build = f"b{time.time_ns() // 1000}"
        postgres_writer.begin(build)
        return build

    def add_to_build(self, build: str, docs: list[SearchDocument], replace: bool = False) -> None:
        if replace:
            postgres_writer.replace(docs, [], build)
        else:
            postgres_writer.insert(docs, build)

    def update_build(self, build: str, docs: list[SearchDocument], deleted: list[str]) -> None:
        postgres_writer.replace(docs, deleted, build)

    def finish_build(self, build: str) -> None:
        postgres_writer.finish(build)

    def has_build(self, build: str) -> bool:
        return postgres_writer.exists(build)

    def discard_build(self, build: str) -> None:
        postgres_writer.discard(build)

    # -- reading ------------------------------------------------------------------------
    def _nearest(self, word: str, lang: str | None = None) -> str | None:
        """The closest public word (analysis.closest), or None."""
        if not self._has_trgm():
            return None
        candidates = db.session.scalars(
            text("SELECT word FROM search_word WHERE similarity(word, :w) > 0.3 "
                 "ORDER BY similarity(word, :w) DESC, word LIMIT 12"), {"w": word}).all()
        cfg = CONFIGS.get(lang or "sv", "swedish")

        def uses(candidate: str) -> int:
            # In how many help articles (counted up to 200: enough to tell words apart).
            return db.session.scalar(text(
                f"SELECT count(*) FROM (SELECT 1 FROM search_entry WHERE kind = 'article' "
                f"AND tsv @@ plainto_tsquery('{cfg}', :w) LIMIT 200) s"), {"w": candidate}) or 0

        return analysis.closest(word, candidates, uses)

    def _correction(self, word: str, lang: str | None, memo: dict) -> str | None:
        """The public word a misspelt query word stands for, or None. A word counts as
        misspelt when no public help text uses it, whether or not a ticket does: a name in
        a ticket ("Klas") must not keep "byta namn på klas" from finding the article, and
        whether a private ticket holds a word must not show in the suggestions either.
        `memo` keeps the answers for one search (its query and its "did you mean")."""
        if len(word) < 4 or word.isdigit():
            return None
        if (word, lang) not in memo:
            public = db.session.scalar(select(SearchWord.id).where(SearchWord.word == word))
            memo[word, lang] = None if public else self._nearest(word, lang)
        return memo[word, lang]

    def _tsquery(self, qwords: list[str], lang: str, extra: dict | None = None,
                 memo: dict | None = None) -> list[tuple[str, list[str]]]:
        """One tsquery group a query word, with the forms it holds: the word's forms,
        compound parts, synonyms and typo neighbour, any of which matches it."""
        groups = []
        for w in qwords:
            forms = list(analysis.expand_word(w, lang)) + list(analysis.synonyms(w, lang, extra))
            near = self._correction(w, lang, memo if memo is not None else {})
            if near:
                forms.extend(analysis.expand_word(near, lang))
            alts = []
            for i, f in enumerate(dict.fromkeys(forms)):
                for piece in analysis.words(f):
                    if _SAFE.match(piece):
                        alts.append(piece)
                        if i == 0 and len(piece) >= 5:
                            alts.append(piece + ":*")
            if alts:
                groups.append(("(" + " | ".join(dict.fromkeys(alts)) + ")", forms))
        return groups

    def search(self, query: SearchQuery) -> SearchResults:
        langs = (query.lang,) if query.lang in CONFIGS else tuple(CONFIGS)
        all_words = analysis.words(query.text)
        stop = set().union(*(_SV_STOP if lang == "sv" else _EN_STOP for lang in langs))
        qwords = [w for w in all_words if w not in stop][: analysis.MAX_QUERY_WORDS] or all_words[: analysis.MAX_QUERY_WORDS]
        if not qwords:
            return SearchResults([], 0)
        selects = []
        memo: dict = {}
        params: dict = {"tokens": sorted(query.access) or ["-"],
                        "excl": ["!" + t for t in sorted(query.exclude)] or ["-"],
                        "limit": query.limit, "offset": query.offset}
        # Articles first, and the reader's role's articles before others (base.ARTICLE_WEIGHT).
        weight = f"(CASE WHEN e.kind = 'article' THEN {ARTICLE_WEIGHT} ELSE 1.0 END)"
        if query.prefer_audiences:
            params["prefer"] = list(query.prefer_audiences)
            weight += f" * (CASE WHEN e.kind = 'article' AND e.audience IN :prefer THEN {AUDIENCE_WEIGHT} ELSE 1.0 END)"
        by_word: dict[str, list[frozenset[str]]] = {}  # for the second look (rerank)
        for lang in langs:
            groups = self._tsquery(qwords, lang, query.synonyms, memo)
            if not groups:
                continue
            params[f"q_{lang}"] = " | ".join(g for g, _ in groups)
            by_word[lang] = [frozenset(t for f in forms for t in rerank.index_terms(f, lang)) for _, forms in groups]
            cfg = CONFIGS[lang]
            where = [f"e.language = '{lang}'", f"e.tsv @@ to_tsquery('{cfg}', :q_{lang})"]
            if query.kinds:
                params["kinds"] = list(query.kinds)
                where.append("e.kind IN :kinds")
            if query.audience:
                params["audience"] = query.audience
                where.append("e.audience = :audience")
            if query.tag:
                params["tag"] = f"%|{query.tag.lower().replace('%', '').replace('_', '')}|%"
                where.append("e.tags LIKE :tag")
            where.append("EXISTS (SELECT 1 FROM search_access a WHERE a.entry_id = e.id AND a.token IN :tokens)")
            where.append("NOT EXISTS (SELECT 1 FROM search_access x WHERE x.entry_id = e.id AND x.token IN :excl)")
            selects.append(
                f"SELECT e.id, e.kind, e.object_id, e.title, e.url, e.body, e.language, e.audience, e.tags, "
                f"ts_rank(ARRAY[0.1, 0.2, 0.5, 1.0]::float4[], e.tsv, to_tsquery('{cfg}', :q_{lang})) "
                f"* {weight} AS rank, "
                f"'{cfg}' AS cfg, :q_{lang} AS q FROM search_entry e WHERE " + " AND ".join(where))
        if not selects:
            return SearchResults([], 0)
        # The best candidates, then the second look (rerank) in Python, then snippets for
        # the page only (ts_headline is the dearest part of a row).
        params["candidates"] = max(query.offset + query.limit, rerank.CANDIDATES)
        sql = ("WITH found AS (" + " UNION ALL ".join(selects) + ") "
               "SELECT f.*, count(*) OVER () AS total "
               "FROM found f ORDER BY f.rank DESC, f.id LIMIT :candidates")
        stmt = text(sql)
        for name in ("tokens", "excl", "kinds", "prefer"):
            if name in params:
                stmt = stmt.bindparams(bindparam(name, expanding=True))
        rows = db.session.execute(stmt, params).mappings().all()
        ranked = rerank.rerank(rows, lambda r: float(r["rank"]),
                               lambda r: (r["title"], (r["tags"] or "").replace("|", " . "), r["body"], r["language"])
                               if r["kind"] == "article" else None,
                               by_word)[query.offset:query.offset + query.limit]
        snippets = self._snippets([r for _, r in ranked])
        hits = [SearchHit(kind=r["kind"], object_id=r["object_id"], title=r["title"], url=r["url"],
                          snippet=analysis.snippet_html(snippet or ""), score=round(score, 4),
                          language=r["language"], audience=r["audience"],
                          tags=[t for t in (r["tags"] or "").split("|") if t])
                for (score, r), snippet in zip(ranked, snippets)]
        total = rows[0]["total"] if rows else 0
        return SearchResults(hits, total, suggestion=self.suggest(query.text, query.lang, memo) if query.spell else None)

    def _snippets(self, rows) -> list[str]:
        if not rows:
            return []
        found = db.session.execute(text(
            "SELECT ts_headline(t.cfg::regconfig, t.body, to_tsquery(t.cfg::regconfig, t.q), "
            "'StartSel=\x02, StopSel=\x03, MaxWords=35, MinWords=12, MaxFragments=2, FragmentDelimiter=\" … \"') "
            "FROM unnest(CAST(:cfg AS text[]), CAST(:body AS text[]), CAST(:q AS text[])) WITH ORDINALITY "
            "AS t(cfg, body, q, n) ORDER BY t.n"),
            {"cfg": [r["cfg"] for r in rows], "body": [r["body"] for r in rows], "q": [r["q"] for r in rows]})
        return list(found.scalars())

    def suggest(self, text_: str, lang: str | None, memo: dict | None = None) -> str | None:
        out, changed = [], False
        memo = {} if memo is None else memo
        for w in analysis.words(text_)[: analysis.MAX_QUERY_WORDS]:
            near = self._correction(w, lang, memo)
            if near and near != w:
                out.append(near)
                changed = True
                continue
            out.append(w)
        return " ".join(out) if changed else None
