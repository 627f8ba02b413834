"""Knowledge-base rules without HTTP: audience, organisation scope, revisions, votes, stats."""
import pytest
from sqlalchemy import select

from helpdesk import hooks
from helpdesk.access import can
from helpdesk.errors import NotFound, PermissionDenied, ValidationFailed
from helpdesk.extensions import db
from helpdesk.kb import services
from helpdesk.kb.models import ArticleStatus, SearchLog

EMAILS = {
    "central": "central@exempelkommun.se", "local": "lokal.norr@exempelkommun.se",
    "teacher": "larare.norr@exempelkommun.se", "guardian": "vardnadshavare.norr@exempelkommun.se",
    "vendor": "leverantor@leverantor.example", "other_org": "central@grannby.se",
    "other_teacher": "larare@grannby.se",
}


def u(role):
    from helpdesk.auth.models import User

    return db.session.scalar(select(User).where(User.email == EMAILS[role]))


@pytest.mark.parametrize("slug, readers", [
    ("losenord-glomt", {None, "central", "local", "teacher", "guardian", "vendor", "other_org"}),
    ("nattlig-synk", {"central", "local", "teacher", "vendor", "other_org"}),
    ("autosynk-aldrig-manuellt", {"central", "local", "vendor", "other_org"}),
    ("lokal-supportorganisation", {"central", "other_org"}),
])
def test_audience_rule(demo_app, slug, readers):
    with demo_app.test_request_context():
        art = services.get_by_slug(slug)
        for role in [None, "central", "local", "teacher", "guardian", "vendor", "other_org"]:
            user = u(role) if role else None
            assert can(user, "kb.read", art) == (role in readers), (slug, role)


def test_unreadable_article_is_not_found(demo_app):
    with demo_app.test_request_context():
        with pytest.raises(NotFound):
            services.read_article(None, "autosynk-aldrig-manuellt")
        with pytest.raises(NotFound):
            services.read_article(None, "no-such-article")


def test_portal_article_is_scoped_to_its_organisation(demo_app):
    with demo_app.test_request_context():
        central = u("central")
        art = services.create_article(central, title="Vår lovskola", body="Text om lovskola",
                                      language="sv", audience="staff", publish=True)
        assert art.organisation_id == central.organisation_id and art.slug == "var-lovskola"
        assert can(u("teacher"), "kb.read", art)
        assert not can(u("other_teacher"), "kb.read", art)
        assert not can(u("other_org"), "kb.read", art)
        assert not can(u("other_org"), "kb.edit", art)
        public = services.create_article(central, title="Öppet för alla", body="Text", language="sv",
                                         audience="public", publish=True)
        assert can(None, "kb.read", public)


def test_drafts_only_for_their_central_team(demo_app):
    with demo_app.test_request_context():
        draft = services.get_by_slug("rutin-nar-en-ny-skola-ansluts")
        assert draft.status is ArticleStatus.DRAFT
        assert can(u("central"), "kb.read", draft)
        assert not can(u("teacher"), "kb.read", draft)
        assert draft not in services.visible_articles(u("teacher"), "sv")


def test_only_central_writes_and_shipped_is_read_only(demo_app):
    with demo_app.test_request_context():
        with pytest.raises(PermissionDenied):
            services.create_article(u("local"), title="x", body="y")
        shipped = services.get_by_slug("losenord-glomt")
        with pytest.raises(PermissionDenied):
            services.update_article(u("central"), shipped, title="x", body="y")


def test_validation(demo_app):
    with demo_app.test_request_context():
        central = u("central")
        for kwargs, field in [({"title": " ", "body": "x"}, "title"), ({"title": "x" * 201, "body": "x"}, "title"),
                              ({"title": "x", "body": ""}, "body"), ({"title": "x", "body": "y", "language": "de"}, "language"),
                              ({"title": "x", "body": "y", "audience": "everyone"}, "audience")]:
            with pytest.raises(ValidationFailed) as err:
                services.create_article(central, **kwargs)
            assert err.value.field == field


