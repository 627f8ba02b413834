"""A result's snippet: the passages around the query's words, marked, the same on both backends."""
from __future__ import annotations

from helpdesk.search.rerank import index_terms
from helpdesk.search.snippets import snippet

BODY = ("Det här gäller alla skolor. " * 20 + "Om du har glömt ditt lösenord kan du byta det själv. "
        + "Mer text om annat. " * 20)


def test_the_passage_with_the_words_is_shown_with_them_marked():
    terms = set(index_terms("lösenordet", "sv"))
    html = snippet(BODY, terms, "sv")
    assert "<mark>lösenord</mark>" in html
    assert html.count("Det här gäller") < 5  # a passage, not the whole text


def test_no_match_gives_the_start_of_the_text_escaped():
    html = snippet("<b>Hej</b> " + "ord " * 100, {"saknas"}, "sv")
    assert html.startswith("&lt;b&gt;Hej&lt;/b&gt;") and html.endswith("…") and "<mark>" not in html
