from tests.matrix import ORG_MEMBERS, Case

CASES = [
    Case("directory.index", lambda r: "/directory/", ORG_MEMBERS | {"other_org"}),
    Case("directory.organisation", lambda r: f"/directory/organisations/{r.org('Exempelkommun')}",
         frozenset({"central"})),
    Case("directory.school", lambda r: f"/directory/schools/{r.school('Norrskolan')}",
         frozenset({"central", "local"})),
    Case("directory.group", lambda r: f"/directory/groups/{r.group('6A')}",
         frozenset({"central", "local", "teacher"}), name="class 6A"),
    Case("directory.group", lambda r: f"/directory/groups/{r.group('7B')}",
         frozenset({"central", "local", "group_admin"}), name="class 7B"),
    Case("directory.person", lambda r: f"/directory/people/{r.person_of('vardnadshavare.norr@exempelkommun.se')}",
         # The guardian also has a child at Söderskolan, so its local contact sees them too.
         frozenset({"central", "local", "local_other", "teacher", "guardian"}), name="guardian of a 6A student"),
    Case("directory.person", lambda r: f"/directory/people/{r.person_of('larare.soder@exempelkommun.se')}",
         frozenset({"central", "local_other"}), name="teacher at Söderskolan"),
]
