"""validate_all: every check runs, and all problems come back together."""
from __future__ import annotations

import pytest

from helpdesk.errors import ValidationFailed, validate_all


def _fails(field):
    def check():
        raise ValidationFailed(f"{field} is wrong", field=field)
    return check


def test_every_problem_is_reported_not_only_the_first():
    with pytest.raises(ValidationFailed) as caught:
        validate_all(_fails("a"), lambda: 1, _fails("c"))
    assert [p.field for p in caught.value.problems] == ["a", "c"]
    assert caught.value.field == "a"


def test_results_in_order_when_all_pass():
    assert validate_all(lambda: 1, lambda: "x") == [1, "x"]
