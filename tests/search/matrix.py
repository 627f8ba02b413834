from sqlalchemy import select

from helpdesk.extensions import db
from tests.matrix import EVERYONE, Case

CASES = [
    Case("search.search", lambda r: "/search/?q=lösenord", EVERYONE),
    Case("search.search", lambda r: "/search/", EVERYONE, method="POST", data={"q": "lösenord"}),
    Case("api.search", lambda r: "/api/v1/search?q=lösenord", EVERYONE),
    Case("api.search", lambda r: "/api/v1/search", EVERYONE, method="POST", json={"q": "lösenord"}),
]

CENTRALS = frozenset({"central", "other_org"})


def synonym_group_id() -> int:
    """A group of Exempelkommun's (each matrix test has its own database)."""
    from helpdesk.directory.models import Organisation
    from helpdesk.search.models import SynonymGroup

    org_id = db.session.scalar(select(Organisation.id).where(Organisation.name == "Exempelkommun"))
    group = SynonymGroup(organisation_id=org_id, language="sv", words="lärplatta plattformen")
    db.session.add(group)
    db.session.commit()
    return group.id


CASES += [
    Case("search.synonyms", lambda r: "/search/synonyms/", CENTRALS),
    Case("search.synonyms", lambda r: "/search/synonyms/", CENTRALS, method="POST",
         data={"language": "sv", "words": "lärplatta, plattformen"}),
    Case("search.synonym_group", lambda r: f"/search/synonyms/{synonym_group_id()}", frozenset({"central"})),
    Case("search.synonym_group", lambda r: f"/search/synonyms/{synonym_group_id()}", frozenset({"central"}),
         method="POST", data={"language": "sv", "words": "lärplatta, plattform"}),
    Case("search.remove_synonym_group", lambda r: f"/search/synonyms/{synonym_group_id()}/remove",
         frozenset({"central"}), method="POST"),
]
