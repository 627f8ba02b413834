"""Browsing the directory: organisation → schools → groups → people."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from helpdesk.access import can, require, scope_of
from helpdesk.directory import services
from helpdesk.directory.models import Group, Organisation, Person, School

bp = Blueprint("directory", __name__, url_prefix="/directory")


@bp.get("/")
@login_required
def index():
    require(current_user, "directory.browse")
    return render_template("directory/index.html", home=services.directory_home(scope_of(current_user)))


@bp.get("/organisations/<int:org_id>")
@login_required
def organisation(org_id: int):
    org = services.get_in_reach(current_user, "directory.view_organisation", Organisation, org_id)
    return render_template("directory/organisation.html", org=org)


@bp.get("/schools/<int:school_id>")
@login_required
def school(school_id: int):
    school = services.get_in_reach(current_user, "directory.view_school", School, school_id)
    return render_template("directory/school.html", school=school,
                           groups=services.school_groups(school), staff=services.school_staff(school),
                           placed=services.school_placed(school))


@bp.get("/groups/<int:group_id>")
@login_required
def group(group_id: int):
    group = services.get_in_reach(current_user, "directory.view_group", Group, group_id)
    return render_template("directory/group.html", group=group, members=services.group_members(group))


@bp.get("/people/<int:person_id>")
@login_required
def person(person_id: int):
    person = services.get_in_reach(current_user, "directory.view_person", Person, person_id)
    return render_template("directory/person.html", person=person,
                           rel=services.person_relations(person),
                           show_civic=can(current_user, "directory.view_civic_no", person),
                           show_contact=can(current_user, "directory.view_contact_details", person))
