"""Load the shipped articles in kb_articles/ into the database, idempotently.

Each file is read and checked completely before anything is written, so a file with bad
front matter is reported (by file name and line) and skipped, never half-loaded.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml
from sqlalchemy import select

from helpdesk.events import content_changed
from helpdesk.extensions import db
from helpdesk.kb.models import Article, ArticleSource, ArticleStatus, Audience
from helpdesk.models_base import utcnow
from helpdesk.kb.render import render_article as render_markdown

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
REQUIRED = ("title", "slug", "language", "audience", "category")


class BadArticle(Exception):
    def __init__(self, path: Path, line: int, message: str):
        self.path, self.line, self.message = path, line, message
        super().__init__(f"{path.name}:{line}: {message}")


@dataclass
class ParsedArticle:
    path: Path
    meta: dict
    body: str
    digest: str


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _line_of(front: str, key: str) -> int:
    for i, line in enumerate(front.splitlines(), start=2):  # line 1 is the opening ---
        if line.split(":", 1)[0].strip() == key:
            return i
    return 1


def parse_file(path: Path) -> ParsedArticle:
    try:
        raw = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadArticle(path, 1, f"not UTF-8 ({exc.reason})") from None
    text = raw.replace("\r\n", "\n")
    if not text.startswith("---\n"):
        raise BadArticle(path, 1, "the file must start with front matter between --- lines")
    end = text.find("\n---", 4)
    if end == -1:
        raise BadArticle(path, 1, "the front matter has no closing --- line")
    front = text[4:end + 1]
    body = text[end + 4:].lstrip("-").lstrip("\n")
    try:
        meta = yaml.safe_load(front)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise BadArticle(path, line, f"front matter is not valid YAML: {problem}") from None
    if not isinstance(meta, dict):
        raise BadArticle(path, 2, "the front matter must be a mapping of keys to values")
    for key in REQUIRED:
        if not meta.get(key) or not isinstance(meta.get(key), str):
            raise BadArticle(path, _line_of(front, key), f"'{key}' is missing or not text")
    if not SLUG.match(meta["slug"]) or len(meta["slug"]) > 120:
        raise BadArticle(path, _line_of(front, "slug"), "the slug may hold only a-z, 0-9 and dashes")
    if meta["language"] not in ("sv", "en"):
        raise BadArticle(path, _line_of(front, "language"), "language must be sv or en")
    if meta["audience"] not in {a.value for a in Audience}:
        raise BadArticle(path, _line_of(front, "audience"),
                         "audience must be one of public, guardian, staff, admin, central")
    tags = meta.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, (str, int)) for t in tags):
        raise BadArticle(path, _line_of(front, "tags"), "tags must be a list of words")
    meta["tags"] = [str(t).strip() for t in tags if str(t).strip()]
    translation = meta.get("translation_of")
    if translation is not None and (not isinstance(translation, str) or not SLUG.match(translation)):
        raise BadArticle(path, _line_of(front, "translation_of"), "translation_of must be a slug")
    updated = meta.get("updated")
    if updated is not None and not isinstance(updated, date):
        raise BadArticle(path, _line_of(front, "updated"), "updated must be a date (YYYY-MM-DD)")
    if len(meta["title"]) > 200:
        raise BadArticle(path, _line_of(front, "title"), "the title is longer than 200 characters")
    if not body.strip():
        raise BadArticle(path, end // 1 + 1, "the article has no text")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return ParsedArticle(path, meta, body.strip() + "\n", digest)


def _apply(article: Article, parsed: ParsedArticle, root: Path) -> None:
    m = parsed.meta
    article.slug = m["slug"]
    article.language = m["language"]
    article.translation_of = m.get("translation_of") or None
    article.audience = Audience(m["audience"])
    article.tags = m["tags"]
    article.category = m["category"]
    article.title = m["title"].strip()
    article.body = parsed.body
    article.body_html = render_markdown(parsed.body)
    article.updated_on = m.get("updated")
    article.source_path = str(parsed.path.relative_to(root)) if parsed.path.is_relative_to(root) else parsed.path.name
    article.content_hash = parsed.digest


def load_articles(root: Path) -> LoadReport:
    """Create or update the shipped articles under `root` (flushes; the caller commits)."""
    report = LoadReport()
    files = sorted(root.rglob("*.md")) if root.is_dir() else [root]
    base = root if root.is_dir() else root.parent
    seen: set[str] = set()
    for path in files:
        try:
            parsed = parse_file(path)
        except BadArticle as exc:
            report.errors.append(str(exc))
            continue
        slug = parsed.meta["slug"]
        if slug in seen:
            report.errors.append(f"{path.name}:{_line_of('', 'slug')}: the slug '{slug}' is used by another file")
            continue
        seen.add(slug)
        article = db.session.scalar(select(Article).where(Article.slug == slug))
        if article is not None and article.source is not ArticleSource.SHIPPED:
            report.errors.append(f"{path.name}:1: the slug '{slug}' belongs to an article written in the portal")
            continue
        if article is None:
            article = Article(source=ArticleSource.SHIPPED, status=ArticleStatus.PUBLISHED,
                              organisation_id=None, published_at=utcnow())
            _apply(article, parsed, base)
            db.session.add(article)
            db.session.flush()
            report.created.append(slug)
        elif article.content_hash == parsed.digest:
            report.unchanged.append(slug)
            continue
        else:
            _apply(article, parsed, base)
            db.session.flush()
            report.updated.append(slug)
        content_changed.send("article", object_id=article.id, deleted=False)
    return report


def default_root() -> Path:
    return Path(__file__).resolve().parent.parent.parent / "kb_articles"
