"""Reading an SS 12000 export into plain records, checking every field the import uses.

Accepts one JSON file with the lists `organisations`, `persons`, `groups`, `duties` and
`deletedEntities`, or a directory with one file per entity (`persons.json`, or several
pages `persons-1.json`, `persons-2.json` ...), each `{"data": [...], "pageToken": ...}`.
A malformed record raises MalformedExport naming the entity, the record id and the field,
before anything is written.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from helpdesk.directory import civic
from helpdesk.directory.models import (
    DutyRole,
    GroupKind,
    GuardianRelationType,
    SecurityMarking,
)
from helpdesk.text import without_control_characters_in

ENTITIES = ("organisations", "persons", "groups", "duties")


_PLAIN_CIVIC = re.compile(r"\d{12}")


def _luhn_ok(ten: str) -> bool:
    total = 0
    for i, ch in enumerate(ten):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def _civic_number(value: str) -> str:
    """civic.normalise, with the export's usual form (12 digits) checked here: the general
    parser was the larger part of reading a municipality's export. Same answers: a real date
    (a samordningsnummer's day is 60 more), a serial number other than 000, the check digit."""
    value = value.strip()
    if not _PLAIN_CIVIC.fullmatch(value):
        return civic.normalise(value)
    day = int(value[6:8])
    try:
        date(int(value[:4]), int(value[4:6]), day - 60 if day > 60 else day)
    except ValueError:
        raise civic.InvalidCivicNumber(value) from None
    if value[8:11] == "000" or not _luhn_ok(value[2:]):
        raise civic.InvalidCivicNumber(value)
    return value


class MalformedExport(ValueError):
    def __init__(self, entity: str, record_id: str | None, field_name: str, problem: str):
        self.entity, self.record_id, self.field, self.problem = entity, record_id, field_name, problem
        where = f"{entity} record {record_id}" if record_id else entity
        super().__init__(f"{where}: field '{field_name}' {problem}")


ORG_TYPES = {"Huvudman", "Förvaltning", "Skola", "Skolenhet", "Rektorsområde", "Verksamhetsområde",
             "Annan", "Kommun"}
GROUP_KINDS = {"Klass": GroupKind.CLASS, "Undervisning": GroupKind.TEACHING_GROUP,
               "Mentor": GroupKind.MENTOR_GROUP, "Personalgrupp": GroupKind.STAFF_GROUP,
               "Avdelning": GroupKind.CLASS, "Provgrupp": GroupKind.OTHER, "Schema": GroupKind.OTHER,
               "Övrigt": GroupKind.OTHER}
DUTY_ROLES = {"Rektor": DutyRole.PRINCIPAL, "Lärare": DutyRole.TEACHER,
              "Förskollärare": DutyRole.PRESCHOOL_TEACHER,
              "Speciallärare/specialpedagog": DutyRole.SPECIAL_EDUCATOR,
              "Specialpedagog": DutyRole.SPECIAL_EDUCATOR, "Speciallärare": DutyRole.SPECIAL_EDUCATOR,
              "Skoladministratör": DutyRole.SCHOOL_ADMINISTRATOR}
MARKINGS = {"Ingen": SecurityMarking.NONE, "Sekretessmarkering": SecurityMarking.CONFIDENTIAL,
            "Skyddad folkbokföring": SecurityMarking.PROTECTED}
RELATIONS = {"Vårdnadshavare": GuardianRelationType.GUARDIAN,
             "Annan ansvarig": GuardianRelationType.OTHER_RESPONSIBLE,
             "God man": GuardianRelationType.TRUSTEE, "Utsedd behörig": GuardianRelationType.DESIGNATED}


@dataclass(slots=True)
class OrgRec:
    id: str
    name: str
    type: str
    parent: str | None
    school_unit_code: str | None
    school_types: str


@dataclass(slots=True)
class PersonRec:
    id: str
    given: str
    family: str
    civic_no: str | None
    email: str | None
    marking: SecurityMarking
    active: bool
    responsibles: list | None  # [(person_id, GuardianRelationType)] or None when not given
    enrolled_at: list
    eppn: str | None = None  # the first of eduPersonPrincipalNames, for single sign-on


@dataclass(slots=True)
class GroupRec:
    id: str
    name: str
    kind: GroupKind
    org: str
    start: date | None
    end: date | None
    members: list | None


@dataclass(slots=True)
class DutyRec:
    id: str
    person: str
    org: str
    role: DutyRole
    mentor_of: list  # group ids where assignmentRole is Mentor


@dataclass
class Export:
    organisations: list[OrgRec] = field(default_factory=list)
    persons: list[PersonRec] = field(default_factory=list)
    groups: list[GroupRec] = field(default_factory=list)
    duties: list[DutyRec] = field(default_factory=list)
    deleted: dict[str, set[str]] = field(default_factory=lambda: {e: set() for e in ENTITIES})


# A control character can only be in a JSON document as an escape (\u0000-\u001f, \b, \f) or,
# for DEL, as itself; a document without any is not walked again string by string.
_MAYBE_CONTROL = re.compile(r"\\u00[01][0-9a-fA-F]|\\u007[fF]|\\[bf]|\x7f")


def _load_json(path: Path):
    try:
        text = path.read_bytes().decode("utf-8")
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MalformedExport(path.name, None, "(file)", f"is not valid JSON: {exc}") from None
    except UnicodeDecodeError:
        raise MalformedExport(path.name, None, "(file)", "is not UTF-8") from None
    if _MAYBE_CONTROL.search(text):
        # A stray control character in a name would fail the whole import on PostgreSQL.
        doc = without_control_characters_in(doc)
    return doc


def _pages(path: Path, entity: str):
    """The `data` of each page of one entity in an export directory."""
    for file in sorted(path.glob(f"{entity}*.json")):
        doc = _load_json(file)
        if not isinstance(doc, dict) or "data" not in doc:
            raise MalformedExport(entity, None, "data", f"is missing in {file.name}")
        data = doc["data"]
        if entity == "deletedEntities":
            if not isinstance(data, dict):
                raise MalformedExport(entity, None, "data", "must be an object")
        elif not isinstance(data, list):
            raise MalformedExport(entity, None, "data", "must be a list")
        yield data


def read_raw(path: str | Path) -> dict:
    """The whole export as one document (a directory's pages joined)."""
    path = Path(path)
    if path.is_dir():
        raw: dict = {e: [data for page in _pages(path, e) for data in page] for e in ENTITIES}
        raw["deletedEntities"] = _joined_deletions(path)
        return raw
    if not path.exists():
        raise FileNotFoundError(str(path))
    doc = _load_json(path)
    if not isinstance(doc, dict):
        raise MalformedExport(path.name, None, "(file)", "must hold a JSON object")
    return doc


def _joined_deletions(path: Path) -> dict:
    deleted: dict = {}
    for data in _pages(path, "deletedEntities"):
        for k, v in data.items():
            deleted.setdefault(k, []).extend(v if isinstance(v, list) else [v])
    return deleted


def _str(rec: dict, entity: str, rid, name: str, *, required: bool = True, max_len: int = 200):
    value = rec.get(name)
    if value is None or value == "":
        if required:
            raise MalformedExport(entity, rid, name, "is missing")
        return None
    if not isinstance(value, str):
        raise MalformedExport(entity, rid, name, "must be a string")
    value = value.strip()
    if len(value) > max_len:
        raise MalformedExport(entity, rid, name, f"is longer than {max_len} characters")
    return value


def _ref(rec: dict, entity: str, rid, name: str, *, required: bool = True):
    value = rec.get(name)
    if value is None:
        if required:
            raise MalformedExport(entity, rid, name, "is missing")
        return None
    if not isinstance(value, dict) or not isinstance(value.get("id"), str) or not value["id"]:
        raise MalformedExport(entity, rid, f"{name}.id", "must be an id")
    return value["id"]


def _date(rec: dict, entity: str, rid, name: str):
    value = rec.get(name)
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise MalformedExport(entity, rid, name, "is not a date (YYYY-MM-DD)") from None


def _list(rec: dict, entity: str, rid, name: str) -> list | None:
    value = rec.get(name)
    if value is None:
        return None
    if not isinstance(value, list):
        raise MalformedExport(entity, rid, name, "must be a list")
    return value


def _id(rec, entity: str) -> str:
    if not isinstance(rec, dict):
        raise MalformedExport(entity, None, "(record)", "must be an object")
    rid = rec.get("id")
    if not isinstance(rid, str) or not rid or len(rid) > 64:
        raise MalformedExport(entity, None, "id", "is missing or not a string id")
    return rid


def parse(raw: dict) -> Export:
    """One export document (every entity's list in one object) into records."""
    out = Export()
    for entity in ENTITIES:
        if entity in raw and not isinstance(raw[entity], list):
            raise MalformedExport(entity, None, entity, "must be a list")
        PARSERS[entity](out, raw.get(entity) or [])
    _deleted(out, raw.get("deletedEntities") or {})
    return out


def _organisations(out: Export, records: list) -> None:
    for rec in records:
        rid = _id(rec, "organisations")
        otype = _str(rec, "organisations", rid, "organisationType")
        types = rec.get("schoolTypes") or []
        if not isinstance(types, list) or not all(isinstance(t, str) for t in types):
            raise MalformedExport("organisations", rid, "schoolTypes", "must be a list of strings")
        out.organisations.append(OrgRec(
            rid, _str(rec, "organisations", rid, "displayName"), otype,
            _ref(rec, "organisations", rid, "parentOrganisation", required=False),
            _str(rec, "organisations", rid, "schoolUnitCode", required=False, max_len=16),
            ",".join(types)[:64]))


def _persons(out: Export, records: list) -> None:
    for rec in records:
        rid = _id(rec, "persons")
        number = None
        civic_ref = rec.get("civicNo")
        if civic_ref is not None:
            if not isinstance(civic_ref, dict):
                raise MalformedExport("persons", rid, "civicNo", "must be an object with a value")
            value = civic_ref.get("value")
            if value:
                try:
                    number = _civic_number(str(value))
                except civic.InvalidCivicNumber:
                    raise MalformedExport("persons", rid, "civicNo.value",
                                          "is not a valid personal identity or temporary number") from None
        marking_raw = rec.get("securityMarking") or "Ingen"
        if marking_raw not in MARKINGS:
            raise MalformedExport("persons", rid, "securityMarking", f"has an unknown value {marking_raw!r}")
        marking = MARKINGS[marking_raw]
        email = None
        emails = _list(rec, "persons", rid, "emails") or []
        for e in emails:
            if not isinstance(e, dict) or not isinstance(e.get("value"), str):
                raise MalformedExport("persons", rid, "emails", "must be a list of {value, type}")
        if emails and marking is SecurityMarking.NONE:
            # Protected people never have contact details kept, let alone shown.
            email = emails[0]["value"].strip()[:254] or None
        responsibles = None
        resp_raw = _list(rec, "persons", rid, "responsibles")
        if resp_raw is not None:
            responsibles = []
            for r in resp_raw:
                if not isinstance(r, dict):
                    raise MalformedExport("persons", rid, "responsibles", "must be a list of objects")
                pid = _ref(r, "persons", rid, "person")
                rtype = r.get("relationType") or "Vårdnadshavare"
                if rtype not in RELATIONS:
                    raise MalformedExport("persons", rid, "responsibles.relationType",
                                          f"has an unknown value {rtype!r}")
                responsibles.append((pid, RELATIONS[rtype]))
        enrolled = []
        for e in _list(rec, "persons", rid, "enrolments") or []:
            if not isinstance(e, dict):
                raise MalformedExport("persons", rid, "enrolments", "must be a list of objects")
            enrolled.append(_ref(e, "persons", rid, "enroledAt"))
        eppns = _list(rec, "persons", rid, "eduPersonPrincipalNames") or []
        if not all(isinstance(e, str) and 0 < len(e.strip()) <= 254 for e in eppns):
            raise MalformedExport("persons", rid, "eduPersonPrincipalNames", "must be a list of names")
        status = rec.get("personStatus") or "Aktiv"
        if not isinstance(status, str):
            raise MalformedExport("persons", rid, "personStatus", "must be a string")
        out.persons.append(PersonRec(
            rid, _str(rec, "persons", rid, "givenName", max_len=100),
            _str(rec, "persons", rid, "familyName", max_len=100), number, email, marking,
            status == "Aktiv", responsibles, enrolled, eppns[0].strip() if eppns else None))


def _groups(out: Export, records: list) -> None:
    for rec in records:
        rid = _id(rec, "groups")
        gtype = _str(rec, "groups", rid, "groupType")
        if gtype not in GROUP_KINDS:
            raise MalformedExport("groups", rid, "groupType", f"has an unknown value {gtype!r}")
        members = None
        mem_raw = _list(rec, "groups", rid, "groupMemberships")
        if mem_raw is not None:
            members = []
            for m in mem_raw:
                if not isinstance(m, dict):
                    raise MalformedExport("groups", rid, "groupMemberships", "must be a list of objects")
                members.append(_ref(m, "groups", rid, "person"))
        out.groups.append(GroupRec(rid, _str(rec, "groups", rid, "displayName"), GROUP_KINDS[gtype],
                                   _ref(rec, "groups", rid, "organisation"),
                                   _date(rec, "groups", rid, "startDate"), _date(rec, "groups", rid, "endDate"),
                                   members))


def _duties(out: Export, records: list) -> None:
    for rec in records:
        rid = _id(rec, "duties")
        role = _str(rec, "duties", rid, "dutyRole")
        mentor_of = []
        for a in _list(rec, "duties", rid, "assignmentRole") or []:
            if not isinstance(a, dict):
                raise MalformedExport("duties", rid, "assignmentRole", "must be a list of objects")
            if a.get("assignmentRoleType") == "Mentor":
                mentor_of.append(_ref(a, "duties", rid, "group"))
        out.duties.append(DutyRec(rid, _ref(rec, "duties", rid, "person"), _ref(rec, "duties", rid, "dutyAt"),
                                  DUTY_ROLES.get(role, DutyRole.OTHER_STAFF), mentor_of))


def _deleted(out: Export, deleted) -> None:
    if isinstance(deleted, dict) and "data" in deleted and isinstance(deleted["data"], dict):
        deleted = deleted["data"]
    if not isinstance(deleted, dict):
        raise MalformedExport("deletedEntities", None, "deletedEntities", "must be an object")
    for entity in ENTITIES:
        ids = deleted.get(entity) or []
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise MalformedExport("deletedEntities", None, entity, "must be a list of ids")
        out.deleted[entity] = set(ids)


PARSERS = {"organisations": _organisations, "persons": _persons, "groups": _groups, "duties": _duties}



def fingerprint(path: str | Path) -> str:
    """A digest of the export's files, to tell whether a held run's export is still the same."""
    path = Path(path)
    files = [path] if not path.is_dir() else sorted(
        f for e in (*ENTITIES, "deletedEntities") for f in path.glob(f"{e}*.json"))
    digest = hashlib.sha256()
    for file in files:
        digest.update(file.name.encode() + b"\0")
        with open(file, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def read_export(path: str | Path) -> Export:
    """Read and check an export. A directory is read one page at a time, so only one page's
    JSON is held beside the records."""
    path = Path(path)
    if not path.is_dir():
        return parse(read_raw(path))
    out = Export()
    for entity in ENTITIES:
        for page in _pages(path, entity):
            PARSERS[entity](out, page)
    _deleted(out, _joined_deletions(path))
    return out
