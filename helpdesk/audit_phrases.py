"""The audit log in words: a phrase per operation and a label per recorded field.

Every capability that writes audit entries (`helpdesk.admin.audit.record`) registers how its
operations read, in its `labels.py`, so an operation added later slots in without touching
the audit page. The phrases are translatable and filled in when the page is shown, so each
reader gets their own language. An operation nobody registered still reads as words (its
id with the underscores taken out), never as a crash.

A phrase is a `lazy_gettext` string with named placeholders:

- `%(object)s`: the object's label as recorded ("Lag A", "Emma Lindgren → 6A");
- `%(school)s`: the name of the school the entry happened at;
- `%(what)s`: the object's kind in the definite form ("the work team", "arbetslaget"),
  for group operations, from the recorded `kind`;
- anything the operation's `values` function returns from the entry.

When a placeholder has no value (an old entry without a school, say) the entry's
`fallback` phrase is used instead, and failing that the generic one.
"""
from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Phrase:
    operation: str
    # The short name used in the operation filter ("Created a group").
    title: Any
    # The sentence for one entry ("Created %(what)s %(object)s at %(school)s").
    text: Any
    # A sentence without the placeholders that may be missing.
    fallback: Any = None
    values: Callable[[Any], dict] | None = None


_PHRASES: dict[str, Phrase] = {}
# field -> (label, value formatter or None)
_FIELDS: dict[str, tuple[Any, Callable[[Any], str] | None]] = {}
# Group kinds and other nouns in the definite form, by recorded value.
_NOUNS: dict[str, Any] = {}
_OBJECT_TYPES: dict[str, Any] = {}


def register(operation: str, title, text, *, fallback=None, values: Callable[[Any], dict] | None = None) -> None:
    """How one operation reads in the audit log (see the module's docstring)."""
    op = getattr(operation, "value", operation)
    _PHRASES[op] = Phrase(op, title, text, fallback, values)


def register_field(name: str, label, formatter: Callable[[Any], str] | None = None) -> None:
    """The label of a field recorded in before/after, and optionally how its values read."""
    _FIELDS[name] = (label, formatter)


def register_nouns(mapping: dict) -> None:
    """Definite-form nouns ("the class", "klassen") for recorded kinds, by value."""
    _NOUNS.update({getattr(k, "value", k): v for k, v in mapping.items()})


def register_object_types(mapping: dict) -> None:
    """Names for recorded object types ("person", "ticket") in the object filter."""
    _OBJECT_TYPES.update(mapping)


def object_type_name(object_type: str) -> str:
    found = _OBJECT_TYPES.get(object_type)
    return str(found) if found is not None else _humanise(object_type)


def noun(kind) -> str | None:
    found = _NOUNS.get(getattr(kind, "value", kind))
    return str(found) if found is not None else None


def known_operations() -> dict[str, Phrase]:
    return dict(_PHRASES)


def _humanise(operation: str) -> str:
    words = (operation or "").replace("_", " ").replace(".", " ").strip()
    return words[:1].upper() + words[1:]


def title(operation: str) -> str:
    """The operation's short name for filters and the CSV file."""
    found = _PHRASES.get(operation)
    return str(found.title) if found else _humanise(operation)


def _kind_of(entry) -> str | None:
    for facts in (entry.after, entry.before):
        if isinstance(facts, dict) and facts.get("kind"):
            return facts["kind"]
    return None


def describe(entry, *, school_name: str | None = None) -> str:
    """One entry as a sentence in the current language."""
    found = _PHRASES.get(entry.operation)
    values: dict[str, Any] = {"object": entry.object_label or "", "school": school_name}
    kind = _kind_of(entry)
    values["what"] = noun(kind) if kind else None
    if found is not None:
        if found.values is not None:
            try:
                values.update(found.values(entry) or {})
            except Exception:  # a phrase helper must never break the page  # noqa: BLE001
                pass
        for text in (found.text, found.fallback):
            if text is None:
                continue
            try:
                return str(text) % _Strict(values)
            except (KeyError, TypeError, ValueError):
                continue
    generic = _humanise(entry.operation)
    if entry.object_label:
        return _("%(operation)s: %(object)s", operation=generic, object=entry.object_label)
    return generic


