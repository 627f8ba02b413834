import enum

from helpdesk.labels import add_labels, label


def test_enums_sharing_a_value_keep_their_own_labels():
    class Colour(str, enum.Enum):
        OTHER = "other"

    class Shape(str, enum.Enum):
        OTHER = "other"

    add_labels({Colour.OTHER: "another colour", Shape.OTHER: "another shape"})
    assert label(Colour.OTHER) == "another colour"
    assert label(Shape.OTHER) == "another shape"
    assert label(None) == "" and label("plain") == "plain"
