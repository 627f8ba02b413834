"""Synonyms as data: helpdesk/search/synonyms.yaml, read by the analysis both backends use."""
from helpdesk.search import analysis, services
from tests.search.conftest import user


def test_groups_are_read_and_merged(tmp_path):
    path = tmp_path / "synonyms.yaml"
    path.write_text("sv:\n  - [Rektor, skolledare]\n  - [skolledare, chef]\n  - [ensam]\nen:\n  - [kid, child]\n",
                    encoding="utf-8")
    groups = analysis.load_synonyms(path)
    assert groups["sv"] == [{"rektor", "skolledare", "chef"}]  # merged; a lone word is no group
    assert groups["en"] == [{"kid", "child"}]


def test_the_shipped_pairs_find_each_other():
    for word, other in [("vh", "vårdnadshavare"), ("skolledare", "rektor"), ("handledare", "mentor"),
                        ("grupp", "klass"), ("utvecklingssamtal", "medarbetarsamtal")]:
        assert other in analysis.synonyms(word, "sv"), word
        assert word in analysis.synonyms(other, "sv"), other


def test_a_synonym_finds_the_article(indexed_app):
    with indexed_app.test_request_context():
        reader = user("central@exempelkommun.se")
        # Neither "vh" nor "handledare" is written in any article: only the synonym finds them.
        for query, part in [("vh", "vardnadshavar"), ("handledare", "mentorer-for-elever")]:
            hits = services.search(reader, query, lang="sv", per_page=10).results.hits
            assert hits and part in hits[0].url, query


def test_edit_distance_counts_a_swap_as_one_edit():
    assert analysis.edit_distance("rektro", "rektor") == 1
    assert analysis.edit_distance("lösenrod", "lösenord") == 1
    assert analysis.edit_distance("mentr", "mentor") == 1
    assert analysis.edit_distance("klass", "klass") == 0
    assert analysis.edit_distance("abc", "xyzabc", cap=2) == 3  # gave up past the cap


def test_the_closest_word_wins_then_the_most_used():
    uses = {"bank": 1, "bankid": 9, "rektor": 5, "rektorn": 50}.get
    assert analysis.closest("bankd", ["bank", "bankid"], lambda w: uses(w, 0)) == "bankid"
    # Fewer edits beat more uses.
    assert analysis.closest("rektro", ["rektorn", "rektor"], lambda w: uses(w, 0)) == "rektor"
    # A short word is only corrected by one edit; a long one by two.
    assert analysis.closest("mntr", ["mentor"], lambda w: 0) is None
    assert analysis.closest("personumer", ["personnummer"], lambda w: 0) == "personnummer"
    assert analysis.closest("lösenord", ["lösenord"], lambda w: 0) is None
