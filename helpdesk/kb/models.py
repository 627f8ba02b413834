"""Knowledge-base articles: shipped ones (from kb_articles/) and the central team's own."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from helpdesk.extensions import db
from helpdesk.models_base import TimestampMixin, UTCDateTime, enum_column, free_text, utcnow


class Audience(str, enum.Enum):
    """Who may read an article, from the widest circle to the narrowest."""

    PUBLIC = "public"
    GUARDIAN = "guardian"
    STAFF = "staff"
    ADMIN = "admin"
    CENTRAL = "central"


class ArticleStatus(str, enum.Enum):
    DRAFT = "draft"
    PUBLISHED = "published"
    # Deleted by its central team: gone from every page and from search, but kept with its
    # revisions, votes and the tickets that refer to it, and can be restored (as a draft).
    DELETED = "deleted"


class ArticleSource(str, enum.Enum):
    SHIPPED = "shipped"  # loaded from kb_articles/, read-only in the portal
    PORTAL = "portal"  # written by an organisation's central team


class Article(TimestampMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    # None for shipped articles, which every organisation shares.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    language: Mapped[str] = mapped_column(String(5), index=True)
    # The slug of the article this one translates (the Swedish original); None for originals.
    translation_of: Mapped[str | None] = mapped_column(String(120), index=True)
    audience: Mapped[Audience] = enum_column(Audience, index=True)
    tags: Mapped[list] = mapped_column(JSON, default=list)
    category: Mapped[str] = mapped_column(String(64), default="", index=True)
    # Not free_text: shipped articles show example numbers on purpose (a temporary
    # number 20160307-TF01); what central writes in the portal is masked by the service.
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ArticleStatus] = enum_column(ArticleStatus, default=ArticleStatus.DRAFT, index=True)
    source: Mapped[ArticleSource] = enum_column(ArticleSource, index=True)
    # A portal article may complement a shipped one: it is shown beneath it for the organisation.
    complements_id: Mapped[int | None] = mapped_column(ForeignKey("article.id"), index=True)
    # Shipped: the file name and a hash of its text, so loading again changes nothing.
    source_path: Mapped[str | None] = mapped_column(String(255))
    content_hash: Mapped[str | None] = mapped_column(String(64))
    updated_on: Mapped[date | None] = mapped_column(Date)
    # Where a draft came from (e.g. "thread", 12 when the boards promote an answer).
    origin_kind: Mapped[str | None] = mapped_column(String(32))
    origin_id: Mapped[int | None] = mapped_column()
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    views: Mapped[int] = mapped_column(default=0)
    helpful_count: Mapped[int] = mapped_column(default=0)
    not_helpful_count: Mapped[int] = mapped_column(default=0)

    complements: Mapped[Article | None] = relationship(remote_side=[id], foreign_keys=[complements_id])
    revisions: Mapped[list[ArticleRevision]] = relationship(
        back_populates="article", order_by="ArticleRevision.number.desc()", cascade="all, delete-orphan")

    @property
    def is_shipped(self) -> bool:
        return self.source is ArticleSource.SHIPPED

    @property
    def is_published(self) -> bool:
        return self.status is ArticleStatus.PUBLISHED

    @property
    def is_deleted(self) -> bool:
        return self.status is ArticleStatus.DELETED

    @property
    def translation_key(self) -> str:
        """The same for both language versions of an article."""
        return self.translation_of or self.slug

    @property
    def helpful_share(self) -> float | None:
        total = self.helpful_count + self.not_helpful_count
        return self.helpful_count / total if total else None


class ArticleHidden(db.Model):
    """An organisation has chosen not to show a shipped article to its people."""

    __table_args__ = (UniqueConstraint("organisation_id", "article_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id"), index=True)
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    hidden_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ArticleRevision(db.Model):
    """A saved version of a portal article: who saved what, and when."""

    __table_args__ = (UniqueConstraint("article_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id"), index=True)
    number: Mapped[int] = mapped_column()
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = free_text(String(200), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    article: Mapped[Article] = relationship(back_populates="revisions")
    created_by = relationship("User", foreign_keys=[created_by_id])


class ArticleVote(db.Model):
    """A reader's "was this helpful?" answer, with an optional comment (civic numbers masked)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    helpful: Mapped[bool] = mapped_column()
    comment: Mapped[str] = free_text(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class SearchLog(db.Model):
    """One search as typed (civic numbers masked), for "searched for but not found"."""

    __table_args__ = (Index("ix_search_log_results_created", "results_count", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    query: Mapped[str] = free_text(String(200), index=True)
    language: Mapped[str | None] = mapped_column(String(5))
    results_count: Mapped[int] = mapped_column(default=0)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    # "search" (the search page) or "suggestion" (asked while a question is written), so
    # "searched for but not found" also shows what people looked for before asking.
    origin: Mapped[str] = mapped_column(String(16), default="search", server_default="search")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
