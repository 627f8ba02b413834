"""Translatable names for enum values, shown through the `label` template filter.

Capabilities register the labels of their own enums with `add_labels`. Keys are
(enum class, value): members of `str` enums compare equal to their plain string, so two
enums that share a value ("other", "sync") must not share a label.
"""
from __future__ import annotations

import enum

_LABELS: dict[tuple[type, object], object] = {}


def _key(value: enum.Enum) -> tuple[type, object]:
    return (type(value), value.value)


def add_labels(mapping: dict) -> None:
    """Labels for enum members. Members of `str` enums go one enum per call: in a dict
    literal, equal values of two such enums are one key, and a label would be lost."""
    str_classes = {type(member) for member in mapping if isinstance(member, str)}
    if len(str_classes) > 1:
        raise ValueError("add_labels takes the members of one str enum per call")
    _LABELS.update({_key(member): text for member, text in mapping.items()})


def label(value) -> str:
    if value is None:
        return ""
    if isinstance(value, enum.Enum):
        found = _LABELS.get(_key(value))
        if found is not None:
            return str(found)
        return str(value.value)
    return str(value)
