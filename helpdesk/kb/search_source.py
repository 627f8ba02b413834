"""How search loads articles and who may see them (a DocumentSource for kind "article")."""
from __future__ import annotations

from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.kb.models import Article, ArticleHidden, ArticleStatus, Audience
from helpdesk.search.analysis import plain_text
from helpdesk.search.backends.base import SearchDocument
from helpdesk.search.sources import DocumentSource


def access_tokens(article: Article) -> set[str]:
    aud = article.audience.value
    if article.organisation_id is None or article.audience is Audience.PUBLIC:
        return {f"kb:{aud}"}
    return {f"kb:{aud}:o:{article.organisation_id}"}


def reader_tokens(scope) -> set[str]:
    from helpdesk.kb.policies import audiences_for

    tokens = set()
    for aud in audiences_for(scope):
        tokens.add(f"kb:{aud.value}")
        if scope.organisation_id is not None:
            tokens.add(f"kb:{aud.value}:o:{scope.organisation_id}")
    return tokens


def reader_excludes(scope) -> set[str]:
    return {f"kb:hidden:o:{scope.organisation_id}"} if scope.organisation_id is not None else set()


def load(ids: list[int]) -> list[SearchDocument]:
    if not ids:
        return []
    from flask import current_app, has_request_context, url_for

    if not has_request_context():
        with current_app.test_request_context("/"):
            return load(ids)
    articles = db.session.scalars(select(Article).where(Article.id.in_(ids),
                                                        Article.status == ArticleStatus.PUBLISHED)).all()
    hidden: dict[int, set[int]] = {}
    for org_id, article_id in db.session.execute(
            select(ArticleHidden.organisation_id, ArticleHidden.article_id)
            .where(ArticleHidden.article_id.in_([a.id for a in articles]))):
        hidden.setdefault(article_id, set()).add(org_id)
    docs = []
    for a in articles:
        body = plain_text(a.body_html)
        title = a.title
        docs.append(SearchDocument(
            kind="article", object_id=a.id, language=a.language, title=title, body=body,
            url=url_for("kb.article", slug=a.slug), tags=list(a.tags or []) + ([a.category] if a.category else []),
            audience=a.audience.value, access=access_tokens(a),
            exclude={f"kb:hidden:o:{o}" for o in hidden.get(a.id, ())},
            public_words=a.is_shipped or a.audience is Audience.PUBLIC))
    return docs


def all_ids():
    return db.session.scalars(select(Article.id).where(Article.status == ArticleStatus.PUBLISHED)
                              .order_by(Article.id)).all()


def source() -> DocumentSource:
    from flask_babel import lazy_gettext as _l

    return DocumentSource(kind="article", load=load, all_ids=all_ids, reader_tokens=reader_tokens,
                          reader_excludes=reader_excludes, label=lambda: str(_l("Help articles")), order=10)
