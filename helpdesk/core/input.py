"""Text from outside, cleaned once where it comes in.

Control characters other than tab and line breaks are dropped from query strings, form
fields, uploaded files' names and JSON bodies before any view sees them. Nobody types them on
purpose, and PostgreSQL refuses NUL in text, so a pasted one would otherwise fail deep in a
service as a server error instead of simply not being there.
"""
from __future__ import annotations

from flask import Request
from werkzeug.datastructures import FileStorage, ImmutableMultiDict, MultiDict

from helpdesk.text import without_control_characters, without_control_characters_in


def _clean(value):
    if isinstance(value, str):
        return without_control_characters(value)
    if isinstance(value, FileStorage) and value.filename:
        value.filename = without_control_characters(value.filename)
    return value


class CleanMultiDict(ImmutableMultiDict):
    """What werkzeug builds query strings, forms and files into, with every key and value
    cleaned as it is stored."""

    def __init__(self, mapping=None):
        if isinstance(mapping, MultiDict):
            pairs = mapping.items(multi=True)
        elif isinstance(mapping, dict):
            pairs = mapping.items()
        else:
            pairs = mapping or ()
        super().__init__([(_clean(k), _clean(v)) for k, v in pairs])


class CleanRequest(Request):
    parameter_storage_class = CleanMultiDict

    def get_json(self, force: bool = False, silent: bool = False, cache: bool = True):
        return without_control_characters_in(super().get_json(force=force, silent=silent, cache=cache))
