"""Pages of the boards: board list, board, thread, moderation, reports, meetings."""
from __future__ import annotations

import io
from datetime import datetime

from flask import Blueprint, Response, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf
from wtforms.fields.choices import SelectChoice

from helpdesk import hooks
from helpdesk.access import can, require, scope_of
from helpdesk.boards import attachments as files
from helpdesk.boards import forms, ics, moderation, notifications, services, tickets_link
from helpdesk.boards import meetings as meeting_service  # the view `meetings` is the list page
from helpdesk.boards.models import BoardKind, MeetingKind
from helpdesk.boards.post_markup import PostMarkup
from helpdesk.boards.policies import is_moderator
from helpdesk.directory.models import School
from helpdesk.errors import Conflict, HelpdeskError, ValidationFailed
from helpdesk.extensions import db
from helpdesk.models_base import as_id

bp = Blueprint("boards", __name__, url_prefix="/boards")


def field_error(form, exc: HelpdeskError) -> None:
    """Tie a service's message to the form field it names (or to the first field)."""
    name = exc.field if exc.field and exc.field in form else None
    target = form[name] if name else next(f for f in form if f.type not in ("CSRFTokenField", "HiddenField"))
    target.errors = [*target.errors, str(exc.message)]


def _uploads():
    return files.read_uploads(request.files.getlist("attachments"))


def _int_arg(name: str, default: int = 1) -> int:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() and len(value) < 9 else default


def _int_form(name: str) -> int | None:
    return as_id(request.form.get(name, ""))


@bp.get("/")
@login_required
def index():
    boards = services.visible_boards(current_user)
    summaries = services.board_summaries(boards)
    followed = services.followed_threads(current_user, limit=10)
    db.session.commit()  # support boards made on first access
    return render_template("boards/index.html", boards=boards, summaries=summaries, followed=followed,
                           may_manage=can(current_user, "boards.plan_meeting"))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new_board():
    require(current_user, "boards.plan_meeting")
    orgs = meeting_service.organisations_for_meetings(current_user)
    form = forms.BoardForm()
    form.schools.choices = _school_choices(orgs)
    if request.method == "POST":
        try:
            kind = BoardKind.SCHOOLS if form.kind.data == "schools" else BoardKind.STAFF
            board = services.create_board(current_user, organisation_id=orgs[0].id, name=form.name.data,
                                          description=form.description.data, kind=kind,
                                          school_ids=form.schools.data or [])
            db.session.commit()
            flash(_("The board was added."), "success")
            return redirect(url_for("boards.board", board_id=board.id))
        except ValidationFailed as exc:
            db.session.rollback()
            field_error(form, exc)
    return render_template("boards/new_board.html", form=form), 400 if form.errors else 200


def _school_choices(orgs):
    ids = [o.id for o in orgs]
    schools = db.session.scalars(db.select(School).where(School.organisation_id.in_(ids)).order_by(School.name))
    return [SelectChoice(s.id, s.name) for s in schools]


@bp.get("/<int:board_id>")
@login_required
def board(board_id: int):
    board = services.get_board(current_user, board_id)
    current = request.args.get("filter", "all")
    page = services.list_threads(current_user, board, filter=current, page=_int_arg("page"))
    return render_template("boards/board.html", board=board, page=page, current=current,
                           filters=services.FILTERS,
                           following=services.is_following(current_user, board=board))


@bp.route("/<int:board_id>/new", methods=["GET", "POST"])
@login_required
def new_thread(board_id: int):
    board = services.get_board(current_user, board_id)
    require(current_user, "boards.start_thread", board)
    form = forms.ThreadForm()
    if request.method == "POST":
        try:
            thread = services.start_thread(current_user, board, form.title.data, form.body.data,
                                           attachments=_uploads())
            db.session.commit()
            flash(_("Your question is posted."), "success")
            return redirect(url_for("boards.thread", thread_id=thread.id))
        except ValidationFailed as exc:
            db.session.rollback()
            field_error(form, exc)
    suggestions = []
    if form.title.data:
        suggestions = hooks.get("suggest_articles")(current_user, form.title.data, 5, None)
    return render_template("boards/new_thread.html", board=board, form=form, suggestions=suggestions), (
        400 if form.errors else 200)


