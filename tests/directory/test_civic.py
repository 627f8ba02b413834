import pytest

from helpdesk.demo import civic_no
from helpdesk.directory.civic import InvalidCivicNumber, is_temporary, mask, normalise


@pytest.mark.parametrize("given,stored", [
    ("201403011237", None),
    ("20130101-TF01", "20130101TF01"),
    ("20130101TF01", "20130101TF01"),
])
def test_normalise_accepts_valid_numbers(given, stored):
    from datetime import date

    if stored is None:
        given = civic_no(date(2014, 3, 1), 123)
        stored = given
    assert normalise(given) == stored


@pytest.mark.parametrize("bad", ["201403011231", "20131301TF01", "abc", "", "19990231-1234"])
def test_normalise_rejects_invalid_numbers(bad):
    with pytest.raises(InvalidCivicNumber):
        normalise(bad)


def test_samordningsnummer_is_accepted():
    # Day + 60: born on the 1st gives 61.
    from helpdesk.demo import luhn_digit

    body = "140361123"
    assert normalise(f"20{body}{luhn_digit(body)}") == f"20{body}{luhn_digit(body)}"


def test_mask_and_temporary():
    assert mask("201403011237") == "20140301-XXXX"
    assert mask(None) == ""
    assert is_temporary("20130101-TF01") and not is_temporary("201403011237")
