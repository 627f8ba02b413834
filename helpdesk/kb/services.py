"""The knowledge base's rules: reading by audience, writing with revisions, votes, stats.

Services take the actor explicitly, check the rule, change objects, flush and never
commit; the view, the API or the command commits once.
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from flask import g, has_app_context, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from helpdesk.access import can, require, scope_of
from helpdesk.errors import NotFound, ValidationFailed
from helpdesk.events import content_changed, domain_event
from helpdesk.extensions import db
from helpdesk.kb.models import (
    Article,
    ArticleHidden,
    ArticleRevision,
    ArticleSource,
    ArticleStatus,
    ArticleVote,
    Audience,
    SearchLog,
)
from helpdesk.models_base import utcnow
from helpdesk.kb.render import render_article as render_markdown
from helpdesk.text import masked, without_control_characters

MAX_TITLE = 200
MAX_BODY = 100_000
MAX_COMMENT = 2000


# -- reading ---------------------------------------------------------------------------
def hidden_article_ids(organisation_id: int | None) -> set[int]:
    if organisation_id is None:
        return set()
    cache = g.setdefault("_kb_hidden", {}) if has_app_context() else {}
    if organisation_id not in cache:
        cache[organisation_id] = set(db.session.scalars(
            select(ArticleHidden.article_id).where(ArticleHidden.organisation_id == organisation_id)))
    return cache[organisation_id]


def _forget_hidden_cache() -> None:
    if has_app_context():
        g.pop("_kb_hidden", None)


_SLUG = re.compile(r"^[a-z0-9-]{1,120}$")


def clean_text(value: str | None) -> str:
    """Text as typed, without control characters. Requests arrive cleaned already; this is
    for what does not come through one (the shipped files' loader, commands)."""
    return without_control_characters(value or "")


def get_by_slug(slug: str) -> Article:
    if not _SLUG.match(slug or ""):
        raise NotFound(_l("There is no such article."))
    article = db.session.scalar(select(Article).where(Article.slug == slug))
    if article is None:
        raise NotFound(_l("There is no such article."))
    return article


def get_by_id(article_id: int) -> Article:
    article = db.session.get(Article, article_id)
    if article is None:
        raise NotFound(_l("There is no such article."))
    return article


def get_in_reach(actor, article_id: int) -> Article:
    """The article for an editor's page: one the actor may read, or any of the organisation
    they are central for (drafts and deleted ones too). Anything else answers like a missing
    article, so another organisation's drafts are not confirmed by a 403."""
    article = db.session.get(Article, article_id)
    if article is None or not (can(actor, "kb.read", article)
                               or scope_of(actor).is_central_for(article.organisation_id)):
        raise NotFound(_l("There is no such article."))
    return article


def read_article(actor, slug: str) -> Article:
    """The article if the actor may read it; NotFound otherwise, so an article the reader may
    not open is never confirmed to exist (not even its title)."""
    article = get_by_slug(slug)
    if not can(actor, "kb.read", article):
        raise NotFound(_l("There is no such article."))
    return article


def record_view(article: Article) -> None:
    db.session.execute(update(Article).where(Article.id == article.id)
                       .values(views=Article.views + 1)
                       .execution_options(synchronize_session=False))


def visible_articles(actor, language: str | None = None, *, include_drafts: bool = False) -> list[Article]:
    scope = scope_of(actor)
    stmt = select(Article).order_by(Article.category, Article.title)
    if language:
        stmt = stmt.where(Article.language == language)
    if not include_drafts:
        stmt = stmt.where(Article.status == ArticleStatus.PUBLISHED)
    stmt = stmt.where((Article.organisation_id.is_(None)) | (Article.organisation_id == scope.organisation_id)
                      | (Article.audience == Audience.PUBLIC))
    return [a for a in db.session.scalars(stmt) if can(actor, "kb.read", a)]


def articles_by_category(actor, language: str | None) -> dict[str, list[Article]]:
    grouped: dict[str, list[Article]] = defaultdict(list)
    for article in visible_articles(actor, language):
        grouped[article.category or ""].append(article)
    return dict(sorted(grouped.items()))


def translation_for(actor, article: Article) -> Article | None:
    """The other language version, if the reader may read it."""
    key = article.translation_key
    other = db.session.scalar(select(Article).where(
        Article.id != article.id, Article.language != article.language,
        (Article.slug == key) | (Article.translation_of == key)))
    return other if other is not None and can(actor, "kb.read", other) else None


def complements_for(actor, article: Article) -> list[Article]:
    found = db.session.scalars(select(Article).where(Article.complements_id == article.id)
                               .order_by(Article.id))
    return [a for a in found if a.is_published and can(actor, "kb.read", a)]


def related_articles(actor, article: Article, limit: int = 4) -> list[Article]:
    """Published articles in the same language and category that the reader may open, those
    sharing most tags first: where to look next when this one was not quite the answer."""
    stmt = (select(Article).where(
        Article.id != article.id, Article.language == article.language,
        Article.category == article.category, Article.status == ArticleStatus.PUBLISHED,
        Article.complements_id.is_(None)).order_by(Article.title))
    tags = set(article.tags or [])
    found = [a for a in db.session.scalars(stmt) if can(actor, "kb.read", a)]
    found.sort(key=lambda a: -len(tags & set(a.tags or [])))  # stable: titles stay in order
    return found[:limit]


def article_url(article: Article, external: bool = False) -> str:
    return url_for("kb.article", slug=article.slug, _external=external)


# -- votes -------------------------------------------------------------------------------
def vote(actor, article: Article, helpful: bool, comment: str = "") -> ArticleVote:
    """A reader says whether the article helped. One vote per logged-in reader (a new vote
    replaces the old one); the comment is kept with civic numbers masked (by its column)."""
    require(actor, "kb.vote", article)
    comment = clean_text(comment).strip()
    if len(comment) > MAX_COMMENT:
        raise ValidationFailed(_l("The comment is too long (at most %(n)d characters).", n=MAX_COMMENT),
                               field="comment")
    user_id = actor.id if getattr(actor, "is_authenticated", False) else None
    existing = None
    if user_id is not None:
        existing = db.session.scalar(select(ArticleVote).where(ArticleVote.article_id == article.id,
                                                               ArticleVote.user_id == user_id))
    if existing is not None:
        if existing.helpful:
            article.helpful_count -= 1
        else:
            article.not_helpful_count -= 1
        existing.helpful, existing.comment, existing.created_at = helpful, comment, utcnow()
        found = existing
    else:
        found = ArticleVote(article_id=article.id, user_id=user_id, helpful=helpful, comment=comment)
        db.session.add(found)
    if helpful:
        article.helpful_count += 1
    else:
        article.not_helpful_count += 1
    db.session.flush()
    return found


# -- writing -----------------------------------------------------------------------------
def slugify(title: str) -> str:
    text = title.lower().replace("å", "a").replace("ä", "a").replace("ö", "o")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:80].strip("-")
    return slug or "artikel"


