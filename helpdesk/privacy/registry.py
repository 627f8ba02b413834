"""What each capability holds about a person, and how long it keeps things: a registry.

A capability registers a `Holding` (from its own `privacy_source.py`, in its `init_app`),
as search document sources are registered. The privacy capability walks the registry for
an export, an erasure and the retention job, and never reads another capability's tables
itself. Without the privacy capability installed the registrations are harmless.

- `export(person, user_ids)` returns plain JSON-able data: {section: [row dict, ...]}.
- `erase(person, user_ids, *, dry_run, keep_directory)` returns `ErasureLine`s: what was
  (or, with dry_run, would be) removed, anonymised or kept, with counts and never a name.
  `keep_directory` is set for a synced person: the directory entry belongs to the school
  administrative system and is erased there.
- A `RetentionRule` counts and carries out one kind of clean-up for one organisation and
  a cutoff time; `examples` describe a few affected rows without personal data.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime

REMOVED = "removed"
ANONYMISED = "anonymised"
KEPT = "kept"


@dataclass(frozen=True)
class ErasureLine:
    holding: str
    # A code that privacy/labels.py turns into words in the reader's language.
    item: str
    action: str  # REMOVED, ANONYMISED or KEPT
    count: int
    # Why something was kept: a code in privacy/labels.py (e.g. "law", "sync_source").
    reason: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Holding:
    name: str
    export: Callable[..., dict]
    erase: Callable[..., list[ErasureLine]]
    order: int = 50


@dataclass
class RetentionRule:
    # One of the settings in privacy/retention.py SETTINGS, whose number of days applies.
    key: str
    count: Callable[[int, datetime, dict], int]
    apply: Callable[[int, datetime, dict], int]
    examples: Callable[[int, datetime, dict, int], list[str]] = lambda org_id, cutoff, settings, limit: []


_HOLDINGS: dict[str, Holding] = {}
_RULES: dict[str, RetentionRule] = {}
# (organisation id, cutoff) -> person ids deactivated before the cutoff and not yet erased
# elsewhere; from the directory.
_DEACTIVATED: list[Callable[[int, datetime], list[int]]] = []


def register_holding(holding: Holding) -> None:
    _HOLDINGS[holding.name] = holding


def holdings() -> list[Holding]:
    return sorted(_HOLDINGS.values(), key=lambda h: h.order)


def register_retention_rule(rule: RetentionRule) -> None:
    _RULES[rule.key] = rule


def retention_rule(key: str) -> RetentionRule | None:
    return _RULES.get(key)


def register_deactivated_people(query: Callable[[int, datetime], list[int]]) -> None:
    if query not in _DEACTIVATED:
        _DEACTIVATED.append(query)


def deactivated_people(organisation_id: int, cutoff: datetime) -> list[int]:
    found: list[int] = []
    for query in _DEACTIVATED:
        found.extend(query(organisation_id, cutoff))
    return sorted(set(found))


_ACCOUNTS: list[Callable[[int], list[int]]] = []


def register_accounts_of(query: Callable[[int], list[int]]) -> None:
    """The auth capability tells which accounts belong to a directory person."""
    if query not in _ACCOUNTS:
        _ACCOUNTS.append(query)


def account_ids(person_id: int) -> list[int]:
    return sorted({uid for query in _ACCOUNTS for uid in query(person_id)})


def deleting_rule(key: str, model, organisation_column, created_column) -> RetentionRule:
    """The common rule: delete an organisation's rows of `model` made before the cutoff
    (the search log, the audit log)."""
    from sqlalchemy import delete, func, select

    from helpdesk.extensions import db

    def due(org_id: int, cutoff: datetime):
        return select(model.id).where(organisation_column == org_id, created_column < cutoff)

    def count(org_id: int, cutoff: datetime, settings: dict) -> int:
        return db.session.scalar(select(func.count()).select_from(due(org_id, cutoff).subquery())) or 0

    def apply(org_id: int, cutoff: datetime, settings: dict) -> int:
        return db.session.execute(delete(model).where(model.id.in_(due(org_id, cutoff)))
                                  .execution_options(synchronize_session=False)).rowcount or 0

    return RetentionRule(key, count, apply)
