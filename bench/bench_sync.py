"""A municipality-sized SS 12000 sync: 50,000 students, 80,000 guardian links, 6,000 staff and
3,000 groups, imported into an empty SQLite database, then re-run with no changes.

Targets (issue 6): import < 60 s, unchanged re-run < 20 s, peak memory < 1 GB.
"""
from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
from pathlib import Path

STUDENTS, GUARDIAN_LINKS, STAFF, GROUPS, SCHOOLS = 50_000, 80_000, 6_000, 3_000, 60


def uid(kind: str, n: int) -> str:
    return f"{kind}-{n:08d}-0000-4000-8000-000000000000"


def luhn(nine: str) -> int:
    total = 0
    for i, ch in enumerate(nine):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return (10 - total % 10) % 10


def civic(year: int, n: int) -> str:
    month, day, serial = 1 + n % 12, 1 + (n // 12) % 28, 1 + (n // 336) % 998
    body = f"{year % 100:02d}{month:02d}{day:02d}{serial:03d}"
    return f"{year}{month:02d}{day:02d}{serial:03d}{luhn(body)}"


def generate(directory: Path) -> None:
    """One file per entity, as the SS 12000 API pages come: {"data": [...], "pageToken": null}."""
    orgs = [{"id": uid("org", 0), "displayName": "Benchkommun", "organisationType": "Huvudman"}]
    orgs += [{"id": uid("sch", s), "displayName": f"Skola {s}", "organisationType": "Skolenhet",
              "schoolUnitCode": f"{10000000 + s}", "schoolTypes": ["GR"],
              "parentOrganisation": {"id": uid("org", 0)}} for s in range(SCHOOLS)]
    persons, groups, duties = [], [], []
    guardians = GUARDIAN_LINKS // 2 + GUARDIAN_LINKS // 8  # many guardians have two children
    for g in range(guardians):
        persons.append({"id": uid("gua", g), "givenName": "Vårdnadshavare", "familyName": f"G{g}",
                        "civicNo": {"value": civic(1975 + g % 20, g)}, "securityMarking": "Ingen",
                        "emails": [{"value": f"g{g}@example.org", "type": "Privat"}]})
    link = 0
    for s in range(STUDENTS):
        resp = []
        while len(resp) < 2 and link < GUARDIAN_LINKS and (len(resp) < 1 or link % 5 != 0):
            resp.append({"person": {"id": uid("gua", link % guardians)}, "relationType": "Vårdnadshavare"})
            link += 1
        persons.append({"id": uid("stu", s), "givenName": "Elev", "familyName": f"S{s}",
                        "civicNo": {"value": civic(2010 + s % 9, s)},
                        "securityMarking": "Skyddad folkbokföring" if s % 500 == 0 else "Ingen",
                        "responsibles": resp,
                        "enrolments": [{"enroledAt": {"id": uid("sch", s % SCHOOLS)}}]})
    for t in range(STAFF):
        persons.append({"id": uid("sta", t), "givenName": "Personal", "familyName": f"T{t}",
                        "civicNo": {"value": civic(1960 + t % 30, t)},
                        "emails": [{"value": f"t{t}@bench.example", "type": "Skola personal"}]})
    classes = GROUPS // 2
    for c in range(GROUPS):
        school = c % SCHOOLS
        is_class = c < classes
        members = [s for s in range(c % classes, STUDENTS, classes)] if is_class else \
            [s for s in range((c * 7) % STUDENTS, STUDENTS, STUDENTS // 25)][:25]
        groups.append({"id": uid("grp", c), "displayName": f"{'Klass' if is_class else 'Grupp'} {c}",
                       "groupType": "Klass" if is_class else "Undervisning",
                       "organisation": {"id": uid("sch", school)}, "startDate": "2026-08-15",
                       "groupMemberships": [{"person": {"id": uid("stu", s)}} for s in members]})
    for t in range(STAFF):
        duty = {"id": uid("dut", t), "person": {"id": uid("sta", t)}, "dutyAt": {"id": uid("sch", t % SCHOOLS)},
                "dutyRole": "Rektor" if t < SCHOOLS else "Lärare"}
        if SCHOOLS <= t < SCHOOLS + classes:
            duty["assignmentRole"] = [{"group": {"id": uid("grp", t - SCHOOLS)}, "assignmentRoleType": "Mentor"}]
        duties.append(duty)
    for name, data in (("organisations", orgs), ("persons", persons), ("groups", groups), ("duties", duties)):
        (directory / f"{name}.json").write_text(json.dumps({"data": data, "pageToken": None}))
    (directory / "deletedEntities.json").write_text(json.dumps({"data": {"persons": []}}))


def peak_mb() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 1024 if sys.platform != "darwin" else rss / 1024 / 1024


def main() -> None:
    from helpdesk import create_app
    from helpdesk.extensions import db
    from helpdesk.sync.importer import run_import

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        export = tmp / "export"
        export.mkdir()
        t0 = time.perf_counter()
        generate(export)
        size = sum(p.stat().st_size for p in export.iterdir()) / 1e6
        print(f"generated export: {size:.0f} MB in {time.perf_counter() - t0:.1f} s")
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'bench.sqlite'}", "TESTING": True},
                         instance_path=str(tmp / "instance"))
        with app.test_request_context():
            db.create_all()
            t0 = time.perf_counter()
            first = run_import(export)
            t_first = time.perf_counter() - t0
            counts = first.run.counts
            print(f"first import: {t_first:.1f} s (target < 60 s)")
            for kind, actions in counts.items():
                print(f"  {kind}: " + ", ".join(f"{a} {n}" for a, n in actions.items()))
            t0 = time.perf_counter()
            second = run_import(export)
            t_second = time.perf_counter() - t0
            print(f"unchanged re-run: {t_second:.1f} s (target < 20 s), changes: {second.run.counts or 'none'}")
            db.session.remove()
            db.engine.dispose()
        print(f"peak memory: {peak_mb():.0f} MB (target < 1024 MB)")


if __name__ == "__main__":
    main()
