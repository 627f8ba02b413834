"""What the knowledge base holds about a person ("was this helpful?" answers and comments),
for the privacy capability, and its retention rule for the search log."""
from __future__ import annotations

from sqlalchemy import func, select, update

from helpdesk.extensions import db
from helpdesk.kb.models import Article, ArticleVote, SearchLog
from helpdesk.privacy.registry import ANONYMISED, KEPT, ErasureLine, Holding


def export(person, user_ids: list[int]) -> dict:
    votes = db.session.execute(select(ArticleVote, Article.title).join(Article, Article.id == ArticleVote.article_id)
                               .where(ArticleVote.user_id.in_(user_ids or [-1])).order_by(ArticleVote.id))
    written = db.session.scalar(select(func.count(Article.id)).where(Article.created_by_id.in_(user_ids or [-1])))
    return {"article_feedback": [{"article": title, "helpful": v.helpful, "comment": v.comment,
                                  "created_at": v.created_at.isoformat()} for v, title in votes],
            "articles_written": written or 0}


def erase(person, user_ids: list[int], *, dry_run: bool, keep_directory: bool) -> list[ErasureLine]:
    if not user_ids:
        return []
    lines = []
    votes = db.session.scalar(select(func.count(ArticleVote.id)).where(ArticleVote.user_id.in_(user_ids))) or 0
    if votes:
        lines.append(ErasureLine("kb", "article_feedback", ANONYMISED, votes))
        if not dry_run:
            db.session.execute(update(ArticleVote).where(ArticleVote.user_id.in_(user_ids))
                               .values(user_id=None, comment="").execution_options(synchronize_session=False))
    written = db.session.scalar(select(func.count(Article.id)).where(Article.created_by_id.in_(user_ids))) or 0
    if written:
        lines.append(ErasureLine("kb", "articles_written", KEPT, written, "work_record"))
    return lines


def register() -> None:
    from helpdesk.privacy import registry

    registry.register_holding(Holding("kb", export, erase, order=50))
    registry.register_retention_rule(registry.deleting_rule(
        "search_log_days", SearchLog, SearchLog.organisation_id, SearchLog.created_at))