def _unique_slug(title: str) -> str:
    base = slugify(title)
    slug, n = base, 1
    while db.session.scalar(select(Article.id).where(Article.slug == slug)) is not None:
        n += 1
        slug = f"{base}-{n}"
    return slug


def _clean_fields(title: str, body: str, language: str, audience, tags, category: str) -> dict:
    title = " ".join(clean_text(title).split())
    if not title:
        raise ValidationFailed(_l("Give the article a title."), field="title")
    if len(title) > MAX_TITLE:
        raise ValidationFailed(_l("The title is too long (at most %(n)d characters).", n=MAX_TITLE), field="title")
    body = clean_text((body or "").replace("\r\n", "\n")).strip()
    if not body:
        raise ValidationFailed(_l("Write the article's text."), field="body")
    if len(body) > MAX_BODY:
        raise ValidationFailed(_l("The text is too long (at most %(n)d characters).", n=MAX_BODY), field="body")
    if language not in ("sv", "en"):
        raise ValidationFailed(_l("Choose Swedish or English."), field="language")
    try:
        audience = Audience(getattr(audience, "value", audience))
    except ValueError:
        raise ValidationFailed(_l("Choose who the article is for."), field="audience") from None
    if isinstance(tags, str):
        tags = tags.split(",")
    tags = [clean_text(t).strip().lower()[:40] for t in (tags or []) if t and clean_text(t).strip()][:20]
    category = re.sub(r"[^a-z0-9_-]", "", (category or "").strip().lower())[:64]
    # Civic numbers never belong in help text that central writes (it is indexed and shown
    # widely); shipped articles keep their examples, so the article columns do not mask.
    title, body = masked(title), masked(body)
    return {"title": title, "body": body + "\n", "language": language, "audience": audience,
            "tags": tags, "category": category}