def _follow_or_unfollow(target: dict, followed: str, unfollowed: str, back: str):
    """Follow (or with action=unfollow stop following) a board or thread: `target` is
    {"board": board} or {"thread": thread}."""
    if request.form.get("action") == "unfollow":
        services.unfollow(current_user, **target)
        flash(unfollowed, "success")
    else:
        services.follow(current_user, **target)
        flash(followed, "success")
    db.session.commit()
    return redirect(back)


@bp.post("/<int:board_id>/follow")
@login_required
def follow_board(board_id: int):
    board = services.get_board(current_user, board_id)
    return _follow_or_unfollow({"board": board}, _("You follow this board: new threads come by e-mail."),
                               _("You no longer follow this board."), url_for("boards.board", board_id=board.id))


def _thread_page(thread, reply_form=None, status=200):
    page = services.thread_posts(current_user, thread, page=_int_arg("page"))
    posts = page.items
    question = posts[0] if page.page == 1 and posts else None
    accepted = services.accepted_post(thread)
    if reply_form is None:
        reply_form = forms.ReplyForm(formdata=None)
        quote_id = _int_arg("quote", 0)
        quoted = next((p for p in posts if p.id == quote_id and not p.hidden), None)
        if quoted is not None:
            quoted_lines = "\n".join("> " + line for line in quoted.body.splitlines())
            reply_form.body.data = _("%(name)s wrote:", name=quoted.author.display_name) + "\n" + quoted_lines + "\n\n"
            reply_form.quoted_post_id.data = str(quoted.id)
    scope = scope_of(current_user)
    moderator = is_moderator(scope, thread.board)
    may_accept, may_reply = can(current_user, "boards.accept", thread), can(current_user, "boards.reply", thread)
    # The addresses every post repeats, worked out once rather than per post.
    base = url_for("boards.index")
    addresses = {"thread": url_for("boards.thread", thread_id=thread.id), "posts": f"{base}posts/",
                 "attachments": f"{base}attachments/", "accept": url_for("boards.accept", thread_id=thread.id),
                 "csrf": generate_csrf()}
    markup = PostMarkup(thread, viewer_id=current_user.id, moderator=moderator, may_reply=may_reply,
                        may_accept=may_accept, vendor_board=thread.board.kind is BoardKind.VENDOR,
                        addresses=addresses)
    html = render_template(
        "boards/thread.html", thread=thread, board=thread.board, page=page, post_markup=markup,
        replies=markup.replies(posts, question),
        question=question, accepted=accepted, reply_form=reply_form, moderator=moderator,
        may_accept=may_accept, may_reply=may_reply,
        may_promote=can(current_user, "boards.promote", thread),
        kb_installed=hooks.available("create_draft_article"),
        faq_draft=services.promoted_article(current_user, thread),
        following=services.is_following(current_user, thread=thread),
        ticket_url=_ticket_url(thread.linked_ticket_id),
        move_targets=moderation.move_targets(current_user, thread) if moderator else [],
    )
    # Marked read after rendering: the commit expires what the page has loaded. A thread read
    # before has nothing to write, and so nothing to commit (expiring 200 posts costs ~1 ms).
    if posts and status == 200 and services.mark_read(current_user, thread, max(p.id for p in posts)):
        db.session.commit()
    return html, status


def _ticket_url(ticket_id):
    return url_for("tickets.show", ticket_id=ticket_id) if ticket_id else None


@bp.get("/threads/<int:thread_id>")
@login_required
def thread(thread_id: int):
    return _thread_page(services.get_thread(current_user, thread_id))