def test_revisions_diff_and_restore(demo_app):
    with demo_app.test_request_context():
        central = u("central")
        art = services.create_article(central, title="Rutin", body="Första raden\nAndra raden", language="sv")
        services.update_article(central, art, title="Rutin", body="Första raden\nÄndrad rad", note="rättning")
        assert [r.number for r in art.revisions] == [2, 1]
        diff = services.diff_revisions(central, art, 1, 2)
        assert ("del", "Andra raden") in diff.lines and ("add", "Ändrad rad") in diff.lines
        services.restore_revision(central, art, 1)
        assert "Andra raden" in art.body and art.revisions[0].number == 3
        assert art.revisions[0].note == "restore:1"
        assert art.revisions[0].created_by_id == central.id
        with pytest.raises(PermissionDenied):
            services.diff_revisions(u("local"), art, 1, 2)


def test_markdown_is_sanitized_and_civic_numbers_masked(demo_app):
    with demo_app.test_request_context():
        art = services.create_article(
            u("central"), title="Test 19800101-1234",
            body="<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)> 800101-1234",
            language="sv")
        assert "<script" not in art.body_html and "javascript:" not in art.body_html
        assert "onerror" not in art.body_html
        assert "1234" not in art.title and "1234" not in art.body


def test_video_links_become_allow_listed_embeds(demo_app):
    with demo_app.test_request_context():
        art = services.create_article(u("central"), title="Film", language="sv",
                                      body="Se filmen:\n\nhttps://www.youtube.com/watch?v=dQw4w9WgXcQ\n\n"
                                           "https://vimeo.com/76979871\n\nhttps://evil.example/watch?v=x")
        assert 'src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in art.body_html
        assert 'src="https://player.vimeo.com/video/76979871"' in art.body_html
        assert "evil.example" not in art.body_html.split("<iframe")[-1].split(">")[0]
        assert art.body_html.count("<iframe") == 2


def test_hide_shipped_per_organisation(demo_app):
    with demo_app.test_request_context():
        art = services.get_by_slug("hjalpresurser")
        services.set_hidden(u("central"), art, True)
        assert not can(u("teacher"), "kb.read", art)
        english = services.get_by_slug("help-resources")
        assert not can(u("teacher"), "kb.read", english)  # both language versions
        assert can(u("other_teacher"), "kb.read", art)
        assert can(None, "kb.read", art)  # the public page itself stays for others
        services.set_hidden(u("central"), english, False)  # from either version
        assert can(u("teacher"), "kb.read", art) and can(u("teacher"), "kb.read", english)
        with pytest.raises(PermissionDenied):
            services.set_hidden(u("local"), art, True)


def test_related_articles_share_category_and_language_and_respect_reading_rights(demo_app):
    with demo_app.test_request_context():
        art = services.get_by_slug("vardnadshavare-utan-personnummer")

        def related(who):
            return [a.slug for a in services.related_articles(who, art)]

        # Each shares two tags with the article, so they come in title order (at most four).
        public = ["losenord-glomt", "vardnadshavare-kan-inte-logga-in", "logga-in-med-freja",
                  "inloggning-vardnadshavare"]
        assert related(None) == public
        assert "inloggningsuppgifter" in related(u("local"))  # an admin article, for admins only
        assert "inloggningsuppgifter" not in related(None)
        services.set_hidden(u("central"), services.get_by_slug("losenord-glomt"), True)
        assert related(u("teacher")) == public[1:]
        assert related(u("other_teacher")) == public


def test_complement_a_shipped_article(demo_app):
    with demo_app.test_request_context():
        shipped = services.get_by_slug("vem-kontaktar-jag-for-hjalp")
        extra = services.create_article(u("central"), title="I Exempelkommun", body="Ring 010-123",
                                        language="sv", audience="public", publish=True, complements=shipped)
        assert services.complements_for(u("teacher"), shipped) == [extra]
        assert services.complements_for(u("other_teacher"), shipped) == [extra]  # public complement
        assert extra.category == shipped.category


def test_votes_counts_and_one_per_user(demo_app):
    with demo_app.test_request_context():
        art = services.get_by_slug("losenord-glomt")
        teacher = u("teacher")
        services.vote(teacher, art, False, "Saknar info om 20140312-1234")
        services.vote(teacher, art, True)
        services.vote(None, art, False)
        assert (art.helpful_count, art.not_helpful_count) == (1, 1)
        with pytest.raises(ValidationFailed):
            services.vote(teacher, art, True, "x" * 2001)
        with pytest.raises(PermissionDenied):
            services.vote(None, services.get_by_slug("nattlig-synk"), True)


