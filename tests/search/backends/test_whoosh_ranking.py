"""The numpy ranking over Whoosh must read and score exactly what Whoosh itself would."""
from __future__ import annotations

import random

import numpy as np
import pytest
from whoosh import index
from whoosh.analysis import LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.analysis.filters import Filter
from whoosh.fields import ID, KEYWORD, TEXT, Schema
from whoosh.query import Or, Term

from helpdesk.search import analysis
from helpdesk.search.backends import whoosh_backend
from helpdesk.search.backends.whoosh_ranking import (
    PostingCache,
    Ranker,
    WeightedTerm,
    read_postings,
    read_postings_slowly,
)

WORDS = "elev lärare lösenord inloggning mentor klass skola grupp konto synk".split()


@pytest.fixture
def small_index(tmp_path):
    """Three segments, 750 documents, some deleted: postings span several blocks."""
    schema = Schema(key=ID(unique=True, stored=True), access=KEYWORD,
                    body=TEXT(analyzer=RegexTokenizer() | LowercaseFilter(), phrase=False))
    ix = index.create_in(str(tmp_path), schema)
    rng = random.Random(3)
    for part in range(3):
        writer = ix.writer()
        for i in range(part * 250, part * 250 + 250):
            body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 30)))
            writer.add_document(key=str(i), access=f"school:{i % 4}", body=body)
        writer.commit(merge=False)
    writer = ix.writer()
    for i in range(0, 750, 7):
        writer.delete_by_term("key", str(i))
    writer.commit(merge=False)
    with ix.searcher() as searcher:
        assert len(searcher.leaf_searchers()) == 3
        yield searcher


def test_block_reader_equals_the_matchers_own_reading(small_index):
    for reader, _ in [(s.reader(), o) for s, o in small_index.leaf_searchers()]:
        for word in WORDS:
            fast_ids, fast_weights = read_postings(reader, "body", word)
            slow = reader._terms.matcher("body", word.encode(), reader.schema["body"].format)
            slow_ids, slow_weights = read_postings_slowly(slow)
            assert len(fast_ids) > 128  # more than one block
            assert fast_ids.tolist() == slow_ids.tolist()
            assert np.allclose(fast_weights, slow_weights)


def test_scores_equal_whooshs_bm25f_and_leave_out_deleted_and_forbidden(small_index):
    ranker = Ranker(small_index, PostingCache(), "test")
    allowed = ranker.mask([("access", "school:1"), ("access", "school:2")])
    terms = [WeightedTerm("body", "elev", 1.0), WeightedTerm("body", "mentor", 0.45)]
    top, count = ranker.top(terms, allowed, 1000)

    query = Or([Term("body", "elev"), Term("body", "mentor", boost=0.45)])
    expected = {hit.docnum: hit.score
                for hit in small_index.search(query, limit=None)
                if hit["key"] and int(hit["key"]) % 4 in (1, 2)}
    assert count == len(expected) > 50
    assert [d for d, _ in top] == sorted(expected, key=lambda d: (-expected[d], d))
    for docnum, score in top:
        assert score == pytest.approx(expected[docnum], rel=1e-5)
        assert int(small_index.stored_fields(docnum)["key"]) % 7  # deleted ones are gone


def test_a_fields_own_length_normalisation_equals_whooshs_bm25f_with_it(small_index):
    from whoosh.scoring import BM25F
    from whoosh.searching import Searcher

    ranker = Ranker(small_index, PostingCache(), "test", field_b={"body": 0.3})
    allowed = ranker.mask([("access", f"school:{k}") for k in range(4)])
    top, _ = ranker.top([WeightedTerm("body", "elev", 1.0)], allowed, 1000)

    # The same index, scored by Whoosh itself with body_B=0.3.
    searcher = Searcher(small_index.reader(), weighting=BM25F(body_B=0.3), closereader=False)
    expected = {hit.docnum: hit.score for hit in searcher.search(Term("body", "elev"), limit=None)
                if int(hit["key"]) % 7}
    assert len(top) == len(expected) > 50
    for docnum, score in top:
        assert score == pytest.approx(expected[docnum], rel=1e-5)
    plain, _ = Ranker(small_index, PostingCache(), "test").top([WeightedTerm("body", "elev", 1.0)], allowed, 1000)
    assert dict(plain) != dict(top)  # the setting changes the scores


def test_mask_needs_one_of_each_group_and_none_of_the_excluded(small_index):
    ranker = Ranker(small_index, PostingCache(), "test")
    mask = ranker.mask([("access", f"school:{k}") for k in range(4)],
                       none_of=[("access", "school:3")])
    keys = {int(small_index.stored_fields(d)["key"]) for d in np.flatnonzero(mask)}
    assert keys == {i for i in range(750) if i % 4 != 3 and i % 7}


def test_the_cache_keeps_within_its_budget():
    cache = PostingCache(budget=10)
    for i in range(5):
        cache.get(i, lambda: (np.zeros(4), np.zeros(4)))
    assert cache._held <= 10 and 4 in cache._items and 0 not in cache._items


class _Expand(Filter):
    def __init__(self, lang):
        self.lang = lang

    def __call__(self, tokens):
        for t in tokens:
            forms = analysis.expand_word(t.text, self.lang)
            t.text = forms[0]
            yield t
            for extra in forms[1:]:
                c = t.copy()
                c.text = extra
                yield c


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_one_pass_analyzer_gives_the_terms_of_the_whoosh_chain(lang):
    chain = (RegexTokenizer(r"\w+") | LowercaseFilter() | _Expand(lang) | StopFilter(lang=lang)
             | StemFilter(lang=lang))
    text = ("Vårdnadshavaren har glömt lösenordet och kontot är låst; inloggningsuppgifterna "
            "kom i aktiveringsbrevet. Parents logged in with BankID but the passwords failed.")
    assert [t.text for t in whoosh_backend.ANALYZERS[lang](text)] == [t.text for t in chain(text)]