def _add_revision(article: Article, actor, note: str = "") -> ArticleRevision:
    number = (db.session.scalar(select(func.max(ArticleRevision.number))
                                .where(ArticleRevision.article_id == article.id)) or 0) + 1
    rev = ArticleRevision(article_id=article.id, number=number, title=article.title, body=article.body,
                          note=clean_text(note)[:200], created_by_id=getattr(actor, "id", None))
    db.session.add(rev)
    db.session.flush()
    db.session.expire(article, ["revisions"])
    return rev


def create_article(actor, *, title: str, body: str, language: str = "sv", audience="staff",
                   tags=(), category: str = "", publish: bool = False,
                   complements: Article | None = None, origin_kind: str | None = None,
                   origin_id: int | None = None) -> Article:
    """The central team writes an article for its own organisation (a draft unless
    `publish`). It may complement a shipped article, shown beneath it."""
    require(actor, "kb.write")
    fields = _clean_fields(title, body, language, audience, tags, category)
    if complements is not None and not can(actor, "kb.read", complements):
        raise ValidationFailed(_l("That article cannot be complemented."), field="complements")
    article = Article(organisation_id=actor.organisation_id, slug=_unique_slug(fields["title"]),
                      source=ArticleSource.PORTAL,
                      status=ArticleStatus.PUBLISHED if publish else ArticleStatus.DRAFT,
                      body_html=render_markdown(fields["body"]), created_by_id=actor.id,
                      updated_by_id=actor.id, complements_id=complements.id if complements else None,
                      origin_kind=origin_kind, origin_id=origin_id,
                      published_at=utcnow() if publish else None, **fields)
    if complements is not None and not fields["category"]:
        article.category = complements.category
    db.session.add(article)
    db.session.flush()
    _add_revision(article, actor)
    content_changed.send("article", object_id=article.id, deleted=False)
    if publish:
        _announce_published(article)
    return article


def _announce_published(article: Article) -> None:
    """Tell listeners (webhooks) in the publishing transaction: ids only."""
    domain_event.send("article.published", organisation_id=article.organisation_id,
                      data={"article_id": article.id, "slug": article.slug, "language": article.language})


def update_article(actor, article: Article, *, title: str, body: str, language: str | None = None,
                   audience=None, tags=None, category: str | None = None, note: str = "") -> Article:
    """Save a new version of a portal article; every save is a revision."""
    require(actor, "kb.edit", article)
    fields = _clean_fields(title, body, language or article.language, audience or article.audience,
                           article.tags if tags is None else tags,
                           article.category if category is None else category)
    for key, value in fields.items():
        setattr(article, key, value)
    article.body_html = render_markdown(article.body)
    article.updated_by_id = actor.id
    article.updated_at = utcnow()
    db.session.flush()
    _add_revision(article, actor, note=note)
    content_changed.send("article", object_id=article.id, deleted=False)
    return article


def set_published(actor, article: Article, published: bool) -> Article:
    require(actor, "kb.edit", article)
    newly_published = published and article.status is not ArticleStatus.PUBLISHED
    article.status = ArticleStatus.PUBLISHED if published else ArticleStatus.DRAFT
    if published and article.published_at is None:
        article.published_at = utcnow()
    article.updated_by_id = actor.id
    db.session.flush()
    content_changed.send("article", object_id=article.id, deleted=False)
    if newly_published:
        _announce_published(article)
    return article


def delete_article(actor, article: Article) -> Article:
    """Take an article off every page and out of search. It is kept (tickets, votes and its
    revisions refer to it) and its deletion is a revision of its own, so the central team
    sees who deleted it and can restore it."""
    require(actor, "kb.edit", article)
    article.status = ArticleStatus.DELETED
    article.updated_by_id = actor.id
    _add_revision(article, actor, note=str(_l("Deleted")))
    content_changed.send("article", object_id=article.id, deleted=True)
    return article


def restore_deleted(actor, article: Article) -> Article:
    """Bring a deleted article back as a draft: the central team reads it before it is
    shown again."""
    require(actor, "kb.restore_deleted", article)
    article.status = ArticleStatus.DRAFT
    article.updated_by_id = actor.id
    _add_revision(article, actor, note=str(_l("Restored after deletion")))
    return article


