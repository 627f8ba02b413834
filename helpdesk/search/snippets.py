"""A result's snippet, the same on both backends: passages of the stored text around the
words that match the query's index terms, marked (analysis.mark_snippet), or the start of
the text when none does. Made in Python for the page's rows only; on PostgreSQL this
replaced ts_headline, the dearest statement of a search."""
from __future__ import annotations

from collections.abc import Set

from helpdesk.search import analysis
from helpdesk.search.rerank import index_terms


def snippet(body: str, terms: Set[str], lang: str, answers: dict | None = None) -> str:
    """Safe HTML: the passages of `body` whose words have an index term in `terms`.
    `answers` may be shared by the snippets of one search in one language (the same
    `terms`): the texts of a page share most of their words, each is looked up once."""
    answers = {} if answers is None else answers

    def is_match(word: str) -> bool:
        found = answers.get(word)
        if found is None:
            found = answers[word] = not terms.isdisjoint(index_terms(word, lang))
        return found

    marked = analysis.mark_snippet(body, is_match) if terms and lang in ("sv", "en") else ""
    if not marked:
        marked = body[:200] + ("…" if len(body) > 200 else "")
    return analysis.snippet_html(marked)