def test_stats_and_search_log(demo_app):
    with demo_app.test_request_context():
        art = services.get_by_slug("losenord-glomt")
        services.record_view(art)
        services.vote(u("teacher"), art, False, "Hjälpte inte")
        services.log_search(None, "zebra 19800101-1234", "sv", 0)
        services.log_search(None, "zebra 19800101-1234", "sv", 0)
        services.log_search(None, "kalle anka", "sv", 0)
        services.log_search(u("teacher"), "lösenord", "sv", 5)
        services.log_search(u("teacher"), "lovskola", "sv", 0)
        services.log_search(u("other_org"), "grannbys egna", "sv", 0)
        db.session.flush()
        db.session.refresh(art)
        assert "1234" not in " ".join(db.session.scalars(select(SearchLog.query)))
        stats = services.stats(u("central"))
        assert art in stats.most_viewed and art in stats.least_helpful
        # Its own people's searches; the public ones apart, and only those made twice.
        assert stats.not_found == [("lovskola", 1)]
        assert stats.not_found_public == [("zebra 19800101-XXXX", 2)]
        assert services.stats(u("other_org")).not_found == [("grannbys egna", 1)]
        assert stats.comments[0][1].comment == "Hjälpte inte"
        with pytest.raises(PermissionDenied):
            services.stats(u("local"))


def test_create_draft_article_hook(demo_app):
    with demo_app.test_request_context():
        make = hooks.get("create_draft_article")
        art = make(u("central"), "Från forumet", "Svaret i tråden", "sv", "thread", 7)
        assert art.status is ArticleStatus.DRAFT and art.origin_kind == "thread" and art.origin_id == 7
        assert art.organisation_id == u("central").organisation_id
        with pytest.raises(PermissionDenied):
            make(u("local"), "Från forumet", "Svaret", "sv", "thread", 7)


def test_control_characters_never_reach_the_database(demo_app):
    with demo_app.test_request_context():
        central = u("central")
        art = services.create_article(central, title="Nul\x00l", body="Text\x00 med\x07 tecken",
                                      tags="a\x00b", language="sv")
        db.session.flush()
        assert "\x00" not in art.title + art.body and art.tags == ["ab"]
        vote = services.vote(central, services.get_by_slug("losenord-glomt"), True, "bra\x00")
        db.session.flush()
        assert vote.comment == "bra"
        with pytest.raises(NotFound):
            services.get_by_slug("a\x00b")


def test_deleting_keeps_the_article_out_of_sight_and_restorable(demo_app):
    with demo_app.test_request_context():
        central, teacher = u("central"), u("teacher")
        art = services.create_article(central, title="Rutin för lovskola", body="Lovskolan planeras i maj.",
                                      language="sv", audience="staff", publish=True)
        services.vote(teacher, art, True, "Bra")
        db.session.flush()
        with pytest.raises(PermissionDenied):
            services.delete_article(u("local"), art)
        with pytest.raises(PermissionDenied):
            services.delete_article(u("other_org"), art)
        with pytest.raises(PermissionDenied):
            services.delete_article(central, services.get_by_slug("losenord-glomt"))  # shipped
        services.delete_article(central, art)
        db.session.flush()
        assert art.status is ArticleStatus.DELETED
        with pytest.raises(NotFound):
            services.read_article(central, art.slug)
        assert art not in services.visible_articles(teacher, include_drafts=True)
        assert art not in services.editable_articles(central)
        assert services.deleted_articles(central) == [art]
        assert services.deleted_articles(u("other_org")) == []
        # Kept with its history: the vote and a revision saying who deleted it.
        assert art.helpful_count == 1 and art.revisions[0].created_by_id == central.id
        with pytest.raises(PermissionDenied):
            services.update_article(central, art, title="Ny", body="Text")
        with pytest.raises(PermissionDenied):
            services.restore_deleted(u("other_org"), art)
        services.restore_deleted(central, art)
        db.session.flush()
        assert art.status is ArticleStatus.DRAFT and services.deleted_articles(central) == []
        assert services.read_article(central, art.slug) is art