def deleted_articles(actor) -> list[Article]:
    require(actor, "kb.write")
    return list(db.session.scalars(
        select(Article).where(Article.organisation_id == actor.organisation_id,
                              Article.status == ArticleStatus.DELETED)
        .order_by(Article.updated_at.desc(), Article.title)))


@dataclass
class RevisionDiff:
    older: ArticleRevision
    newer: ArticleRevision
    lines: list[tuple[str, str]]  # ("add" | "del" | "same" | "info", text)


def get_revision(article: Article, number: int) -> ArticleRevision:
    rev = db.session.scalar(select(ArticleRevision).where(ArticleRevision.article_id == article.id,
                                                          ArticleRevision.number == number))
    if rev is None:
        raise NotFound(_l("There is no such revision."))
    return rev


def diff_revisions(actor, article: Article, older: int, newer: int) -> RevisionDiff:
    require(actor, "kb.edit", article)
    a, b = get_revision(article, older), get_revision(article, newer)
    before = [f"# {a.title}", ""] + a.body.splitlines()
    after = [f"# {b.title}", ""] + b.body.splitlines()
    lines = []
    for line in difflib.unified_diff(before, after, lineterm="", n=2):
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            lines.append(("info", line))
        elif line.startswith("+"):
            lines.append(("add", line[1:]))
        elif line.startswith("-"):
            lines.append(("del", line[1:]))
        else:
            lines.append(("same", line[1:]))
    return RevisionDiff(a, b, lines)


def restore_revision(actor, article: Article, number: int) -> Article:
    """Make an earlier revision current again; restoring is itself a new revision."""
    rev = get_revision(article, number)
    return update_article(actor, article, title=rev.title, body=rev.body,
                          note=f"restore:{number}")


def _swedish_first(article: Article) -> tuple:
    return (article.language != "sv", article.language, article.id)


def shipped_versions(article: Article) -> list[Article]:
    """A shipped article and its shipped versions in the other language, Swedish first."""
    key = article.translation_key
    found = db.session.scalars(select(Article).where(
        Article.organisation_id.is_(None), Article.status != ArticleStatus.DELETED,
        (Article.slug == key) | (Article.translation_of == key)))
    return sorted({article, *found}, key=_swedish_first)


def by_translation(articles: list[Article], language: str) -> list[list[Article]]:
    """Articles with their other language versions in one entry (Swedish first), the entries
    ordered by their title in `language`."""
    entries: dict[str, list[Article]] = {}
    for article in articles:
        entries.setdefault(article.translation_key, []).append(article)
    for versions in entries.values():
        versions.sort(key=_swedish_first)

    def title(versions: list[Article]) -> str:
        return next((a.title for a in versions if a.language == language), versions[0].title).casefold()

    return sorted(entries.values(), key=title)


def set_hidden(actor, article: Article, hidden: bool) -> None:
    """An organisation hides (or shows again) a shipped article for its people, in every
    language: what is wrong for the organisation in Swedish is wrong in English too."""
    require(actor, "kb.hide_shipped", article)
    org_id = actor.organisation_id
    versions = shipped_versions(article)
    for version in versions:
        existing = db.session.scalar(select(ArticleHidden).where(ArticleHidden.organisation_id == org_id,
                                                                 ArticleHidden.article_id == version.id))
        if hidden and existing is None:
            db.session.add(ArticleHidden(organisation_id=org_id, article_id=version.id, hidden_by_id=actor.id))
        elif not hidden and existing is not None:
            db.session.delete(existing)
    db.session.flush()
    _forget_hidden_cache()
    for version in versions:
        content_changed.send("article", object_id=version.id, deleted=False)


def is_hidden_for_org(article: Article, organisation_id: int | None) -> bool:
    return article.id in hidden_article_ids(organisation_id)


def editable_articles(actor) -> list[Article]:
    """The central team's own articles (drafts too) and the shipped ones, for the editor."""
    require(actor, "kb.write")
    return list(db.session.scalars(
        select(Article).where((Article.organisation_id == actor.organisation_id)
                              | Article.organisation_id.is_(None),
                              Article.status != ArticleStatus.DELETED)
        .order_by(Article.source.desc(), Article.status, Article.title)))


# -- statistics --------------------------------------------------------------------------
@dataclass
class Stats:
    most_viewed: list[Article]
    least_helpful: list[Article]
    not_found: list[tuple[str, int]]
    # Searches made without logging in belong to no organisation; see stats().
    not_found_public: list[tuple[str, int]]
    comments: list[tuple[Article, ArticleVote]]


