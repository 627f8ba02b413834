"""The administration pages. Each change goes through helpdesk.admin.operations.perform, so
the SyncGuard decides; a page offers only what the guard allows or queues, and shows the
reason where it refuses."""
from __future__ import annotations


from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from helpdesk import hooks
from helpdesk.access import can, require, scope_of
from helpdesk.audit_phrases import object_type_name
from helpdesk.admin import activation, approvals, audit, confirmations, courses, operations, queries
from helpdesk.admin.forms import (
    ActivationForm,
    CourseForm,
    GuardianForm,
    CreateGroupForm,
    CreatePersonForm,
    DecisionForm,
    LoginDetailsForm,
    MembersForm,
    MentorForm,
    ReasonOnlyForm,
    RenameForm,
    choices,
    person_choices,
)
from helpdesk.admin.guard import Refused
from helpdesk.admin.models import ApprovalStatus
from helpdesk.auth import ratelimits
from helpdesk.auth.ratelimits import login_limits
from helpdesk.directory.models import (
    DutyRole,
    Group,
    GroupKind,
    GuardianRelation,
    GuardianRelationType,
    MentorRelation,
    Person,
    PersonKind,
    School,
)
from helpdesk.directory.services import get_in_reach, get_or_404
from helpdesk.errors import HelpdeskError, ValidationFailed
from helpdesk.extensions import db
from helpdesk.labels import label

bp = Blueprint("admin", __name__, url_prefix="/admin")
public = Blueprint("activation", __name__)


def _perform(name: str, params: dict, back: str, *, form=None):
    """Run one operation for a page: commit once, then say what happened."""
    reason = (form.reason.data if form is not None and hasattr(form, "reason")
              else request.form.get("x-reason") or request.form.get("reason"))
    try:
        result = operations.perform(current_user, name, params, reason=reason)
        db.session.commit()
    except Refused as exc:
        db.session.rollback()
        flash(_("Not done: %(reason)s (For reference: sync rule %(n)s.)", reason=str(exc.reason),
                n=exc.rule_number), "error")
        return redirect(back)
    except ValidationFailed as exc:
        db.session.rollback()
        flash(str(exc.message), "error")
        return redirect(back)
    if result.done:
        flash(confirmations.done_message(name, params, result.obj), "success")
    else:
        flash(_("Sent to the central team for approval. You can follow the request on your start page."),
              "success")
    return redirect(back)


# ---------------------------------------------------------------- overview


@bp.get("/")
@login_required
def index():
    require(current_user, "admin.access")
    scope = scope_of(current_user)
    return render_template("admin/index.html", schools=queries.schools_in_scope(scope),
                           groups=queries.admin_groups(scope), pending=approvals.pending_count(current_user),
                           my_requests=approvals.requests_of(current_user, 5),
                           is_central=bool(scope.central_org_ids))


# ---------------------------------------------------------------- schools


def _school_forms(school, group_form=None, person_form=None):
    group_form = group_form or CreateGroupForm(prefix="g")
    group_form.kind.choices = choices([(k.value, label(k)) for k in GroupKind])
    person_form = person_form or CreatePersonForm(prefix="p")
    person_form.kind.choices = choices([(k.value, label(k)) for k in PersonKind])
    person_form.role.choices = choices([("", "—")] + [(r.value, label(r)) for r in DutyRole])
    return group_form, person_form


def _school_or_404(school_id: int) -> School:
    return get_in_reach(current_user, "admin.school", School, school_id)


def _school_page(school, group_form=None, person_form=None, status=200):
    group_form, person_form = _school_forms(school, group_form, person_form)
    return render_template("admin/school.html", school=school, groups=queries.school_groups(school),
                           staff=queries.school_staff(school), placed=queries.school_placed(school),
                           decisions=operations.school_decisions(current_user, school),
                           group_form=group_form, person_form=person_form), status


@bp.get("/schools/<int:school_id>")
@login_required
def school(school_id: int):
    return _school_page(_school_or_404(school_id))


def _attach_error(form, exc: HelpdeskError) -> bool:
    name = exc.field
    if name == "temporary_id":
        name = "civic_no"
    fld = getattr(form, name, None) if name else None
    if fld is None:
        return False
    fld.errors = list(fld.errors) + [str(exc.message)]
    return True