class _Strict(dict):
    """Formatting values where a missing or empty one is an error, so the fallback is used."""

    def __getitem__(self, key):
        value = super().__getitem__(key)
        if value is None or value == "":
            raise KeyError(key)
        return value


def _value(name: str, value) -> str:
    if value is None or value == "":
        return "–"
    formatter = _FIELDS.get(name, (None, None))[1]
    if formatter is not None:
        try:
            return str(formatter(value))
        except Exception:  # an old value the formatter does not know  # noqa: BLE001
            pass
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, (list, tuple)):
        return ", ".join(_value(name, v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_value(k, v)}" for k, v in value.items())
    return str(value)


def field_label(name: str) -> str:
    found = _FIELDS.get(name)
    return str(found[0]) if found else _humanise(name)


@dataclass(frozen=True)
class Change:
    field: str
    before: str | None
    after: str | None


def changes(entry) -> list[Change]:
    """The recorded before/after as field changes: a field that changed reads "from → to",
    a field recorded on one side only reads as what it was or became. Internal ids are
    left out (they mean nothing to a reader)."""
    before = entry.before if isinstance(entry.before, dict) else {}
    after = entry.after if isinstance(entry.after, dict) else {}
    out = []
    for key in list(before) + [k for k in after if k not in before]:
        if key.endswith("_id") or key == "id":
            continue
        old, new = before.get(key), after.get(key)
        if key in before and key in after:
            if old == new:
                continue
            out.append(Change(field_label(key), _value(key, old), _value(key, new)))
        elif key in before:
            out.append(Change(field_label(key), _value(key, old), None))
        else:
            out.append(Change(field_label(key), None, _value(key, new)))
    return out


def changes_text(entry) -> str:
    parts = []
    for c in changes(entry):
        if c.before is not None and c.after is not None:
            parts.append(f"{c.field}: {c.before} → {c.after}")
        else:
            parts.append(f"{c.field}: {c.after if c.after is not None else c.before}")
    return "; ".join(parts)


register_object_types({
    "organisation": _l("Organisation"), "school": _l("School"), "person": _l("Person"), "group": _l("Group"),
    "duty": _l("Duty"), "membership": _l("Group membership"), "guardianrelation": _l("Guardian relation"),
    "mentorrelation": _l("Mentor relation"), "approvalrequest": _l("Request to central"),
    "syncflag": _l("Sync flag"), "ticket": _l("Question"), "user": _l("Account"),
})

# The personal-data and support-organisation operations, written alongside this registry;
# when those capabilities register their own phrases, theirs replace these (registered later).
register("privacy_export_requested", _l("Prepared a data export"), _l("Prepared a data export for %(object)s"))
register("privacy_export_delivered", _l("Delivered a data export"), _l("Delivered the data export for %(object)s"))
register("privacy_erasure", _l("Erased a person's data"), _l("Erased the personal data of %(object)s"))
register("privacy_retention_confirmed", _l("Confirmed the retention rules"), _l("Confirmed the retention rules"))
register("privacy_retention_run", _l("Ran the retention rules"), _l("Ran the retention rules"))
register("appoint_role", _l("Appointed a role"), _l("Appointed %(object)s"))
register("remove_role", _l("Removed a role"), _l("Removed the role %(object)s"))
# Account security (auth): the object is the account whose sessions and tokens ended.
register("password_changed", _l("Changed their password"),
         _l("%(object)s changed their password; their other sessions and API tokens ended"))
register("password_reset_used", _l("Used a password reset link"),
         _l("%(object)s chose a new password with a reset link; every session and API token ended"))
register("logged_out_everywhere", _l("Logged out everywhere else"),
         _l("%(object)s logged out of every other session"))

# Fields many capabilities record; a capability adds its own with register_field.
register_field("name", _l("Name"))
register_field("kind", _l("Kind"))
register_field("source", _l("Source"))
register_field("active", _l("Active"))
register_field("civic_no", _l("Personal identity number"))
register_field("status", _l("Status"))
register_field("note", _l("Note"))
register_field("reason", _l("Reason"))
register_field("why", _l("Why"))
register_field("user", _l("Account"))
register_field("resolved", _l("Handled"))
