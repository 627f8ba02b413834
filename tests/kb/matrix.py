from sqlalchemy import select

from helpdesk.extensions import db
from tests.matrix import EVERYONE, Case

ADMINS = frozenset({"central", "local", "local_other", "group_admin", "vendor", "other_org"})
STAFF = ADMINS | {"teacher"}
CENTRALS = frozenset({"central", "other_org"})
DRAFT = "rutin-nar-en-ny-skola-ansluts"


def article_id(slug: str) -> int:
    from helpdesk.kb.models import Article

    found = db.session.scalar(select(Article.id).where(Article.slug == slug))
    assert found is not None, f"demo has no article {slug}"
    return found


def deleted_article_id() -> int:
    """Exempelkommun's demo draft, deleted (each matrix test has its own database)."""
    from helpdesk.kb.models import Article, ArticleStatus

    article = db.session.get(Article, article_id(DRAFT))
    article.status = ArticleStatus.DELETED
    db.session.commit()
    return article.id


CASES = [
    Case("kb.index", lambda r: "/kb/", EVERYONE),
    Case("kb.article", lambda r: "/kb/a/losenord-glomt", EVERYONE, name="public"),
    Case("kb.article", lambda r: "/kb/a/nattlig-synk", STAFF, name="staff"),
    Case("kb.article", lambda r: "/kb/a/autosynk-aldrig-manuellt", ADMINS, name="admin"),
    Case("kb.article", lambda r: "/kb/a/lokal-supportorganisation", CENTRALS, name="central"),
    Case("kb.article", lambda r: f"/kb/a/{DRAFT}", frozenset({"central"}), name="draft of Exempelkommun"),
    Case("kb.vote", lambda r: "/kb/a/losenord-glomt/vote", EVERYONE, method="POST",
         data={"helpful": "yes"}, name="public"),
    Case("kb.vote", lambda r: "/kb/a/autosynk-aldrig-manuellt/vote", ADMINS, method="POST",
         data={"helpful": "no", "comment": "Saknar exempel"}, name="admin"),
    Case("kb.manage", lambda r: "/kb/manage/", CENTRALS),
    Case("kb.new", lambda r: "/kb/manage/new", CENTRALS),
    Case("kb.new", lambda r: "/kb/manage/new", CENTRALS, method="POST",
         data={"title": "Vår rutin", "body": "Text", "language": "sv", "audience": "staff",
               "category": "support", "action": "save"}),
    Case("kb.edit", lambda r: f"/kb/manage/{article_id(DRAFT)}/edit", frozenset({"central"})),
    Case("kb.edit", lambda r: f"/kb/manage/{article_id(DRAFT)}/edit", frozenset({"central"}), method="POST",
         data={"title": "Rutin för nya skolor", "body": "Ny text", "language": "sv", "audience": "staff",
               "category": "organisation", "action": "save"}),
    Case("kb.edit", lambda r: f"/kb/manage/{article_id('losenord-glomt')}/edit", frozenset(), name="shipped"),
    Case("kb.set_status", lambda r: f"/kb/manage/{article_id(DRAFT)}/status", frozenset({"central"}),
         method="POST", data={"status": "published"}),
    Case("kb.delete", lambda r: f"/kb/manage/{article_id(DRAFT)}/delete", frozenset({"central"})),
    Case("kb.delete", lambda r: f"/kb/manage/{article_id(DRAFT)}/delete", frozenset({"central"}), method="POST"),
    Case("kb.delete", lambda r: f"/kb/manage/{article_id('losenord-glomt')}/delete", frozenset(),
         method="POST", name="shipped"),
    Case("kb.undelete", lambda r: f"/kb/manage/{deleted_article_id()}/undelete", frozenset({"central"}),
         method="POST"),
    Case("kb.undelete", lambda r: f"/kb/manage/{article_id(DRAFT)}/undelete", frozenset(),
         method="POST", name="not deleted"),
    Case("kb.revisions", lambda r: f"/kb/manage/{article_id(DRAFT)}/revisions", frozenset({"central"})),
    Case("kb.restore", lambda r: f"/kb/manage/{article_id(DRAFT)}/revisions/1/restore", frozenset({"central"}),
         method="POST"),
    Case("kb.set_hidden", lambda r: f"/kb/manage/{article_id('hjalpresurser')}/hidden", CENTRALS,
         method="POST", data={"hidden": "1"}),
    Case("kb.set_hidden", lambda r: f"/kb/manage/{article_id(DRAFT)}/hidden", frozenset(),
         method="POST", data={"hidden": "1"}, name="not shipped"),
    Case("kb.stats", lambda r: "/kb/manage/stats", CENTRALS),
    Case("api.article", lambda r: "/api/v1/articles/losenord-glomt", EVERYONE, name="public"),
    Case("api.article", lambda r: "/api/v1/articles/autosynk-aldrig-manuellt", ADMINS, name="admin"),
    Case("api.article", lambda r: f"/api/v1/articles/{DRAFT}", frozenset({"central"}), name="draft"),
]