def _form_perform(name: str, params: dict, form, page, back: str, done_at=None):
    """Like _perform, but re-renders the form with the error tied to its field. `done_at(obj)`
    gives the page to land on when the change was carried out (e.g. the group just made)."""
    try:
        result = operations.perform(current_user, name, params, reason=form.reason.data)
        db.session.commit()
    except Refused as exc:
        db.session.rollback()
        flash(_("Not done: %(reason)s (For reference: sync rule %(n)s.)", reason=str(exc.reason),
                n=exc.rule_number), "error")
        return redirect(back)
    except ValidationFailed as exc:
        db.session.rollback()
        if not _attach_error(form, exc):
            flash(str(exc.message), "error")
        return page(status=400)
    flash(confirmations.done_message(name, params, result.obj) if result.done else
          _("Sent to the central team for approval. You can follow the request on your start page."), "success")
    if result.done and done_at is not None and result.obj is not None:
        return redirect(done_at(result.obj))
    return redirect(back)


@bp.post("/schools/<int:school_id>/groups")
@login_required
def create_group(school_id: int):
    school = _school_or_404(school_id)
    form = CreateGroupForm(prefix="g")
    _school_forms(school, group_form=form)
    if not form.validate():
        return _school_page(school, group_form=form, status=400)
    params = {"school_id": school.id, "name": form.name.data, "kind": form.kind.data}
    return _form_perform("create_group", params, form,
                         lambda status: _school_page(school, group_form=form, status=status),
                         url_for("admin.school", school_id=school.id),
                         done_at=lambda group: url_for("admin.group", group_id=group.id))


@bp.post("/schools/<int:school_id>/people")
@login_required
def create_person(school_id: int):
    school = _school_or_404(school_id)
    form = CreatePersonForm(prefix="p")
    _school_forms(school, person_form=form)
    if not form.validate():
        return _school_page(school, person_form=form, status=400)
    params = {"school_id": school.id, "kind": form.kind.data, "given_name": form.given_name.data,
              "family_name": form.family_name.data, "civic_no": form.civic_no.data or None,
              "birth_date": form.birth_date.data.isoformat() if form.birth_date.data else None,
              "role": form.role.data or None, "role_title": form.role_title.data or None,
              "email": form.email.data or None}
    return _form_perform("create_person", params, form,
                         lambda status: _school_page(school, person_form=form, status=status),
                         url_for("admin.school", school_id=school.id))


@bp.get("/schools/<int:school_id>/appraisal-report")
@login_required
def appraisal_report(school_id: int):
    school = _school_or_404(school_id)
    return render_template("admin/appraisal_report.html", school=school,
                           missing=queries.staff_without_appraisal_mentor(school))


# ---------------------------------------------------------------- groups


def _group_or_404(group_id: int) -> Group:
    return get_in_reach(current_user, "admin.group", Group, group_id)


def _person_or_404(person_id: int) -> Person:
    """Administrators only (the same 403 whatever the id), then a person they reach."""
    require(current_user, "admin.access")
    return get_in_reach(current_user, "directory.view_person", Person, person_id)


@bp.get("/groups/<int:group_id>")
@login_required
def group(group_id: int):
    group = _group_or_404(group_id)
    members_form = MembersForm(prefix="m")
    members_form.person_ids.choices = choices([(p.id, p.display_name) for p in queries.member_candidates(group)])
    mentor_form = MentorForm(prefix="t")
    mentor_form.mentor_id.choices = person_choices(queries.staff_of_school(group.school_id))
    course_form = CourseForm(prefix="c")
    locale = str(get_locale() or "sv")
    course_form.course_id.choices = choices([(0, _("No course"))] + [
        (c.id, f"{c.code} – {c.name(locale)}") for c in courses.catalogue()])
    current_course = courses.course_of(group.id)
    if current_course:
        course_form.course_id.data = current_course.id
    return render_template("admin/group.html", group=group, members=queries.group_members(group),
                           decisions=operations.group_decisions(current_user, group),
                           rename_form=RenameForm(prefix="r", data={"name": group.name}),
                           members_form=members_form, mentor_form=mentor_form, course_form=course_form,
                           current_course=current_course, login_form=LoginDetailsForm(prefix="l"),
                           team_mentors=queries.group_appraisal_mentors(group),
                           reason_form=ReasonOnlyForm(prefix="x"))


