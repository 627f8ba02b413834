"""GET /api/v1/articles/<slug>: an article with its rendered HTML, by the same rule as the page."""
from __future__ import annotations

from flask_login import current_user

from helpdesk.api import api
from helpdesk.kb import services


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
def article(slug: str):
    return describe(services.read_article(current_user, slug))