@bp.post("/threads/<int:thread_id>/reply")
@login_required
def reply(thread_id: int):
    thread = services.get_thread(current_user, thread_id)
    form = forms.ReplyForm()
    try:
        post = services.reply(current_user, thread, form.body.data,
                              quoted_post_id=_int_form("quoted_post_id"), attachments=_uploads())
        db.session.commit()
    except (ValidationFailed, Conflict) as exc:
        db.session.rollback()
        field_error(form, exc)
        return _thread_page(services.get_thread(current_user, thread_id), reply_form=form,
                            status=409 if isinstance(exc, Conflict) else 400)
    flash(_("Your reply is posted."), "success")
    return redirect(url_for("boards.thread", thread_id=thread.id, page=_last_page(thread)) + f"#post-{post.id}")


def _last_page(thread):
    pages = max(1, -(-thread.post_count // services.POSTS_PER_PAGE))
    return pages if pages > 1 else None


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
def edit_post(post_id: int):
    post = services.get_post(current_user, post_id)
    require(current_user, "boards.edit_post", post)
    form = forms.EditPostForm(data={"body": post.body} if request.method == "GET" else None)
    if request.method == "POST":
        try:
            services.edit_post(current_user, post, form.body.data)
            db.session.commit()
            flash(_("The post is saved."), "success")
            return redirect(url_for("boards.thread", thread_id=post.thread_id) + f"#post-{post.id}")
        except (ValidationFailed, Conflict) as exc:
            db.session.rollback()
            field_error(form, exc)
    return render_template("boards/edit_post.html", post=post, thread=post.thread, form=form), (
        400 if form.errors else 200)


@bp.get("/posts/<int:post_id>/history")
@login_required
def post_history(post_id: int):
    post, revisions = services.post_history(current_user, post_id)
    return render_template("boards/history.html", post=post, thread=post.thread, revisions=revisions)


@bp.get("/attachments/<int:attachment_id>")
@login_required
def attachment(attachment_id: int):
    return download(services.get_attachment(current_user, attachment_id))


def download(found):
    """A post's file as a download (the page and the API)."""
    response = send_file(io.BytesIO(found.data), mimetype=found.content_type, as_attachment=True,
                         download_name=found.filename, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/threads/<int:thread_id>/accept")
@login_required
def accept(thread_id: int):
    thread = services.get_thread(current_user, thread_id)
    if request.form.get("action") == "unaccept":
        services.unaccept_answer(current_user, thread)
        message = _("The answer is no longer marked as accepted.")
    else:
        services.accept_answer(current_user, thread, _int_form("post_id"))
        message = _("The answer is accepted and the thread is marked as solved.")
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("boards.thread", thread_id=thread.id))


@bp.post("/threads/<int:thread_id>/follow")
@login_required
def follow_thread(thread_id: int):
    thread = services.get_thread(current_user, thread_id)
    return _follow_or_unfollow({"thread": thread}, _("You follow this thread: new replies come by e-mail."),
                               _("You no longer follow this thread."),
                               url_for("boards.thread", thread_id=thread.id))


@bp.post("/threads/<int:thread_id>/moderate")
@login_required
def moderate(thread_id: int):
    thread = services.get_thread(current_user, thread_id)
    require(current_user, "boards.moderate", thread)
    action = request.form.get("action")
    if action in ("pin", "unpin"):
        moderation.set_pinned(current_user, thread, action == "pin")
    elif action in ("lock", "unlock"):
        moderation.set_locked(current_user, thread, action == "lock")
    elif action == "move":
        moderation.move_thread(current_user, thread, _int_form("board"))
    else:
        raise ValidationFailed(_("Choose what to do."))
    db.session.commit()
    flash(_("The thread is updated."), "success")
    return redirect(url_for("boards.thread", thread_id=thread.id))


@bp.post("/threads/<int:thread_id>/promote")
@login_required
def promote(thread_id: int):
    thread = services.get_thread(current_user, thread_id)
    had_one = services.promoted_article(current_user, thread) is not None
    services.promote_to_faq(current_user, thread)
    db.session.commit()
    if had_one:
        flash(_("This thread already has an FAQ draft, so no second one was made. The link to it is below "
                "the title."), "info")
    else:
        flash(_("A draft article was made from the thread. Edit it and publish it in the knowledge base: "
                "the link to it is below the title."), "success")
    # Back to the thread, whose header links the draft (a flash message cannot hold a link).
    return redirect(url_for("boards.thread", thread_id=thread.id) + "#faq-draft")


@bp.route("/posts/<int:post_id>/hide", methods=["GET", "POST"])
@login_required
def hide_post(post_id: int):
    post = services.get_post(current_user, post_id)
    require(current_user, "boards.moderate", post.thread)
    form = forms.ReasonForm()
    if request.method == "POST":
        if request.form.get("action") == "unhide":
            moderation.unhide_post(current_user, post)
            db.session.commit()
            flash(_("The post is shown again."), "success")
            return redirect(url_for("boards.thread", thread_id=post.thread_id) + f"#post-{post.id}")
        try:
            moderation.hide_post(current_user, post, form.reason.data)
            db.session.commit()
            flash(_("The post is hidden. It is kept and can be shown again."), "success")
            return redirect(url_for("boards.thread", thread_id=post.thread_id) + f"#post-{post.id}")
        except ValidationFailed as exc:
            db.session.rollback()
            field_error(form, exc)
    return render_template("boards/reason.html", post=post, thread=post.thread, form=form, mode="hide"), (
        400 if form.errors else 200)


@bp.route("/posts/<int:post_id>/report", methods=["GET", "POST"])
@login_required
def report_post(post_id: int):
    post = services.get_post(current_user, post_id)
    require(current_user, "boards.report_post", post)
    form = forms.ReasonForm()
    if request.method == "POST":
        try:
            moderation.report_post(current_user, post, form.reason.data)
            db.session.commit()
            flash(_("Thank you. The moderators will look at the post."), "success")
            return redirect(url_for("boards.thread", thread_id=post.thread_id) + f"#post-{post.id}")
        except ValidationFailed as exc:
            db.session.rollback()
            field_error(form, exc)
    return render_template("boards/reason.html", post=post, thread=post.thread, form=form, mode="report"), (
        400 if form.errors else 200)


@bp.get("/reports")
@login_required
def reports():
    return render_template("boards/reports.html", reports=moderation.open_reports(current_user))


@bp.post("/reports/<int:report_id>/resolve")
@login_required
def resolve_report(report_id: int):
    require(current_user, "boards.manage")
    hide = request.form.get("hide_reason") if request.form.get("action") == "hide" else None
    if request.form.get("action") == "hide" and not (hide or "").strip():
        hide = _("Hidden after a report.")
    moderation.resolve_report(current_user, report_id, hide_reason=hide)
    db.session.commit()
    flash(_("The report is dealt with."), "success")
    return redirect(url_for("boards.reports"))


@bp.get("/following")
@login_required
def following():
    require(current_user, "boards.use")
    return render_template("boards/following.html", followed=services.followed_threads(current_user, limit=200))


# ------------------------------------------------------------ tickets

@bp.route("/from-ticket/<int:ticket_id>", methods=["GET", "POST"])
@login_required
def ask_from_ticket(ticket_id: int):
    ticket = services.ticket_for_asking(current_user, ticket_id)
    form = forms.ThreadForm()
    if request.method == "GET":
        form.title.data, form.body.data = tickets_link.ticket_question(ticket)
    else:
        try:
            thread = services.ask_from_ticket(current_user, ticket_id, form.title.data, form.body.data)
            db.session.commit()
            flash(_("The question is posted in the support group, without the requester's personal details."), "success")
            return redirect(url_for("boards.thread", thread_id=thread.id))
        except ValidationFailed as exc:
            db.session.rollback()
            field_error(form, exc)
    return render_template("boards/from_ticket.html", form=form, ticket_id=ticket_id), (
        400 if form.errors else 200)


@bp.post("/promote-ticket/<int:ticket_id>")
@login_required
def promote_ticket(ticket_id: int):
    had_one = services.promoted_ticket_article(current_user, ticket_id) is not None
    services.promote_ticket_to_faq(current_user, ticket_id)
    db.session.commit()
    if had_one:
        flash(_("This ticket already has an FAQ draft, so no second one was made. The link to it is on the "
                "ticket."), "info")
    else:
        flash(_("A draft article was made from the ticket's resolution. Edit it and publish it in the "
                "knowledge base."), "success")
    return redirect(url_for("tickets.show", ticket_id=ticket_id))


# ------------------------------------------------------------ meetings

@bp.get("/meetings")
@login_required
def meetings():
    return render_template("boards/meetings.html", meetings=meeting_service.visible_meetings(current_user),
                           may_plan=can(current_user, "boards.plan_meeting"))


def _parse_local(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=services.STOCKHOLM) if value is not None else None


@bp.route("/meetings/new", methods=["GET", "POST"])
@login_required
def new_meeting():
    require(current_user, "boards.plan_meeting")
    orgs = meeting_service.organisations_for_meetings(current_user)
    form = forms.MeetingForm()
    form.schools.choices = _school_choices(orgs)
    if request.method == "POST":
        try:
            _check_meeting_form(form)
            kind = _meeting_kind(form)
            meeting = meeting_service.plan_meeting(
                current_user, organisation_id=orgs[0].id, title=form.title.data, kind=kind,
                starts_at=_parse_local(form.starts_at.data), duration_minutes=form.duration.data or 0,
                location=form.location.data, school_ids=form.schools.data or [],
                invite_vendor=form.invite_vendor.data)
            db.session.commit()
            flash(_("The meeting is planned. Build its agenda below."), "success")
            return redirect(url_for("boards.meeting", meeting_id=meeting.id))
        except ValidationFailed as exc:
            db.session.rollback()
            field_error(form, exc)
    return render_template("boards/new_meeting.html", form=form), 400 if form.errors else 200


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@login_required
def edit_meeting(meeting_id: int):
    meeting = meeting_service.get_meeting(current_user, meeting_id)
    require(current_user, "boards.edit_meeting", meeting)
    if request.method == "GET":
        form = forms.MeetingForm(formdata=None, data={
            "title": meeting.title, "kind": meeting.kind.value, "location": meeting.location,
            "starts_at": meeting.starts_at.astimezone(services.STOCKHOLM).replace(tzinfo=None),
            "duration": meeting.duration_minutes, "schools": sorted(meeting.school_ids),
            "invite_vendor": meeting.invite_vendor})
    else:
        form = forms.MeetingForm()
    form.schools.choices = _school_choices([meeting.organisation])
    if request.method == "POST":
        try:
            _check_meeting_form(form)
            meeting_service.reschedule_meeting(
                current_user, meeting, title=form.title.data, kind=_meeting_kind(form),
                starts_at=_parse_local(form.starts_at.data), duration_minutes=form.duration.data or 0,
                location=form.location.data, school_ids=form.schools.data or [],
                invite_vendor=form.invite_vendor.data)
            db.session.commit()
            flash(_("The meeting is changed and the invited contacts are told."), "success")
            return redirect(url_for("boards.meeting", meeting_id=meeting.id))
        except ValidationFailed as exc:
            db.session.rollback()
            field_error(form, exc)
    return render_template("boards/new_meeting.html", form=form, meeting=meeting), 400 if form.errors else 200


def _meeting_kind(form):
    return MeetingKind.WORKSHOP if form.kind.data == "workshop" else MeetingKind.CHECK_IN


def _check_meeting_form(form):
    """Turn a date or number the form could not read into the service's message."""
    if form.starts_at.raw_data and form.starts_at.data is None or form.duration.raw_data and form.duration.data is None:
        bad = "starts_at" if form.starts_at.data is None else "duration"
        form[bad].errors = []
        raise ValidationFailed(_("Give the date and time.") if bad == "starts_at"
                               else _("The length must be between 15 and 480 minutes."), field=bad)


def _meeting_page(meeting, minutes_form=None, note_form=None, status=200):
    editable = can(current_user, "boards.edit_meeting", meeting)
    return render_template(
        "boards/meeting.html", meeting=meeting, editable=editable,
        candidates=meeting_service.agenda_candidates(current_user, meeting) if editable else None,
        minutes_form=minutes_form or forms.MinutesForm(formdata=None, data={"minutes": meeting.minutes or ""}),
        note_form=note_form or forms.AgendaNoteForm(formdata=None),
        invitees=meeting_service.invitee_contacts(meeting),
        report_url=lambda month: meeting_service.report_url(current_user, month)), status


@bp.get("/meetings/<int:meeting_id>")
@login_required
def meeting(meeting_id: int):
    return _meeting_page(meeting_service.get_meeting(current_user, meeting_id))


@bp.post("/meetings/<int:meeting_id>/agenda")
@login_required
def agenda(meeting_id: int):
    meeting = meeting_service.get_meeting(current_user, meeting_id)
    require(current_user, "boards.edit_meeting", meeting)
    item_id = as_id(request.form.get("remove", ""))
    if item_id:
        meeting_service.remove_agenda_item(current_user, meeting, item_id)
        db.session.commit()
        flash(_("The item is taken off the agenda."), "success")
        return redirect(url_for("boards.meeting", meeting_id=meeting.id) + "#agenda")
    note_form = forms.AgendaNoteForm()
    try:
        meeting_service.add_agenda_item(current_user, meeting, kind=request.form.get("kind", ""),
                                 ref=request.form.get("ref"), text=note_form.text.data)
        db.session.commit()
    except ValidationFailed as exc:
        db.session.rollback()
        field_error(note_form, exc)
        return _meeting_page(meeting_service.get_meeting(current_user, meeting_id), note_form=note_form, status=400)
    flash(_("The item is on the agenda."), "success")
    return redirect(url_for("boards.meeting", meeting_id=meeting.id) + "#agenda")


@bp.post("/meetings/<int:meeting_id>/minutes")
@login_required
def minutes(meeting_id: int):
    meeting = meeting_service.get_meeting(current_user, meeting_id)
    require(current_user, "boards.edit_meeting", meeting)
    form = forms.MinutesForm()
    try:
        thread = meeting_service.save_minutes(current_user, meeting, form.minutes.data)
        db.session.commit()
    except ValidationFailed as exc:
        db.session.rollback()
        field_error(form, exc)
        return _meeting_page(meeting_service.get_meeting(current_user, meeting_id), minutes_form=form, status=400)
    flash(_("The minutes are saved and posted in the support group."), "success")
    return redirect(url_for("boards.thread", thread_id=thread.id))


@bp.get("/meetings/<int:meeting_id>.ics")
@login_required
def meeting_ics(meeting_id: int):
    meeting = meeting_service.get_meeting(current_user, meeting_id)
    lines = [f"{i.position}. {i.title}" for i in meeting.agenda]
    description = "\n".join([_("Agenda:"), *lines]) if lines else meeting.title
    url = notifications._public_url(url_for("boards.meeting", meeting_id=meeting.id))
    text = ics.meeting_calendar(meeting, description=description, url=url,
                                attendees=[(u.display_name, u.email) for u in meeting_service.invitee_contacts(meeting)])
    return Response(text, mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="meeting-{meeting.id}.ics"'})
