""""Did you mean": a misspelt Swedish word is corrected to a word the help articles use,
on both backends, and the page offers the corrected query as a link (a POST form, so the
text stays out of the address)."""
import re

import pytest

from helpdesk.extensions import db
from helpdesk.search import services
from tests.search.conftest import user


@pytest.mark.parametrize("typed, meant", [
    ("lösenrod", "lösenord"),              # two letters swapped
    ("rektro", "rektor"),
    ("glömt lösenrod", "glömt lösenord"),  # only the misspelt word changes
    ("aktiveringsbrv", "aktiveringsbrev"),
    ("klasen", "klassen"),
    ("mentr", "mentor"),
    ("autosynkk", "autosynk"),
])
def test_misspelt_swedish_words_are_corrected(indexed_app, typed, meant):
    with indexed_app.test_request_context():
        assert services.search(None, typed, lang="sv").results.suggestion == meant
        # The correction finds help articles (autosynk: those for administrators).
        central = user("central@exempelkommun.se")
        assert services.search(central, meant, lang="sv", kinds=("article",)).results.hits


def test_words_spelt_right_get_no_suggestion(indexed_app):
    with indexed_app.test_request_context():
        for text in ("glömt lösenord", "vårdnadshavare logga in", "klass"):
            assert services.search(None, text, lang="sv").results.suggestion is None


def test_a_word_from_a_ticket_is_never_suggested(indexed_app):
    from helpdesk.tickets import services as tickets

    with indexed_app.test_request_context():
        teacher = user("larare.norr@exempelkommun.se")
        tickets.file_ticket(teacher, subject="Zebrafinken Kvittrasson", body="Zebrafinken hos Kvittrasson.",
                            category="usage")
        db.session.commit()
        services.process_outbox()
        # The ticket is found by its own words, but its words never become a suggestion:
        # that would tell anyone what a private ticket says.
        assert services.search(teacher, "zebrafinken").results.total >= 1
        for who in (None, teacher, user("central@exempelkommun.se")):
            suggestion = services.search(who, "zebrafinkan kvittrason").results.suggestion
            assert not suggestion or "kvittrasson" not in suggestion


def test_the_page_offers_the_correction_as_a_link_that_searches_again(indexed_app):
    client = indexed_app.test_client()
    page = client.post("/search/", data={"q": "glömt lösenrod", "lang": "sv"}).text
    offer = page.split('class="did-you-mean"', 1)[1].split("</div>", 1)[0]
    assert "Menade du" in page
    assert '<input type="hidden" name="q" value="glömt lösenord">' in offer
    assert re.search(r'<button type="submit" class="link-button">glömt lösenord</button>', offer)
    assert 'action="/search/"' in offer and "method=\"post\"" in offer
    again = client.post("/search/", data={"q": "glömt lösenord", "lang": "sv"}).text
    first = again.split('class="search-results"', 1)[1]
    assert first.index("/kb/a/losenord-glomt") < first.index("</li>")
    assert 'class="did-you-mean"' not in again


@pytest.mark.parametrize("typed", ["byta namn på klas", "byta namm på klassen", "byta nanm på klas"])
def test_a_typo_in_any_word_finds_the_article_even_when_a_ticket_holds_the_misspelling(indexed_app, typed):
    """"klas" is a name as well as a typo of "klass": a ticket about Klas must not stop the
    typo from being corrected against the help text's words."""
    from helpdesk.tickets import services as tickets

    with indexed_app.test_request_context():
        teacher = user("larare.norr@exempelkommun.se")
        tickets.file_ticket(teacher, subject="Klas Nanm och Namm i 6A",
                            body="Klas Namm har fel klas i schemat. Nanm.", category="usage")
        db.session.commit()
        services.process_outbox()
        local = user("lokal.norr@exempelkommun.se")
        hits = services.search(local, typed, lang="sv").results.hits
        assert hits[0].url.endswith("/byta-namn-pa-klass")
        # The misspelt word alone: corrected for the articles and in "did you mean", and
        # it still finds the ticket that holds it as written.
        alone = services.search(local, "klas", lang="sv")
        assert alone.results.suggestion == "klass"
        assert {h.kind for h in alone.results.hits} >= {"article", "ticket"}
