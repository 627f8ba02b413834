"""The reader's own check of 12-digit civic numbers answers exactly as civic.normalise."""
from __future__ import annotations

import random

import pytest

from helpdesk.directory import civic
from helpdesk.sync.reader import _civic_number


def answer(check, value):
    try:
        return check(value)
    except civic.InvalidCivicNumber:
        return "invalid"


def test_the_fast_civic_number_check_agrees_with_the_general_one():
    rng = random.Random(12000)
    values = [f"{rng.randint(1890, 2030)}{rng.randint(0, 13):02d}{rng.randint(0, 92):02d}{rng.randint(0, 9999):04d}"
              for _ in range(3000)]
    values += ["201001011239", "201001610004", "190001010005", "202002300000", " 201001011239 ",
               "20100101-1239", "20100101TF01"]
    answers = [(answer(_civic_number, v), answer(civic.normalise, v)) for v in values]
    assert all(fast == general for fast, general in answers)
    assert sum(fast != "invalid" for fast, _ in answers) > 100  # valid numbers were among them


def test_an_invalid_civic_number_is_refused():
    with pytest.raises(civic.InvalidCivicNumber):
        _civic_number("201001011238")  # wrong check digit
