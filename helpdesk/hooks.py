"""Named hooks one capability offers another, with a harmless default.

A capability that provides a hook sets it from its `init_app`; a capability that uses one
calls it through here, so it still works (with the default) when the provider is absent.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

_HOOKS: dict[str, Callable[..., Any]] = {}
_DEFAULTS: dict[str, Callable[..., Any]] = {
    # (user, text, limit=5, lang=None) -> [{"title", "url", "snippet", "slug"}]; from search.
    "suggest_articles": lambda user, text, limit=5, lang=None: [],
    # (actor, title, body_markdown, language, source_kind, source_id) -> article; from kb.
    "create_draft_article": None,
    # (actor, slug or address) -> {"id", "title", "url"} of an article the actor may read, or
    # None; (actor, article id) -> the same for an id. From kb.
    "find_article": None,
    "article_for": lambda actor, article_id: None,
    # (actor, "ticket" or "thread", id) -> the same for the article the actor's organisation
    # already made from that ticket or thread (not deleted), or None. From kb.
    "article_from": lambda actor, origin_kind, origin_id: None,
    # (actor, days) -> {"shown", "gave_up", "articles": [(article id, times)]}: how often
    # suggested articles answered a question before it was filed; from tickets.
    "filing_deflection": lambda actor, days: None,
    # (actor, ticket) -> {"threads": [(title, url)], "ask_url", "promote_url", "faq_draft"}: what the
    # ticket page shows of the support group's forum; from boards.
    "ticket_discussion": lambda actor, ticket: {"threads": [], "ask_url": None, "promote_url": None},
    # (user) -> [(label, url)]: where this reader can ask a person when the help pages did
    # not answer; from tickets.
    "ask_for_help": lambda user: [],
    # (user, school_id=None) -> {"schools": [{"school_id", "school", "local_contacts": [name],
    # "central_answers"}], "central": {"organisation", "email"}} or None: "Where do I turn?"
    # for a teacher or guardian; from organisation.
    "support_contacts": lambda user, school_id=None: None,
    # (actor, person) -> the address of the person's personal-data page (export, erasure)
    # if the actor may open it, else None; from privacy.
    "person_privacy_url": lambda actor, person: None,
    # () -> the address of the form that reports an accessibility problem to the central
    # team; from tickets. Without it the statement names the support contacts only.
    "accessibility_report_url": lambda: None,
    # (organisation) -> {"closed_ticket_days", "guest_request_days", "search_log_days",
    # "audit_days", "deactivated_person_days"}: how long the organisation keeps personal data,
    # for the privacy page; from privacy. The default is the documented defaults.
    "retention_summary": lambda org: None,
    # (reason) -> None: end this browser's login session, on the server too; from auth. Without
    # it the idle timeout only forgets the session in the cookie.
    "end_session": None,
    # (actor, month "YYYY-MM") -> the address of the monthly insight report if the actor may
    # read it, else None; from insight. The agenda of a check-in meeting links to it.
    "insight_report_url": lambda actor, month: None,
}


def provide(name: str, fn: Callable[..., Any]) -> None:
    if name not in _DEFAULTS:
        raise KeyError(f"unknown hook {name!r}")
    _HOOKS[name] = fn


def get(name: str) -> Callable[..., Any] | None:
    return _HOOKS.get(name, _DEFAULTS[name])


def available(name: str) -> bool:
    return get(name) is not None
