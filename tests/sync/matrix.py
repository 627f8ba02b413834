from tests.matrix import Case

CASES = [
    Case("sync.status", lambda r: "/sync/", frozenset({"central", "other_org"})),
    # No flag exists in the demo: nobody can resolve what is not there.
    Case("sync.resolve_flag", lambda r: "/sync/flags/999999/resolve", frozenset(), method="POST"),
    # No run is held in the demo: nobody can confirm one (tests/sync/test_guard.py confirms a real one).
    Case("sync.confirm_run", lambda r: "/sync/runs/999999/confirm", frozenset(), method="POST"),
]
