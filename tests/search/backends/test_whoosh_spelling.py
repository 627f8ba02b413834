"""Whoosh spelling help: a misspelt word's neighbours: every word one edit away, found by deletions."""
from __future__ import annotations

from helpdesk.search import analysis
from helpdesk.search.backends.whoosh_spelling import Deletions

TERMS = ["lösenord", "lösenordet", "rektor", "rektorer", "klass", "klasser", "elev", "mentor", "kontakt"]


def test_one_edit_of_each_kind_is_found_with_the_same_first_letter_only():
    near = Deletions(TERMS)
    assert near.near("lösenrod") >= {"lösenord"}  # two letters swapped
    assert near.near("klas") >= {"klass"}  # a letter missing
    assert near.near("elevv") >= {"elev"}  # a letter too many
    assert near.near("mentar") >= {"mentor"}  # a letter changed
    assert "elev" not in near.near("clev")  # another first letter: not offered
    assert near.near("skola") == set()


def test_it_finds_every_term_within_one_edit_and_no_other():
    near = Deletions(TERMS)
    for word in ["lösenrod", "rektro", "klas", "klasse", "kontkat", "rekto", "mentorr", "lösenorde"]:
        expected = {t for t in TERMS if t[0] == word[0] and analysis.edit_distance(word, t, 1) <= 1}
        assert {t for t in near.near(word) if analysis.edit_distance(word, t, 1) <= 1} == expected, word