def stats(actor, limit: int = 10) -> Stats:
    require(actor, "kb.stats")
    org_id = actor.organisation_id
    mine = ((Article.organisation_id.is_(None)) | (Article.organisation_id == org_id)) \
        & (Article.status != ArticleStatus.DELETED)
    most_viewed = list(db.session.scalars(select(Article).where(mine, Article.views > 0)
                                          .order_by(Article.views.desc(), Article.title).limit(limit)))
    voted = Article.helpful_count + Article.not_helpful_count
    least = list(db.session.scalars(
        select(Article).where(mine, Article.not_helpful_count > 0)
        .order_by((Article.helpful_count * 1.0 / voted).asc(), Article.not_helpful_count.desc())
        .limit(limit)))
    def searched_in_vain(who, at_least: int = 1) -> list[tuple[str, int]]:
        times = func.count(SearchLog.id)
        return [(q, n) for q, n in db.session.execute(
            select(SearchLog.query, times).where(SearchLog.results_count == 0, who)
            .group_by(SearchLog.query).having(times >= at_least)
            .order_by(times.desc(), SearchLog.query).limit(limit))]

    # The public search is shared by every organisation and nobody knows whose visitor
    # typed what, so each central team sees it apart from its own people's searches, and
    # only what was asked at least twice: a one-off search may hold a name.
    not_found = searched_in_vain(SearchLog.organisation_id == org_id)
    not_found_public = searched_in_vain(SearchLog.organisation_id.is_(None), at_least=2)
    comments = list(db.session.execute(
        select(Article, ArticleVote).join(ArticleVote, ArticleVote.article_id == Article.id)
        .where(mine, ArticleVote.comment != "").order_by(ArticleVote.created_at.desc()).limit(limit)))
    return Stats(most_viewed, least, not_found, not_found_public, [(a, v) for a, v in comments])


SEARCH_ORIGINS = ("search", "suggestion")


def log_search(user, text: str, lang: str | None, results_count: int, origin: str = "search") -> None:
    """Keep what was searched for (civic numbers masked by the column) so the central team
    sees gaps; `origin` is "search" or "suggestion"."""
    query = " ".join((text or "").split())[:200]
    if not query:
        return
    org_id = getattr(user, "organisation_id", None) if getattr(user, "is_authenticated", False) else None
    db.session.add(SearchLog(query=query.lower(), language=lang, results_count=results_count,
                             organisation_id=org_id,
                             origin=origin if origin in SEARCH_ORIGINS else "search"))


# -- the hooks for the tickets capability ----------------------------------------------
def _summary(actor, article: Article | None) -> dict | None:
    if article is None or not can(actor, "kb.read", article):
        return None
    return {"id": article.id, "title": article.title, "url": article_url(article)}


def find_article(actor, ref: str) -> dict | None:
    """An article the actor may read, named by its slug or its address (…/kb/a/<slug>)."""
    slug = (ref or "").strip().rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0].split("#", 1)[0]
    try:
        return _summary(actor, get_by_slug(slug.lower()))
    except NotFound:
        return None


def article_for(actor, article_id: int | None) -> dict | None:
    return _summary(actor, db.session.get(Article, article_id)) if article_id else None


def article_from(actor, origin_kind: str, origin_id: int) -> dict | None:
    """The article (or draft) the actor's organisation already made from a ticket or thread,
    not deleted, so promoting twice hands back the first one instead of a second draft."""
    scope = scope_of(actor)
    found = db.session.scalars(
        select(Article).where(Article.origin_kind == origin_kind, Article.origin_id == int(origin_id),
                              Article.organisation_id.in_(sorted(scope.central_org_ids) or [-1]),
                              Article.status != ArticleStatus.DELETED)
        .order_by(Article.id).limit(1)).first()
    return _summary(actor, found)


# -- the hook for the boards capability --------------------------------------------------
def create_draft_article(actor, title: str, body_markdown: str, language: str = "sv",
                         source_kind: str | None = None, source_id: int | None = None) -> Article:
    """A draft for the actor's organisation, e.g. promoted from a forum answer (central only)."""
    return create_article(actor, title=title, body=body_markdown, language=language, audience="staff",
                          publish=False, origin_kind=source_kind, origin_id=source_id)
