"""Every string the interface shows has a Swedish translation."""
from helpdesk.catalogs import conflicts, missing


def test_every_string_has_a_swedish_translation():
    gaps = missing()
    assert not gaps, "untranslated strings (python -m helpdesk.catalogs check):\n" + "\n".join(
        f"{where}: {ids[:5]}" for where, ids in gaps.items())


def test_a_string_means_the_same_in_every_capability():
    # A string translated two ways would show one of them everywhere: "Support group"
    # once renamed the forum's menu item.
    found = conflicts()
    assert not found, "translated differently in two catalogs:\n" + "\n".join(
        f"{msgid}: {by_cap}" for msgid, by_cap in found.items())