@bp.post("/groups/<int:group_id>/rename")
@login_required
def rename_group(group_id: int):
    group = _group_or_404(group_id)
    form = RenameForm(prefix="r")
    back = url_for("admin.group", group_id=group.id)
    if not form.validate():
        flash(_("Write the new name."), "error")
        return redirect(back)
    return _perform("rename_group", {"group_id": group.id, "name": form.name.data}, back, form=form)


@bp.post("/groups/<int:group_id>/archive")
@login_required
def archive_group(group_id: int):
    group = _group_or_404(group_id)
    form = ReasonOnlyForm(prefix="x")
    form.validate()
    return _perform("archive_group", {"group_id": group.id}, url_for("admin.group", group_id=group.id), form=form)


@bp.post("/groups/<int:group_id>/members")
@login_required
def add_members(group_id: int):
    group = _group_or_404(group_id)
    form = MembersForm(prefix="m")
    form.person_ids.choices = choices([(p.id, p.display_name) for p in queries.member_candidates(group)])
    back = url_for("admin.group", group_id=group.id)
    if not form.validate() or not form.person_ids.data:
        flash(_("Choose at least one person."), "error")
        return redirect(back)
    return _perform("add_members", {"group_id": group.id, "person_ids": form.person_ids.data}, back, form=form)


@bp.post("/groups/<int:group_id>/members/<int:person_id>/remove")
@login_required
def remove_member(group_id: int, person_id: int):
    group = _group_or_404(group_id)
    return _perform("remove_member", {"group_id": group.id, "person_id": person_id},
                    url_for("admin.group", group_id=group.id))


@bp.post("/groups/<int:group_id>/course")
@login_required
def link_course(group_id: int):
    group = _group_or_404(group_id)
    form = CourseForm(prefix="c")
    form.course_id.choices = choices([(0, "")] + [(c.id, c.code) for c in courses.catalogue()])
    back = url_for("admin.group", group_id=group.id)
    if not form.validate():
        flash(_("Choose a course or subject."), "error")
        return redirect(back)
    return _perform("link_course", {"group_id": group.id, "course_id": form.course_id.data or None}, back)


@bp.post("/groups/<int:group_id>/appraisal-mentor")
@login_required
def assign_team_mentor(group_id: int):
    group = _group_or_404(group_id)
    form = MentorForm(prefix="t")
    form.mentor_id.choices = person_choices(queries.staff_of_school(group.school_id))
    back = url_for("admin.group", group_id=group.id)
    if not form.validate():
        flash(_("Choose a mentor."), "error")
        return redirect(back)
    return _perform("assign_team_appraisal_mentor", {"group_id": group.id, "mentor_id": form.mentor_id.data}, back)


@bp.post("/groups/<int:group_id>/login-details")
@login_required
def login_details(group_id: int):
    group = _group_or_404(group_id)
    form = LoginDetailsForm(prefix="l")
    back = url_for("admin.group", group_id=group.id)
    if not form.validate():
        flash(_("Choose who the letters are for, a format and a language."), "error")
        return redirect(back)
    try:
        letters = activation.hand_out(current_user, group.id, fmt=form.format.data,
                                      recipients=form.recipients.data)
    except ValidationFailed as exc:
        db.session.rollback()
        flash(str(exc.message), "error")
        return redirect(back)
    db.session.commit()
    activate_url = url_for("activation.activate", _external=True)
    if form.format.data == "csv":
        body = queries.letters_csv(letters, activate_url)
        return Response(body, mimetype="text/csv; charset=utf-8", headers={
            "Content-Disposition": f'attachment; filename="login-details-{group.id}.csv"',
            "Cache-Control": "no-store"})
    from flask_babel import force_locale

    with force_locale(form.lang.data):
        html = render_template("admin/letters.html", group=group, letters=letters, activate_url=activate_url,
                               letter_lang=form.lang.data)
    return Response(html, headers={"Cache-Control": "no-store"})


# ---------------------------------------------------------------- people


