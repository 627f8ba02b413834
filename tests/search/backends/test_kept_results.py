"""Whoosh answers kept per index generation (kept_results.py): a second identical search
is answered from what was kept, and yet a change to the index or another reader is never
answered with a kept answer."""
from __future__ import annotations

from helpdesk.search.backends.base import SearchDocument, SearchQuery
from helpdesk.search.backends.whoosh_backend import WhooshBackend


def _doc(object_id, title, access=("public",), kind="article"):
    return SearchDocument(kind=kind, object_id=object_id, language="sv", title=title,
                          body=f"{title}. Så gör du steg för steg.", url=f"/kb/{object_id}", access=set(access))


def _titles(backend, access=("public",), text="lösenord"):
    return [h.title for h in backend.search(SearchQuery(text=text, access=set(access))).hits]


def _backend(tmp_path):
    backend = WhooshBackend(tmp_path / "idx")
    backend.rebuild([_doc(1, "Byta lösenord"), _doc(2, "Schemat i appen"),
                     _doc(3, "Lösenord för personal", access=("org:7",))])
    return backend


def test_the_same_search_again_is_answered_from_the_kept_answer(tmp_path):
    backend = _backend(tmp_path)
    first = _titles(backend)
    assert first == ["Byta lösenord"]
    assert (backend.kept.hits, backend.kept.misses) == (0, 1)
    assert _titles(backend) == first
    assert (backend.kept.hits, backend.kept.misses) == (1, 1)


def test_a_document_added_or_removed_is_seen_by_the_next_search(tmp_path):
    backend = _backend(tmp_path)
    assert _titles(backend) == ["Byta lösenord"]
    backend.update([_doc(4, "Glömt lösenord till appen")], [])
    assert sorted(_titles(backend)) == ["Byta lösenord", "Glömt lösenord till appen"]
    backend.update([], ["article:1"])
    assert _titles(backend) == ["Glömt lösenord till appen"]
    assert backend.kept.hits == 0  # every answer after a change was searched again


def test_a_rebuilt_index_is_a_new_generation(tmp_path):
    backend = _backend(tmp_path)
    assert _titles(backend) == ["Byta lösenord"]
    backend.rebuild([_doc(5, "Nytt lösenord")])
    assert _titles(backend) == ["Nytt lösenord"]


def test_another_reader_never_gets_an_answer_kept_for_someone_who_may_see_more(tmp_path):
    backend = _backend(tmp_path)
    assert sorted(_titles(backend, access=("public", "org:7"))) == ["Byta lösenord", "Lösenord för personal"]
    assert _titles(backend, access=("public",)) == ["Byta lösenord"]
    assert backend.kept.hits == 0


def test_changing_an_answer_handed_out_does_not_change_the_kept_one(tmp_path):
    backend = _backend(tmp_path)
    got = backend.search(SearchQuery(text="lösenord", access={"public"}))
    got.hits[0].title = "ändrad"
    got.hits.clear()
    assert _titles(backend) == ["Byta lösenord"]


def test_nothing_is_kept_when_turned_off(tmp_path):
    backend = WhooshBackend(tmp_path / "idx", kept_answers=0)
    backend.rebuild([_doc(1, "Byta lösenord")])
    assert _titles(backend) == _titles(backend) == ["Byta lösenord"]
    assert not backend.kept.entries
