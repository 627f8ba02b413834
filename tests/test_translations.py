"""Every string the interface shows has a Swedish translation."""
from helpdesk.catalogs import missing


def test_every_string_has_a_swedish_translation():
    gaps = missing()
    assert not gaps, "untranslated strings (python -m helpdesk.catalogs check):\n" + "\n".join(
        f"{where}: {ids[:5]}" for where, ids in gaps.items())