@bp.get("/people/<int:person_id>")
@login_required
def person(person_id: int):
    person = _person_or_404(person_id)
    from helpdesk.directory.services import person_relations

    rel = person_relations(person)
    school_ids = queries.person_school_ids(person)
    mentor_form = MentorForm(prefix="s")
    mentor_form.mentor_id.choices = person_choices(p for p in queries.staff_of_schools(school_ids)
                                                   if p.id != person.id)
    appraisal_form = MentorForm(prefix="a")
    appraisal_form.mentor_id.choices = list(mentor_form.mentor_id.choices)
    guardian_form = _guardian_form(person)
    relation_decisions = {("g", r.id): operations.relation_decision(current_user, r)
                          for r in rel.guardians + rel.children}
    relation_decisions.update({("m", r.id): operations.relation_decision(current_user, r)
                               for r in rel.mentors + rel.appraisal_mentors})
    return render_template("admin/person.html", person=person, rel=rel,
                           decisions=operations.person_decisions(current_user, person),
                           relation_decisions=relation_decisions, mentor_form=mentor_form,
                           appraisal_form=appraisal_form, reason_form=ReasonOnlyForm(prefix="x"),
                           guardian_form=guardian_form,
                           history=queries.appraisal_history(person),
                           privacy_url=hooks.get("person_privacy_url")(current_user, person),
                           show_civic=can(current_user, "directory.view_civic_no", person),
                           show_contact=can(current_user, "directory.view_contact_details", person))


@bp.post("/people/<int:person_id>/remove")
@login_required
def remove_person(person_id: int):
    person = _person_or_404(person_id)
    form = ReasonOnlyForm(prefix="x")
    form.validate()
    return _perform("remove_person", {"person_id": person.id}, url_for("admin.person", person_id=person.id),
                    form=form)


def _mentor_post(person_id: int, prefix: str, name: str, key: str):
    person = _person_or_404(person_id)
    form = MentorForm(prefix=prefix)
    form.mentor_id.choices = person_choices(queries.staff_of_schools(queries.person_school_ids(person)))
    back = url_for("admin.person", person_id=person.id)
    if not form.validate():
        flash(_("Choose a mentor."), "error")
        return redirect(back)
    return _perform(name, {key: person.id, "mentor_id": form.mentor_id.data}, back, form=form)


@bp.post("/people/<int:person_id>/student-mentors")
@login_required
def link_student_mentor(person_id: int):
    return _mentor_post(person_id, "s", "link_student_mentor", "student_id")


@bp.post("/people/<int:person_id>/appraisal-mentor")
@login_required
def link_appraisal_mentor(person_id: int):
    return _mentor_post(person_id, "a", "link_appraisal_mentor", "staff_id")


def _guardian_form(person: Person) -> GuardianForm:
    form = GuardianForm(prefix="v")
    form.guardian_id.choices = person_choices(queries.guardian_candidates(person))
    form.relation_type.choices = choices([(k.value, label(k)) for k in GuardianRelationType])
    return form


@bp.post("/people/<int:person_id>/guardians")
@login_required
def add_guardian_relation(person_id: int):
    person = _person_or_404(person_id)
    form = _guardian_form(person)
    back = url_for("admin.person", person_id=person.id)
    if not form.validate():
        flash(_("Choose a guardian."), "error")
        return redirect(back)
    return _perform("add_guardian_relation", {"student_id": person.id, "guardian_id": form.guardian_id.data,
                                              "relation_type": form.relation_type.data}, back, form=form)


@bp.post("/mentor-relations/<int:relation_id>/unlink")
@login_required
def unlink_mentor(relation_id: int):
    require(current_user, "admin.access")
    rel = get_or_404(MentorRelation, relation_id)
    _person_or_404(rel.mentee_id)
    form = ReasonOnlyForm(prefix="x")
    form.validate()
    return _perform("unlink_mentor", {"relation_id": rel.id}, url_for("admin.person", person_id=rel.mentee_id),
                    form=form)


