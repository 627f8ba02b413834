"""What each role sees of the directory."""
from __future__ import annotations

from tests.matrix import Refs
from tests.support.answers import answer, with_missing_ids


def _text(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def test_central_admin_walks_organisation_school_group_person(demo_app, as_user):
    client = as_user("central@exempelkommun.se")
    with demo_app.app_context():
        refs = Refs()
        org, school, group = refs.org("Exempelkommun"), refs.school("Norrskolan"), refs.group("6A")
    assert "Norrskolan" in _text(client, f"/directory/organisations/{org}")
    page = _text(client, f"/directory/schools/{school}")
    assert "6A" in page and "Från synken" in page and "Arbetslag 6-9" in page
    assert "Anna Berglund" in _text(client, f"/directory/groups/{group}")


def test_person_page_shows_relations_and_masks_the_civic_number(demo_app, as_user):
    client = as_user("lokal.norr@exempelkommun.se")
    with demo_app.app_context():
        teacher = Refs().person_of("larare.norr@exempelkommun.se")
    page = _text(client, f"/directory/people/{teacher}")
    assert "-XXXX" in page  # the local admin sees the number, masked
    assert "Mentor för" in page or "Mentor of" in page
    assert "Helena Rydberg" in page  # the appraisal mentor
    import re

    assert not re.search(r"\b\d{8}-?\d{4}\b", page), "an unmasked civic number is on the page"


def test_guardian_sees_only_self_and_children(demo_app, as_user):
    client = as_user("vardnadshavare.norr@exempelkommun.se")
    page = _text(client, "/directory/")
    assert "Emma Lindgren" in page and "Leo Lindgren" in page
    with demo_app.app_context():
        other_guardian = Refs().person_of("vardnadshavare@grannby.se")
        teacher = Refs().person_of("larare.norr@exempelkommun.se")
    # Outside the reach answers like a missing id: nothing tells that the person exists.
    assert client.get(f"/directory/people/{other_guardian}").status_code == 404
    assert client.get(f"/directory/people/{teacher}").status_code == 404


def test_teacher_sees_own_groups_only(demo_app, as_user):
    client = as_user("larare.norr@exempelkommun.se")
    page = _text(client, "/directory/")
    assert "6A" in page and "Ma 6A" in page and "7B" not in page
    with demo_app.app_context():
        assert client.get(f"/directory/groups/{Refs().group('7B')}").status_code == 404
        assert client.get(f"/directory/schools/{Refs().school('Norrskolan')}").status_code == 404


def test_protected_identity_never_shows_contact_details(demo_app, as_user):
    from sqlalchemy import select

    from helpdesk.directory.models import Person, SecurityMarking
    from helpdesk.extensions import db

    with demo_app.app_context():
        person = db.session.scalar(select(Person).where(Person.security_marking == SecurityMarking.PROTECTED))
        person.email = "hemlig@example.org"
        db.session.commit()
        pid = person.id
    page = _text(as_user("central@exempelkommun.se"), f"/directory/people/{pid}")
    assert "hemlig@example.org" not in page and "Skyddad folkbokföring" in page


def test_organisations_never_see_each_other(demo_app, as_user):
    client = as_user("central@grannby.se")
    with demo_app.app_context():
        refs = Refs()
        ids = [f"/directory/organisations/{refs.org('Exempelkommun')}",
               f"/directory/schools/{refs.school('Norrskolan')}",
               f"/directory/groups/{refs.group('6A')}",
               f"/directory/people/{refs.person_of('larare.norr@exempelkommun.se')}"]
    for path in ids:
        seen = answer(client.get(path), path)
        assert seen[0] == 404, path
        missing = with_missing_ids(path)
        assert seen == answer(client.get(missing), missing), path
    assert "Exempelkommun" not in _text(client, "/directory/")


def test_unknown_ids_are_404(as_user):
    client = as_user("central@exempelkommun.se")
    for path in ("/directory/people/999999", "/directory/groups/999999", "/directory/schools/999999"):
        assert client.get(path).status_code == 404
