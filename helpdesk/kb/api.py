"""GET /api/v1/articles/<slug>: an article with its rendered HTML, by the same rule as the page."""
from __future__ import annotations

from flask_login import current_user

from helpdesk.api import api
from helpdesk.kb import services
from pydantic import Field

from helpdesk.api.spec import MAX_ID, Binary, Schema, operation


class Article(Schema):
    id: int
    slug: str
    title: str
    language: str
    translation_of: int | None
    audience: str
    tags: list[str]
    category: str | None
    status: str
    source: str
    organisation_id: int | None
    updated: str | None
    body_markdown: str
    html: str
    url: str



def describe(article) -> dict:
    return {
        "id": article.id, "slug": article.slug, "title": article.title, "language": article.language,
        "translation_of": article.translation_of, "audience": article.audience.value,
        "tags": list(article.tags or []), "category": article.category, "status": article.status.value,
        "source": article.source.value, "organisation_id": article.organisation_id,
        "updated": (article.updated_on or article.updated_at.date()).isoformat() if (article.updated_on or article.updated_at) else None,
        "body_markdown": article.body, "html": article.body_html,
        "url": services.article_url(article, external=True),
    }


@api.get("/articles/<slug>")
@operation("A help article with its rendered HTML (public ones need no token)", tag="articles", public=True, responses={200: Article})
def article(slug: str):
    return describe(services.read_article(current_user, slug))
