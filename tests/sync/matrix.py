from tests.matrix import Case

CASES = [
    Case("sync.status", lambda r: "/sync/", frozenset({"central", "other_org"})),
    # No flag exists in the demo: nobody can resolve what is not there.
    Case("sync.resolve_flag", lambda r: "/sync/flags/999999/resolve", frozenset(), method="POST"),
]
