"""The second look at the best candidates (helpdesk.search.rerank): an article whose tags
name the question's words, or whose text says them together, moves up."""
from helpdesk.search import rerank


def _terms(*words, lang="sv"):
    return [frozenset(rerank.index_terms(w, lang)) for w in words]


def test_tags_that_name_the_question_count_most():
    question = _terms("eskalera", "ärende")
    tagged = rerank.factor(question, "När lämnar jag en fråga vidare?", "eskalera . ärende", "Text.", "sv")
    half = rerank.factor(question, "När lämnar jag en fråga vidare?", "ärende", "Text.", "sv")
    untagged = rerank.factor(question, "Eskalerade ärenden", "och", "Text.", "sv")
    assert tagged >= 1 + rerank.TAG_BONUS > half > untagged


def test_words_that_stand_together_in_order_count():
    question = _terms("byta", "namn", "klass")
    together = rerank.factor(question, "Kan jag byta namn på en klass?", "", "", "sv")
    scattered = rerank.factor(question, "Klass", "", "Namn och mycket annat som inte hör hit, sedan byta.", "sv")
    reversed_ = rerank.factor(question, "Klass namn byta", "", "", "sv")
    assert together == 1 + rerank.PAIR_BONUS
    assert scattered == 1.0 and reversed_ == 1.0


def test_forms_and_compound_parts_match_through_their_terms():
    # "klassen" is the same term as "klass"; "lösenordsbyte" holds "lösenord".
    assert rerank.factor(_terms("klass"), "", "klassen", "", "sv") > 1
    assert rerank.factor(_terms("lösenord"), "", "lösenordsbyte", "", "sv") > 1


def test_reranking_reorders_and_keeps_ties_in_the_first_order():
    question = {"sv": _terms("eskalera")}
    docs = [("a", 10.0, "", "annat"), ("b", 8.0, "", "eskalera"), ("c", 10.0, "", "annat")]
    ranked = rerank.rerank(docs, lambda d: d[1], lambda d: (d[2], d[3], "", "sv"), question)
    assert [d[0] for _, d in ranked] == ["b", "a", "c"]
    assert rerank.rerank(docs, lambda d: d[1], lambda d: (d[2], d[3], "", "xx"), question)[0][1][0] == "a"


def test_only_answers_get_the_second_look():
    question = {"sv": _terms("schemat", "tomt")}
    docs = [("article", 10.0, "Schemat är tomt"), ("ticket", 9.0, "schemat tomt schemat tomt")]
    ranked = rerank.rerank(docs, lambda d: d[1],
                           lambda d: (d[2], "schema . tomt", "", "sv") if d[0] == "article" else None, question)
    assert [(round(s, 1), d[0]) for s, d in ranked] == [(10.0 * (1 + rerank.TAG_BONUS + rerank.PAIR_BONUS), "article"),
                                                        (9.0, "ticket")]