@bp.post("/guardian-relations/<int:relation_id>/remove")
@login_required
def remove_guardian_relation(relation_id: int):
    require(current_user, "admin.access")
    rel = get_or_404(GuardianRelation, relation_id)
    _person_or_404(rel.student_id)
    form = ReasonOnlyForm(prefix="x")
    form.validate()
    return _perform("remove_guardian_relation", {"relation_id": rel.id},
                    url_for("admin.person", person_id=rel.student_id), form=form)


@bp.get("/mentors/<int:person_id>")
@login_required
def mentor(person_id: int):
    person = _person_or_404(person_id)
    return render_template("admin/mentor.html", mentor=person, links=queries.appraisees(person))


# ---------------------------------------------------------------- approvals


@bp.get("/approvals")
@login_required
def approval_queue():
    require(current_user, "admin.access")
    status_arg = request.args.get("status", "pending")
    try:
        status = None if status_arg == "all" else ApprovalStatus(status_arg)
    except ValueError:
        status = ApprovalStatus.PENDING
    return render_template("admin/approvals.html", requests=approvals.queue_for(current_user, status=status),
                           status=status_arg, is_central=bool(scope_of(current_user).central_org_ids))


@bp.get("/approvals/<int:request_id>")
@login_required
def approval(request_id: int):
    require(current_user, "admin.access")
    req = approvals.get_request(current_user, request_id)
    return render_template("admin/approval.html", req=req, form=DecisionForm(),
                           may_decide=scope_of(current_user).is_central_for(req.organisation_id)
                           and req.status is ApprovalStatus.PENDING)


def _decide(request_id: int, approve: bool):
    require(current_user, "admin.access")
    req = approvals.get_request(current_user, request_id)
    form = DecisionForm()
    form.validate()
    back = url_for("admin.approval", request_id=req.id)
    try:
        if approve:
            approvals.approve(current_user, req, form.note.data)
        else:
            approvals.decline(current_user, req, form.note.data)
        db.session.commit()
    except ValidationFailed as exc:
        db.session.rollback()
        flash(str(exc.message), "error")
        return redirect(back)
    if req.status is ApprovalStatus.APPROVED:
        flash(_("Approved and carried out."), "success")
    elif req.status is ApprovalStatus.FAILED:
        flash(_("Not carried out: %(why)s", why=req.note), "error")
    else:
        flash(_("Declined; the requester has been told."), "success")
    return redirect(url_for("admin.approval_queue"))


@bp.post("/approvals/<int:request_id>/approve")
@login_required
def approve(request_id: int):
    return _decide(request_id, True)


@bp.post("/approvals/<int:request_id>/decline")
@login_required
def decline(request_id: int):
    return _decide(request_id, False)


# ---------------------------------------------------------------- audit


@bp.get("/audit")
@login_required
def audit_log():
    require(current_user, "admin.audit")
    f = audit.filter_for(current_user, request.args)
    try:
        page = min(max(1, int(request.args.get("page", 1))), audit.MAX_PAGE)
    except ValueError:
        page = 1
    rows, total = audit.search(f, page=page)
    pages = max(1, -(-total // audit.PER_PAGE))
    return render_template("admin/audit.html", lines=audit.readable(rows), total=total, page=page, pages=pages,
                           f=f, operations=audit.operations_in_use(f), object_types=audit.object_types_in_use(f),
                           object_type_name=object_type_name,
                           args={k: v for k, v in request.args.items() if k != "page"})


@bp.get("/audit.csv")
@login_required
def audit_csv():
    require(current_user, "admin.audit")
    return Response(audit.to_csv(audit.filter_for(current_user, request.args)), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="audit.csv"'})


# ---------------------------------------------------------------- activation (public)


@public.route("/activate", methods=["GET", "POST"])
@login_limits
def activate():
    form = ActivationForm()
    if form.validate_on_submit():
        try:
            activation.activate(form.code.data, form.email.data, form.password.data, form.confirm.data)
            db.session.commit()
        except ValidationFailed as exc:
            db.session.rollback()
            ratelimits.failed()  # a wrong code counts like a wrong password
            target = getattr(form, exc.field or "code", form.code)
            target.errors = list(target.errors) + [str(exc.message)]
        else:
            flash(_("Your account is ready. Log in with your e-mail address and the new password."), "success")
            return redirect(url_for("auth.login"))
    return render_template("admin/activate.html", form=form), (400 if form.errors else 200)




