"""A generated municipality as an SS 12000 export, for the sync's tests and its benchmark.

Deterministic: the same sizes give the same export. Families of one or two children with one
or two guardians, staff with a duty at one school (a principal per school, the rest teachers,
one mentor per class), a class per 25 students and teaching groups of 25 drawn across them.
`second_night` makes the next night's export in which some guardians' only child has left.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from helpdesk.demo import luhn_digit


def uid(kind: str, n: int) -> str:
    return f"{kind}-{n:08d}-0000-4000-8000-000000000000"


def civic(year: int, n: int) -> str:
    month, day, serial = 1 + n % 12, 1 + (n // 12) % 28, 1 + (n // 336) % 998
    body = f"{year % 100:02d}{month:02d}{day:02d}{serial:03d}"
    return f"{year}{month:02d}{day:02d}{serial:03d}{luhn_digit(body)}"


@dataclass
class Sizes:
    students: int = 200
    schools: int = 3
    staff: int = 30
    groups: int = 36  # classes (one per 25 students) plus teaching groups
    name: str = "Genererad kommun"


MUNICIPALITY = Sizes(students=50_000, schools=60, staff=6_000, groups=9_000, name="Benchkommun")


def generate(sizes: Sizes = Sizes()) -> dict:
    """The export as one document: {"organisations": [...], "persons": [...], ...}."""
    org = uid("org", 0)
    orgs = [{"id": org, "displayName": sizes.name, "organisationType": "Huvudman"}]
    orgs += [{"id": uid("sch", s), "displayName": f"Skola {s}", "organisationType": "Skolenhet",
              "schoolUnitCode": f"{10000000 + s}", "schoolTypes": ["GR"], "parentOrganisation": {"id": org}}
             for s in range(sizes.schools)]
    persons, guardians, students = [], [], []
    s = family = g = 0
    while s < sizes.students:
        # Every tenth family has two children; most have two guardians.
        children = 2 if family % 10 == 9 else 1
        adults = 1 if family % 7 == 3 else 2
        mine = []
        for _ in range(adults):
            guardians.append({"id": uid("gua", g), "givenName": "Vårdnadshavare", "familyName": f"G{g}",
                              "civicNo": {"value": civic(1975 + g % 20, g)}, "securityMarking": "Ingen",
                              "emails": [{"value": f"g{g}@example.org", "type": "Privat"}]})
            mine.append(uid("gua", g))
            g += 1
        for _ in range(min(children, sizes.students - s)):
            students.append({"id": uid("stu", s), "givenName": "Elev", "familyName": f"S{s}",
                             "civicNo": {"value": civic(2010 + s % 9, s)},
                             "securityMarking": "Skyddad folkbokföring" if s % 500 == 0 else "Ingen",
                             "eduPersonPrincipalNames": [f"s{s}@elev.example.se"],
                             "responsibles": [{"person": {"id": m}, "relationType": "Vårdnadshavare"}
                                              for m in mine],
                             "enrolments": [{"enroledAt": {"id": uid("sch", s % sizes.schools)}}]})
            s += 1
        family += 1
    staff = [{"id": uid("sta", t), "givenName": "Personal", "familyName": f"T{t}",
              "civicNo": {"value": civic(1960 + t % 30, t)},
              "emails": [{"value": f"t{t}@skola.example.se", "type": "Skola personal"}],
              "eduPersonPrincipalNames": [f"t{t}@skola.example.se"]} for t in range(sizes.staff)]
    persons = guardians + students + staff
    classes = max(1, sizes.students // 25)
    groups = []
    for c in range(sizes.groups):
        if c < classes:  # a class: the students of its school, every classes-th
            members = range(c, sizes.students, classes)
            school = c % sizes.schools
        else:  # a teaching group of 25 across the classes
            start = (c * 7) % sizes.students
            members = range(start, min(sizes.students, start + 25 * classes), classes)
            school = start % sizes.schools
        groups.append({"id": uid("grp", c), "displayName": f"{'Klass' if c < classes else 'Grupp'} {c}",
                       "groupType": "Klass" if c < classes else "Undervisning",
                       "organisation": {"id": uid("sch", school)}, "startDate": "2026-08-15",
                       "groupMemberships": [{"person": {"id": uid("stu", m)}} for m in members]})
    duties = []
    for t in range(sizes.staff):
        duty = {"id": uid("dut", t), "person": {"id": uid("sta", t)},
                "dutyAt": {"id": uid("sch", t % sizes.schools)},
                "dutyRole": "Rektor" if t < sizes.schools else "Lärare"}
        if sizes.schools <= t < sizes.schools + classes:
            duty["assignmentRole"] = [{"group": {"id": uid("grp", t - sizes.schools)},
                                       "assignmentRoleType": "Mentor"}]
        duties.append(duty)
    return {"organisations": orgs, "persons": persons, "groups": groups, "duties": duties,
            "deletedEntities": {"persons": []}}


@dataclass
class Departure:
    """What a second night should change: the children who left and their relations."""

    children: set
    guardians: set
    guardian_links: int
    memberships: int
    mentor_links: int


def second_night(doc: dict, *, guardian_share: float = 0.1, listed_as_deleted: bool = False) -> Departure:
    """Change `doc` in place: guardians whose only child leaves, until guardian_share of all
    guardians have lost theirs. The guardians stay in the export, with no child and no school
    of their own. The children are simply absent (a `--full` export) or also listed in
    deletedEntities (an export of changes)."""
    students = [p for p in doc["persons"] if p.get("responsibles")]
    guardian_ids = {r["person"]["id"] for p in students for r in p["responsibles"]}
    children_of: dict[str, list] = {}
    for p in students:
        for r in p["responsibles"]:
            children_of.setdefault(r["person"]["id"], []).append(p["id"])
    leaving, losing = set(), set()
    for p in students:
        if len(losing) >= guardian_share * len(guardian_ids):
            break
        mine = [r["person"]["id"] for r in p["responsibles"]]
        if all(len(children_of[m]) == 1 for m in mine):
            leaving.add(p["id"])
            losing.update(mine)
    links = sum(len(p["responsibles"]) for p in students if p["id"] in leaving)
    memberships = mentor_links = 0
    mentored = {a["group"]["id"] for d in doc["duties"] for a in d.get("assignmentRole") or ()}
    for grp in doc["groups"]:
        before = grp["groupMemberships"]
        grp["groupMemberships"] = [m for m in before if m["person"]["id"] not in leaving]
        gone = len(before) - len(grp["groupMemberships"])
        memberships += gone
        if grp["id"] in mentored:
            mentor_links += gone
    doc["persons"] = [p for p in doc["persons"] if p["id"] not in leaving]
    if listed_as_deleted:
        doc["deletedEntities"] = {"persons": sorted(leaving)}
    return Departure(leaving, losing, links, memberships, mentor_links)


def write_pages(doc: dict, directory: Path) -> None:
    """One file per entity, as the SS 12000 API pages come: {"data": [...], "pageToken": null}."""
    directory.mkdir(parents=True, exist_ok=True)
    for name in ("organisations", "persons", "groups", "duties"):
        (directory / f"{name}.json").write_text(json.dumps({"data": doc[name], "pageToken": None}))
    (directory / "deletedEntities.json").write_text(json.dumps({"data": doc["deletedEntities"]}))
