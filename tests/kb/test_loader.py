"""Loading kb_articles/: idempotent, and bad files reported by name and line, never half-loaded."""

from sqlalchemy import func, select

from helpdesk.extensions import db
from helpdesk.kb.loader import default_root, load_articles
from helpdesk.kb.models import Article, ArticleSource, ArticleStatus, Audience
from helpdesk.search.models import IndexOutbox

GOOD = """---
title: Ett prov
slug: ett-prov
language: sv
translation_of:
audience: staff
tags: [prov, test]
category: support
updated: 2026-11-20
---
Det här är **text**.
"""


def test_loads_every_shipped_article_once(app):
    with app.app_context():
        shipped = len(list(default_root().rglob("*.md")))
        assert shipped >= 100  # 50 articles, each in Swedish and English
        first = load_articles(default_root())
        db.session.commit()
        assert len(first.created) == shipped and not first.errors
        again = load_articles(default_root())
        db.session.commit()
        assert again.created == [] and again.updated == [] and len(again.unchanged) == shipped
        assert db.session.scalar(select(func.count(Article.id))) == shipped
        art = db.session.scalar(select(Article).where(Article.slug == "losenord-glomt"))
        assert art.source is ArticleSource.SHIPPED and art.status is ArticleStatus.PUBLISHED
        assert art.organisation_id is None and art.audience is Audience.PUBLIC
        assert "<h2>" in art.body_html and "<script" not in art.body_html
        english = db.session.scalar(select(Article).where(Article.slug == "forgotten-password"))
        assert english.translation_of == "losenord-glomt" and english.language == "en"


def test_changed_file_is_updated_and_reindexed(app, tmp_path):
    path = tmp_path / "a.md"
    path.write_text(GOOD, encoding="utf-8")
    with app.app_context():
        assert load_articles(tmp_path).created == ["ett-prov"]
        db.session.commit()
        path.write_text(GOOD.replace("**text**", "ny text"), encoding="utf-8")
        report = load_articles(tmp_path)
        db.session.commit()
        assert report.updated == ["ett-prov"]
        art = db.session.scalar(select(Article).where(Article.slug == "ett-prov"))
        assert "ny text" in art.body
        assert db.session.scalar(select(func.count(IndexOutbox.id))) == 2


def test_bad_front_matter_is_reported_with_file_and_line_and_skipped(app, tmp_path):
    (tmp_path / "good.md").write_text(GOOD, encoding="utf-8")
    (tmp_path / "bad-yaml.md").write_text(GOOD.replace("tags: [prov, test]", "tags: [prov, test"), encoding="utf-8")
    (tmp_path / "bad-audience.md").write_text(GOOD.replace("slug: ett-prov", "slug: tva-prov")
                                              .replace("audience: staff", "audience: everybody"), encoding="utf-8")
    (tmp_path / "no-front.md").write_text("Bara text\n", encoding="utf-8")
    (tmp_path / "latin1.md").write_bytes(GOOD.replace("ett-prov", "tre-prov").encode("utf-8") + b"\xff\xfe")
    with app.app_context():
        report = load_articles(tmp_path)
        db.session.commit()
        assert report.created == ["ett-prov"]
        errors = "\n".join(report.errors)
        assert "bad-audience.md:6:" in errors
        assert "bad-yaml.md:" in errors
        assert "no-front.md:1:" in errors
        assert "latin1.md:1:" in errors
        assert db.session.scalar(select(func.count(Article.id))) == 1


def test_cli_reports_created_updated_unchanged(app, tmp_path):
    (tmp_path / "good.md").write_text(GOOD, encoding="utf-8")
    (tmp_path / "bad.md").write_text("---\ntitle: x\n---\ntext", encoding="utf-8")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["kb", "load", str(tmp_path)])
    assert "1 created, 0 updated, 0 unchanged, 1 skipped" in result.output
    assert "bad.md:" in result.output
    assert result.exit_code == 1
    result = runner.invoke(args=["kb", "load", str(tmp_path / "good.md")])
    assert "0 created, 0 updated, 1 unchanged" in result.output


def test_setup_step_loads_articles(app):
    from helpdesk.core.cli import _SETUP_STEPS

    names = [name for _, name, _ in _SETUP_STEPS]
    assert "knowledge base articles" in names and "search index" in names
    step = dict((name, fn) for _, name, fn in _SETUP_STEPS)["knowledge base articles"]
    with app.app_context():
        step()
        db.session.commit()
        assert db.session.scalar(select(func.count(Article.id))) == len(list(default_root().rglob("*.md")))


def test_every_shipped_article_has_its_other_language():
    """Each Swedish article has an English translation beside it, of the same audience."""
    from helpdesk.kb.loader import parse_file

    parsed = [parse_file(p).meta for p in default_root().rglob("*.md")]
    swedish = {m["slug"]: m for m in parsed if m["language"] == "sv"}
    english = [m for m in parsed if m["language"] == "en"]
    assert sorted(m["translation_of"] for m in english) == sorted(swedish)
    for m in english:
        assert m["audience"] == swedish[m["translation_of"]]["audience"], m["slug"]
        assert m["category"] == swedish[m["translation_of"]]["category"], m["slug"]
    assert any(m["audience"] == "guardian" for m in parsed)
