"""Translatable names for enum values, shown through the `label` template filter.

Capabilities register the labels of their own enums with `add_labels`.
"""
from __future__ import annotations

import enum

_LABELS: dict[enum.Enum, object] = {}


def add_labels(mapping: dict) -> None:
    _LABELS.update(mapping)


def label(value) -> str:
    if value is None:
        return ""
    found = _LABELS.get(value)
    return str(found) if found is not None else str(getattr(value, "value", value))
