import enum

from helpdesk.labels import add_labels, label


def test_enums_sharing_a_value_keep_their_own_labels():
    class Colour(str, enum.Enum):
        OTHER = "other"

    class Shape(str, enum.Enum):
        OTHER = "other"

    add_labels({Colour.OTHER: "another colour"})
    add_labels({Shape.OTHER: "another shape"})
    assert label(Colour.OTHER) == "another colour"
    assert label(Shape.OTHER) == "another shape"
    assert label(None) == "" and label("plain") == "plain"


def test_one_enum_per_call():
    import pytest

    class A(str, enum.Enum):
        X = "x"

    class B(str, enum.Enum):
        Y = "y"

    with pytest.raises(ValueError):
        add_labels({A.X: "a", B.Y: "b"})
