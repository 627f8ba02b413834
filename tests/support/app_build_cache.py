"""Work that every test's fresh app repeats, done once per test process (per xdist worker).

Every test gets its own app (its own secret key, directories and database copy), and that
stays so. But building an app compiled each of its ~180 URL rules into a Python function
and each template it rendered into Python code again, although both come out byte for byte
the same every time: measured, that was about half of an ordinary test's time
(bench/SUITE_TIMES.md). Both results are kept here and handed to the next app.

Nothing a test sees changes: each app still has its own url_map, Rule objects, Jinja
environment and template objects; only the compiled code is shared.
"""
from __future__ import annotations

import threading

import jinja2
from flask import Flask
from werkzeug.routing.rules import Rule

_builders: dict[tuple, object] = {}
_original_compile_builder = Rule._compile_builder


def _cached_compile_builder(self: Rule, append_unknown: bool = True):
    # The builder werkzeug generates is a plain function of (self, values): it reads the
    # rule's converters through `self` when called. Its code depends on the rule's text, its
    # parsed trace and the names of its defaults, which make up the key. A default for a
    # variable part is converted into the code at compile time; such rules are not cached.
    defaults = self.defaults or {}
    if any(dynamic and part in defaults for dynamic, part in self._trace):
        return _original_compile_builder(self, append_unknown)
    key = (self.rule, tuple(self._trace), tuple(defaults), append_unknown)
    builder = _builders.get(key)
    if builder is None:
        builder = _builders[key] = _original_compile_builder(self, append_unknown)
    return builder


class _MemoryBytecodeCache(jinja2.BytecodeCache):
    """Jinja's compiled templates in memory. A bucket carries the checksum of the source, so
    a changed template is compiled again."""

    def __init__(self):
        self._store: dict[str, bytes] = {}
        self._lock = threading.Lock()  # the browser tests' live server renders from threads

    def load_bytecode(self, bucket):
        with self._lock:
            data = self._store.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket):
        data = bucket.bytecode_to_string()
        with self._lock:
            self._store[bucket.key] = data


def install() -> None:
    Rule._compile_builder = _cached_compile_builder
    # Every app of the test process gets the one cache through Flask's jinja_options.
    Flask.jinja_options = {**Flask.jinja_options, "bytecode_cache": _MemoryBytecodeCache()}
