"""An organisation's own synonym groups, kept by its central team on a page.

The shipped groups (synonyms.yaml) are the same everywhere; these come on top, for the
words one municipality's people use ("lärplattan" for the platform, a local name for a
role). Search expands the query with them when it is asked (`for_reader`), in both
backends, so adding a group needs no reindex. Every change is audited.
"""
from __future__ import annotations

import re

from flask import g, has_request_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from helpdesk.access import can, require, scope_of
from helpdesk.admin import audit
from helpdesk.errors import NotFound, ValidationFailed
from helpdesk.extensions import db
from helpdesk.search.models import SynonymGroup

LANGUAGES = ("sv", "en")
MAX_GROUPS = 200
MAX_WORDS = 12
MIN_LEN, MAX_LEN = 2, 40
# One word a place: letters and digits only, since search looks a query up word by word
# (a phrase or "e-post" would never be met).
_WORD = re.compile(r"^\w+$", re.UNICODE)
_SPLIT = re.compile(r"[,;\n]+")


def organisation_of(actor) -> int:
    """The organisation whose groups the central admin keeps: their own first."""
    require(actor, "search.synonyms")
    scope = scope_of(actor)
    return sorted(scope.central_org_ids, key=lambda i: (i != scope.organisation_id, i))[0]


def parse_words(raw: str | None) -> list[str]:
    """The words of one group as typed (separated by commas or lines), checked; raises
    ValidationFailed with a message naming what is wrong."""
    words: list[str] = []
    for piece in _SPLIT.split(raw or ""):
        word = " ".join(piece.split()).lower()
        if not word:
            continue
        if not _WORD.match(word) or word.isdigit():
            raise ValidationFailed(_l("“%(word)s” is not one word. Write single words separated by commas, "
                                      "for example: mentor, handledare.", word=word[:MAX_LEN]), field="words")
        if not MIN_LEN <= len(word) <= MAX_LEN:
            raise ValidationFailed(_l("Each word must be %(min)d to %(max)d letters long.",
                                      min=MIN_LEN, max=MAX_LEN), field="words")
        if word not in words:
            words.append(word)
    if len(words) < 2:
        raise ValidationFailed(_l("Write at least two words that mean the same thing, separated by commas."),
                               field="words")
    if len(words) > MAX_WORDS:
        raise ValidationFailed(_l("A group may hold at most %(n)d words; make two narrower groups.",
                                  n=MAX_WORDS), field="words")
    return sorted(words)


def _language(value: str | None) -> str:
    if value not in LANGUAGES:
        raise ValidationFailed(_l("Choose Swedish or English."), field="language")
    return value


def groups(actor) -> list[SynonymGroup]:
    org_id = organisation_of(actor)
    return list(db.session.scalars(select(SynonymGroup).where(SynonymGroup.organisation_id == org_id)
                                   .order_by(SynonymGroup.language.desc(), SynonymGroup.words)))


def get_group(actor, group_id) -> SynonymGroup:
    """The group if the actor keeps it; any other answers as a missing one (a 403 for a
    teacher would tell which numbers are groups)."""
    group = db.session.get(SynonymGroup, group_id) if isinstance(group_id, int) and 0 < group_id < 2**31 else None
    if group is None or group.organisation_id != organisation_of(actor) or not can(actor, "search.synonyms", group):
        raise NotFound(_l("There is no such synonym group."))
    return group


def _check_duplicate(org_id: int, language: str, words: str, except_id: int | None = None) -> None:
    stmt = select(func.count(SynonymGroup.id)).where(SynonymGroup.organisation_id == org_id,
                                                     SynonymGroup.language == language,
                                                     SynonymGroup.words == words)
    if except_id is not None:
        stmt = stmt.where(SynonymGroup.id != except_id)
    if db.session.scalar(stmt):
        raise ValidationFailed(_l("Your organisation already has that group."), field="words")


def add_group(actor, language: str | None, raw_words: str | None) -> SynonymGroup:
    org_id = organisation_of(actor)
    language = _language(language)
    words = " ".join(parse_words(raw_words))
    _check_duplicate(org_id, language, words)
    count = db.session.scalar(select(func.count(SynonymGroup.id)).where(SynonymGroup.organisation_id == org_id))
    if count >= MAX_GROUPS:
        raise ValidationFailed(_l("Your organisation has %(n)d synonym groups, the most there may be. "
                                  "Remove one first.", n=MAX_GROUPS), field="words")
    group = SynonymGroup(organisation_id=org_id, language=language, words=words)
    db.session.add(group)
    db.session.flush()
    audit.record(actor, "add_synonym_group", group, organisation_id=org_id, object_type="synonym_group",
                 label=", ".join(group.word_list), after={"language": language, "words": words})
    _forget()
    return group


def update_group(actor, group_id, language: str | None, raw_words: str | None) -> SynonymGroup:
    group = get_group(actor, group_id)
    language = _language(language)
    words = " ".join(parse_words(raw_words))
    _check_duplicate(group.organisation_id, language, words, except_id=group.id)
    before = {"language": group.language, "words": group.words}
    group.language, group.words = language, words
    audit.record(actor, "change_synonym_group", group, organisation_id=group.organisation_id,
                 object_type="synonym_group", label=", ".join(group.word_list),
                 before=before, after={"language": language, "words": words})
    _forget()
    return group


def remove_group(actor, group_id) -> None:
    group = get_group(actor, group_id)
    audit.record(actor, "remove_synonym_group", group, organisation_id=group.organisation_id,
                 object_type="synonym_group", label=", ".join(group.word_list),
                 before={"language": group.language, "words": group.words})
    db.session.delete(group)
    _forget()


# -- reading, for the search ---------------------------------------------------------------
def _forget() -> None:
    if has_request_context():
        g.pop("helpdesk_org_synonyms", None)


def for_organisation(organisation_id: int | None) -> dict[str, dict[str, frozenset[str]]]:
    """{language: {word: the other words of its groups}} for one organisation; {} for none.
    Asked once a request."""
    if organisation_id is None:
        return {}
    cache = g.setdefault("helpdesk_org_synonyms", {}) if has_request_context() else {}
    if organisation_id in cache:
        return cache[organisation_id]
    out: dict[str, dict[str, set[str]]] = {}
    for language, words in db.session.execute(
            select(SynonymGroup.language, SynonymGroup.words)
            .where(SynonymGroup.organisation_id == organisation_id)):
        group = set(words.split())
        table = out.setdefault(language, {})
        for word in group:
            table.setdefault(word, set()).update(group - {word})
    found = {lang: {w: frozenset(o) for w, o in table.items()} for lang, table in out.items()}
    cache[organisation_id] = found
    return found


def for_reader(user) -> dict[str, dict[str, frozenset[str]]]:
    """The groups of the reader's organisation (none without login)."""
    if not getattr(user, "is_authenticated", False):
        return {}
    return for_organisation(getattr(user, "organisation_id", None))
