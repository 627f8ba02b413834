"""An organisation's own synonym groups: kept by its central team, checked, audited, and
used by search at once (no reindex), on both backends, for that organisation only."""
import pytest
from sqlalchemy import select

from helpdesk.admin.models import AuditEntry
from helpdesk.errors import NotFound, PermissionDenied, ValidationFailed
from helpdesk.extensions import db
from helpdesk.search import org_synonyms, services
from helpdesk.search.models import SynonymGroup
from tests.conftest import login
from tests.search.conftest import user

CENTRAL = "central@exempelkommun.se"
NEIGHBOUR = "central@grannby.se"


def _article_urls(who, text):
    return [h.url for h in services.search(who, text, lang="sv", kinds=("article",)).results.hits]


def test_a_group_finds_the_articles_of_its_other_words_at_once(indexed_app):
    with indexed_app.test_request_context():
        central, teacher = user(CENTRAL), user("larare.norr@exempelkommun.se")
        assert _article_urls(teacher, "qwiggel") == []
        org_synonyms.add_group(central, "sv", "qwiggel, lösenord")
        db.session.commit()
        # No reindex: the outbox is not drained, the query is expanded when asked.
        found = _article_urls(teacher, "qwiggel")
        assert "/kb/a/losenord-glomt" in found
        # Another organisation's people, and visitors, do not get Exempelkommun's words.
        assert _article_urls(user(NEIGHBOUR), "qwiggel") == []
        assert _article_urls(None, "qwiggel") == []
        # The group works in its own language only.
        assert services.search(teacher, "qwiggel", lang="en", kinds=("article",)).results.hits == []


def test_changing_and_removing_a_group_changes_search_and_is_audited(indexed_app):
    with indexed_app.test_request_context():
        central = user(CENTRAL)
        group = org_synonyms.add_group(central, "sv", "Qwiggel,  lösenord\nlösenord")
        db.session.commit()
        assert group.word_list == ["lösenord", "qwiggel"]
        org_synonyms.update_group(central, group.id, "sv", "qwiggel, vårdnadshavare")
        db.session.commit()
        found = _article_urls(central, "qwiggel")
        assert found and "/kb/a/losenord-glomt" not in found[:1]
        org_synonyms.remove_group(central, group.id)
        db.session.commit()
        assert _article_urls(central, "qwiggel") == []
        ops = db.session.scalars(select(AuditEntry.operation).where(AuditEntry.object_type == "synonym_group")
                                 .order_by(AuditEntry.id)).all()
        assert ops == ["add_synonym_group", "change_synonym_group", "remove_synonym_group"]


@pytest.mark.parametrize("raw, message", [
    ("", "minst två"), ("ensam", "minst två"), ("e-post, mejl", "inte ett ord"),
    ("a, b", "2 till 40"), ("123, ett", "inte ett ord"), (", ".join(f"ord{i}" for i in range(13)), "högst 12"),
])
def test_bad_groups_are_refused_with_a_message_and_change_nothing(indexed_app, raw, message):
    with indexed_app.test_request_context(headers={"Accept-Language": "sv"}):
        central = user(CENTRAL)
        with pytest.raises(ValidationFailed) as refused:
            org_synonyms.add_group(central, "sv", raw)
        assert message in str(refused.value.message)
        with pytest.raises(ValidationFailed):
            org_synonyms.add_group(central, "de", "mentor, handledare")
        db.session.rollback()
        assert db.session.scalar(select(db.func.count(SynonymGroup.id))) == 0


def test_a_duplicate_group_is_refused(indexed_app):
    with indexed_app.test_request_context():
        central = user(CENTRAL)
        org_synonyms.add_group(central, "sv", "qwiggel, lösenord")
        with pytest.raises(ValidationFailed):
            org_synonyms.add_group(central, "sv", "lösenord, qwiggel")


def test_only_the_own_central_team_reaches_a_group(indexed_app):
    with indexed_app.test_request_context():
        group = org_synonyms.add_group(user(CENTRAL), "sv", "qwiggel, lösenord")
        db.session.commit()
        # Another organisation's central team: as if there were no such group.
        with pytest.raises(NotFound):
            org_synonyms.get_group(user(NEIGHBOUR), group.id)
        with pytest.raises(NotFound):
            org_synonyms.remove_group(user(NEIGHBOUR), group.id)
        assert org_synonyms.groups(user(NEIGHBOUR)) == []
        for email in ("lokal.norr@exempelkommun.se", "larare.norr@exempelkommun.se"):
            with pytest.raises(PermissionDenied):
                org_synonyms.groups(user(email))
        assert db.session.get(SynonymGroup, group.id) is not None


def test_the_page_adds_shows_and_refuses_in_words(indexed_app):
    client = indexed_app.test_client()
    login(client, CENTRAL)
    page = client.get("/search/synonyms/").text
    assert "vårdnadshavare" in page  # the shipped groups are shown
    bad = client.post("/search/synonyms/", data={"language": "sv", "words": "e-post, mejl"})
    assert bad.status_code == 400 and "inte ett ord" in bad.text and 'aria-invalid="true"' in bad.text
    done = client.post("/search/synonyms/", data={"language": "sv", "words": "qwiggel, lösenord"},
                       follow_redirects=True)
    assert done.status_code == 200 and "lösenord, qwiggel" in done.text
    with indexed_app.app_context():
        group_id = db.session.scalar(select(SynonymGroup.id))
    edit = client.get(f"/search/synonyms/{group_id}").text
    assert 'lösenord, qwiggel</textarea>' in edit
    client.post(f"/search/synonyms/{group_id}", data={"language": "en", "words": "qwiggel, password"})
    with indexed_app.app_context():
        assert db.session.get(SynonymGroup, group_id).language == "en"
    client.post(f"/search/synonyms/{group_id}/remove")
    with indexed_app.app_context():
        assert db.session.get(SynonymGroup, group_id) is None
