"""What a sync run warns about. A warning is stored with the run as a code and its values
(JSON), and worded when it is shown, in the reader's language; runs stored before codes
existed hold plain English text, which is shown as it is."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

MESSAGES = {
    "unit_without_org": _l("School unit %(id)s (%(name)s) belongs to no organisation; skipped."),
    "group_unknown_unit": _l("Group %(id)s (%(name)s) is at an unknown school unit %(unit)s; skipped."),
    "duty_unknown_unit": _l("Duty %(id)s is at an unknown school unit %(unit)s; skipped."),
    "duty_unknown_person_or_unit": _l("Duty %(id)s: the person or the school unit is unknown; skipped."),
    "person_without_org": _l("Person %(id)s belongs to no organisation in the export; skipped."),
    "org_without_autosync": _l("%(name)s has no autosync; imported into it anyway."),
    "civic_number_taken": _l("Person %(id)s: the personal identity number is already used by another "
                             "person in the organisation; skipped."),
    "new_civic_number_taken": _l("Person %(id)s: the new personal identity number is already used; "
                                 "the old one is kept."),
    "member_unknown": _l("Group %(id)s: the member %(member)s is unknown; skipped."),
    "responsible_unknown": _l("Person %(id)s: the responsible adult %(responsible)s is unknown; skipped."),
}


# The run's counts: {"person": {"created": 3}, ...}, worded when shown.
COUNT_KINDS = {
    "organisation": _l("Organisations"), "school": _l("Schools"), "group": _l("Groups"),
    "person": _l("People"), "duty": _l("Duties"), "membership": _l("Group memberships"),
    "guardian_relation": _l("Guardian links"), "student_mentor": _l("Student mentors"),
    "flag": _l("Flags for the central team"),
}
COUNT_ACTIONS = {
    "created": _l("created"), "updated": _l("updated"), "deactivated": _l("deactivated"),
    "added": _l("added"), "removed": _l("removed"), "raised": _l("raised"),
}


def count_kind(code: str) -> str:
    return str(COUNT_KINDS.get(code, code))


def count_action(code: str) -> str:
    return str(COUNT_ACTIONS.get(code, code))


def notice(code: str, **values) -> dict:
    if code not in MESSAGES:
        raise KeyError(f"unknown sync warning {code!r}")
    return {"code": code, **{k: str(v) for k, v in values.items()}}


def wording(stored) -> str:
    """A stored warning in the current language."""
    if isinstance(stored, dict) and stored.get("code") in MESSAGES:
        values = {k: v for k, v in stored.items() if k != "code"}
        return str(MESSAGES[stored["code"]]) % values
    return str(stored)
