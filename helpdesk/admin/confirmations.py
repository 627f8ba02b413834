"""What a page says after an administrative operation: what was done, in words
("Gruppen 7B skapades."), not just "Done."."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext

from helpdesk.directory.models import Group
from helpdesk.extensions import db


def _group_name(params: dict) -> str:
    group = db.session.get(Group, params.get("group_id")) if params.get("group_id") else None
    return group.name if group is not None else ""


def _members_added(obj, params):
    added = list(obj or [])
    return ngettext("%(num)d person was added to %(group)s.", "%(num)d people were added to %(group)s.",
                    len(added), group=_group_name(params))


def _course(obj, params):
    if obj is None:
        return _("%(group)s is no longer linked to a course.", group=_group_name(params))
    return _("%(group)s is now linked to its course.", group=_group_name(params))


def _team_mentor(obj, params):
    links = list(obj or [])
    mentor = links[0].mentor.display_name if links else ""
    return ngettext("%(mentor)s is now appraisal mentor of %(num)d person in %(group)s.",
                    "%(mentor)s is now appraisal mentor of %(num)d people in %(group)s.",
                    len(links), mentor=mentor, group=_group_name(params))


_SAY: dict[str, Callable[[Any, dict], str]] = {
    "create_group": lambda g, p: _("The group %(name)s was created.", name=g.name),
    "rename_group": lambda g, p: _("The group is now called %(name)s.", name=g.name),
    "archive_group": lambda g, p: _("The group %(name)s was archived.", name=g.name),
    "add_members": _members_added,
    "remove_member": lambda m, p: _("%(name)s was taken out of %(group)s.", name=m.person.display_name,
                                    group=m.group.name),
    "add_guardian_relation": lambda r, p: _("%(guardian)s is now a guardian of %(student)s.",
                                            guardian=r.guardian.display_name, student=r.student.display_name),
    "remove_guardian_relation": lambda r, p: _("%(guardian)s is no longer a guardian of %(student)s.",
                                               guardian=r.guardian.display_name,
                                               student=r.student.display_name),
    "link_student_mentor": lambda r, p: _("%(mentor)s is now mentor of %(student)s.",
                                          mentor=r.mentor.display_name, student=r.mentee.display_name),
    "unlink_mentor": lambda r, p: _("%(mentor)s is no longer mentor of %(name)s.",
                                    mentor=r.mentor.display_name, name=r.mentee.display_name),
    "link_appraisal_mentor": lambda r, p: _("%(mentor)s is now appraisal mentor of %(name)s.",
                                            mentor=r.mentor.display_name, name=r.mentee.display_name),
    "assign_team_appraisal_mentor": _team_mentor,
    "create_person": lambda person, p: _("%(name)s was added.", name=person.display_name),
    "remove_person": lambda person, p: _("%(name)s was removed.", name=person.display_name),
    "link_course": _course,
}


def done_message(name: str, params: dict, obj) -> str:
    """The sentence for a carried-out operation; a plain "Done." only for one not listed."""
    say = _SAY.get(name)
    if say is None or obj is None and name != "link_course":
        return _("Done.")
    return say(obj, params)
