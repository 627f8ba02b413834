from tests.matrix import Case

CENTRAL_TEAMS = frozenset({"central", "other_org"})

CASES = [
    Case("mailin.quarantine", lambda r: "/mail/quarantine", CENTRAL_TEAMS),
    Case("mailin.address", lambda r: "/mail/address", CENTRAL_TEAMS),
    Case("mailin.address", lambda r: "/mail/address", CENTRAL_TEAMS, method="POST",
         data={"address": "fragor@kommun.example"}),
]
