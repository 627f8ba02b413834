from tests.matrix import Case

# Who sees the overview: central admins, local admins, the vendor and the operator.
VIEWERS = frozenset({"central", "local", "local_other", "vendor", "other_org", "operator"})
# Norrskolan is in their reach; the vendor's too, since the demo escalated a question of it.
NORR = frozenset({"central", "local", "operator", "vendor"})

CASES = [
    Case("insight.index", lambda r: "/insight/", VIEWERS),
    Case("insight.index", lambda r: f"/insight/?school_id={r.school('Norrskolan')}&category=login", NORR,
         name="school filter"),
    Case("insight.report", lambda r: "/insight/report", VIEWERS),
    Case("insight.csv_table", lambda r: "/insight/csv/summary", VIEWERS),
    Case("insight.csv_table", lambda r: "/insight/csv/comments", VIEWERS - {"vendor"}, name="comments"),
    Case("insight.csv_table", lambda r: "/insight/csv/searches", frozenset({"central", "other_org", "operator"}),
         name="searches"),
    Case("api.insight", lambda r: "/api/v1/insight", VIEWERS),
    Case("api.insight", lambda r: f"/api/v1/insight?school_id={r.school('Norrskolan')}", NORR, name="school"),
]
