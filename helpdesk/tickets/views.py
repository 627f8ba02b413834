"""Pages: file a question, my questions, queues, the ticket page, canned replies,
notification settings, and the public "I can't log in" intake."""
from __future__ import annotations


from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from helpdesk import hooks
from helpdesk.access import can, require
from helpdesk.auth.models import Role, RoleAssignment, User
from helpdesk.directory.models import Person
from helpdesk.errors import NotFound, ValidationFailed
from helpdesk.extensions import db, limiter
from helpdesk.models_base import as_id, utcnow
from helpdesk.tickets import desk_settings, display, glance, guests, reading, services, workspace
from helpdesk.tickets.forms import (
    CannedReplyForm,
    ClosedDayForm,
    FileTicketForm,
    GuestForm,
    GuestReplyForm,
    category_choices,
)
from helpdesk.tickets.labels import VALUE_LABELS
from helpdesk.tickets.models import (
    Attachment,
    NotificationKind,
    Ticket,
    Tier,
)

bp = Blueprint("tickets", __name__)


bp.add_app_template_filter(display.requester_status, "tickets_requester_status")
bp.add_app_template_filter(display.public_name, "tickets_public_name")
bp.add_app_template_filter(display.requester_value, "tickets_requester_value")


@bp.app_template_filter("tickets_value")
def value_label(value: str | None) -> str:
    from helpdesk.labels import label

    if value is None:
        return ""
    return label(VALUE_LABELS[value]) if value in VALUE_LABELS else value


@bp.app_context_processor
def _helpers():
    return {"tickets_time_left": display.time_left, "tickets_steps": display.steps,
            "tickets_expectation": display.expectation,
            "tickets_glance": lambda: glance.at_a_glance(current_user)}


def _form_errors(form, exc: ValidationFailed, mapping: dict[str, str] | None = None) -> None:
    # A service that checks every field raises one error carrying all the problems.
    for problem in getattr(exc, "problems", None) or [exc]:
        name = (mapping or {}).get(problem.field, problem.field)
        target = getattr(form, name, None) if name else None
        if target is None:
            target = next(iter(f for f in form if f.type != "CSRFTokenField"))
        target.errors = list(target.errors or []) + [str(problem.message)]


# ---------------------------------------------------------------- filing

def _where_choices(choices: services.FilingChoices):
    options = []
    for school in choices.schools:
        options.append((f"school:{school.id}", school.name))
    for person, school in choices.children:
        where = f" ({school.name})" if school else ""
        options.append((f"student:{person.id}", f"{person.given_name}{where}"))
    return options


def _parse_where(value: str | None) -> tuple[int | None, int | None]:
    kind, _sep, raw = (value or "").partition(":")
    ident = as_id(raw)
    if ident is None:
        return None, None
    return (ident, None) if kind == "school" else (None, ident) if kind == "student" else (None, None)


@bp.route("/tickets/new", methods=["GET", "POST"])
@login_required
def new():
    require(current_user, "tickets.file")
    choices = services.filing_choices(current_user)
    form = FileTicketForm()
    guardian = bool(choices.children) and not choices.schools
    form.category.choices = category_choices(services.guardian_categories() if guardian else None)
    form.where.choices = _where_choices(choices)
    # Guardians and staff read words meant for them; someone who is both keeps the mixed ones.
    page = {"where_hint": _("Staff choose the school; guardians choose the child.")}
    if guardian:
        form.where.label.text = _("Which child is it about?")
        page["where_hint"] = _("The question goes to the support at the child's school.")
    elif not choices.children:
        form.where.label.text = _("Which school is it about?")
        page["where_hint"] = _("The question goes to the support at the school you choose.")
    suggestions = []
    if request.method == "POST":
        action = request.form.get("action", "preview")
        shown = [s for s in request.form.get("shown", "").split(",") if s][:20]
        if action == "answered":
            try:
                services.record_deflection(current_user, category=form.category.data or "other",
                                           shown_article_ids=shown)
            except ValidationFailed:
                services.record_deflection(current_user, category="other", shown_article_ids=shown)
            db.session.commit()
            flash(_("Good that you found the answer. You can always ask later."), "success")
            return redirect(url_for("core.home"))
        school_id, student_id = _parse_where(form.where.data)
        # The live suggestions (JavaScript) already showed articles and filled in `shown`:
        # the question is sent without a second suggestions step.
        if action == "preview" and not shown:
            text = f"{form.subject.data or ''}\n{form.body.data or ''}".strip()
            if text:
                suggestions = hooks.get("suggest_articles")(current_user, text, 5, str(get_locale() or "sv")) or []
                db.session.commit()  # the suggestions are logged like a search
            if suggestions and (form.subject.data or "").strip() and (form.body.data or "").strip():
                shown = ",".join(str(s.get("id") or s.get("slug") or "") for s in suggestions)
                return render_template("tickets/new.html", form=form, suggestions=suggestions, shown=shown, **page)
        try:
            ticket = services.file_ticket(
                current_user, subject=form.subject.data, body=form.body.data,
                category=form.category.data, school_id=school_id, student_id=student_id,
                shown_article_ids=shown, attachments=[f for f in request.files.getlist("attachment") if f.filename])
        except ValidationFailed as exc:
            db.session.rollback()
            _form_errors(form, exc, {"school_id": "where", "student_id": "where", "attachment": "body"})
            return render_template("tickets/new.html", form=form, suggestions=[], shown="", **page), 400
        db.session.commit()
        flash(_("Your question %(number)s has been sent.", number=ticket.number), "success")
        return redirect(url_for("tickets.show", ticket_id=ticket.id))
    return render_template("tickets/new.html", form=form, suggestions=[], shown="", **page)


@bp.get("/tickets/mine")
@login_required
def mine():
    require(current_user, "tickets.file")
    return render_template("tickets/mine.html", tickets=reading.my_tickets(current_user))


# ---------------------------------------------------------------- the ticket page

def _load(ticket_id: int) -> Ticket:
    ticket = db.session.get(Ticket, ticket_id, options=[joinedload(Ticket.school), joinedload(Ticket.organisation)])
    if ticket is None or not can(current_user, "tickets.view", ticket):
        raise NotFound(_("That question could not be found."))
    return ticket


def _assignable(ticket: Ticket) -> list[tuple[int, str]]:
    """Agents of the ticket's tier, as (id, name), in one query."""
    stmt = select(User.id, User.email, Person.given_name, Person.family_name).outerjoin(
        Person, Person.id == User.person_id).where(User.enabled)
    if ticket.tier is Tier.LOCAL:
        stmt = stmt.where(User.id.in_(select(RoleAssignment.user_id).where(
            RoleAssignment.role == Role.LOCAL_ADMIN, RoleAssignment.school_id == ticket.school_id)))
    elif ticket.tier is Tier.CENTRAL:
        stmt = stmt.where(User.id.in_(select(RoleAssignment.user_id).where(
            RoleAssignment.role == Role.CENTRAL_ADMIN, RoleAssignment.organisation_id == ticket.organisation_id)))
    else:
        stmt = stmt.where(User.vendor_id == ticket.vendor_id)
    return [(uid, f"{g} {f}" if g else email) for uid, email, g, f in db.session.execute(stmt.order_by(User.email))]


def _render_ticket(ticket: Ticket, *, errors=None, values=None, revealed=None, status=200,
                   article_hits=None, article_query=None):
    user = current_user
    agent = can(user, "tickets.view_internal", ticket)
    student = None
    if ticket.student_id and can(user, "tickets.view_requester_details", ticket):
        student = db.session.get(Person, ticket.student_id)
    canned = desk_settings.canned_replies(user) if can(user, "tickets.reply", ticket) and agent else []
    prefill = (values or {}).get("reply_body", "")
    canned_id = request.args.get("canned", "")
    if canned_id.isdigit() and not prefill:
        prefill = next((c.body for c in canned if c.id == int(canned_id)), "")
    sla_rows = []
    if agent:
        for t in Tier:
            sla_rows.append((t, ticket.response_due(t), ticket.responded_at(t), ticket.resolution_due(t)))
    assignable = _assignable(ticket) if can(user, "tickets.assign", ticket) else []
    # "Take it": one click for an agent of the ticket's tier who does not have it yet.
    take_it = ticket.assignee_id != user.id and any(uid == user.id for uid, _name in assignable)
    return render_template(
        "tickets/show.html", ticket=ticket, agent=agent, student=student, take_it=take_it,
        article_hits=article_hits, article_query=article_query,
        messages=reading.visible_messages(ticket, user), events=reading.visible_events(ticket, user),
        canned=canned, assignable=assignable,
        status_choices=services.status_choices(ticket, user), errors=errors or {}, values=values or {},
        revealed=revealed or {}, prefill=prefill, sla_rows=sla_rows, now=utcnow(),
        show_requester=can(user, "tickets.view_requester_details", ticket),
        discussion=hooks.get("ticket_discussion")(user, ticket),
        article=hooks.get("article_for")(user, ticket.kb_article_id),
        may_link=can(user, "tickets.link_article", ticket) and hooks.available("find_article")), status


@bp.get("/tickets/<int:ticket_id>")
@login_required
def show(ticket_id: int):
    return _render_ticket(_load(ticket_id))


def _act(ticket_id: int, form_name: str, fn, success: str):
    """Load, run the service, commit once; on bad input re-render with the error at its field."""
    ticket = _load(ticket_id)
    try:
        fn(ticket)
    except ValidationFailed as exc:
        db.session.rollback()
        ticket = _load(ticket_id)
        field = exc.field or "note"
        return _render_ticket(ticket, errors={form_name: {field: str(exc.message)}},
                              values={f"{form_name}_{k}": v for k, v in request.form.items()}, status=400)
    db.session.commit()
    flash(success, "success")
    return redirect(url_for("tickets.show", ticket_id=ticket_id))


@bp.post("/tickets/<int:ticket_id>/reply")
@login_required
def reply(ticket_id: int):
    form = request.form
    files = [f for f in request.files.getlist("attachment") if f.filename]

    internal = form.get("internal") == "1"
    then = "" if internal else (form.get("status") or "").strip()

    def run(ticket):
        if then:
            workspace.reply_and_set_status(ticket, current_user, form.get("body"), then, attachments=files)
        else:
            services.add_message(ticket, current_user, form.get("body"), internal=internal,
                                 share_with_vendor=form.get("share_with_vendor") == "1", attachments=files)
    # The internal note is its own form on the page: its problems are shown there.
    return _act(ticket_id, "note" if internal else "reply", run,
                _("Your message has been sent and the status changed.") if then else _("Your message has been added."))


@bp.post("/tickets/<int:ticket_id>/escalate")
@login_required
def escalate(ticket_id: int):
    return _act(ticket_id, "escalate", lambda t: services.escalate(t, current_user, request.form.get("note")),
                _("The question has been escalated."))


@bp.post("/tickets/<int:ticket_id>/pull-up")
@login_required
def pull_up(ticket_id: int):
    return _act(ticket_id, "pull_up", lambda t: services.pull_up(t, current_user, request.form.get("note")),
                _("The question is now in the central queue."))


@bp.post("/tickets/<int:ticket_id>/send-back")
@login_required
def send_back(ticket_id: int):
    return _act(ticket_id, "send_back", lambda t: services.send_back(t, current_user, request.form.get("note")),
                _("The question has been sent back."))


@bp.post("/tickets/<int:ticket_id>/request-info")
@login_required
def request_info(ticket_id: int):
    return _act(ticket_id, "request_info",
                lambda t: services.request_info(t, current_user, request.form.get("note")),
                _("Your request has been sent to the central team."))


@bp.post("/tickets/<int:ticket_id>/assign")
@login_required
def assign(ticket_id: int):
    raw = request.form.get("assignee_id", "")
    if raw == "me":
        assignee = current_user.id
    elif raw.isdigit():
        assignee = int(raw)
    else:
        assignee = None
    return _act(ticket_id, "assign", lambda t: services.assign(t, current_user, assignee),
                _("The assignment has been saved."))


@bp.post("/tickets/<int:ticket_id>/status")
@login_required
def set_status(ticket_id: int):
    f = request.form
    return _act(ticket_id, "status", lambda t: services.set_status(
        t, current_user, f.get("status"), note=f.get("note"), resolution_summary=f.get("resolution_summary")),
        _("The status has been changed."))


@bp.post("/tickets/<int:ticket_id>/vendor-case")
@login_required
def vendor_case(ticket_id: int):
    f = request.form
    return _act(ticket_id, "vendor_case", lambda t: services.update_vendor_case(
        t, current_user, f.get("vendor_reference"), f.get("vendor_status")), _("The vendor case has been saved."))


@bp.post("/tickets/<int:ticket_id>/article")
@login_required
def link_article(ticket_id: int):
    return _act(ticket_id, "article", lambda t: services.link_article(t, current_user, request.form.get("article")),
                _("The help article is saved with the question."))


@bp.post("/tickets/<int:ticket_id>/rate")
@login_required
def rate(ticket_id: int):
    f = request.form
    return _act(ticket_id, "rate", lambda t: services.rate(t, current_user, f.get("rating"), f.get("rating_comment")),
                _("Thank you for your rating."))


@bp.post("/tickets/<int:ticket_id>/reveal")
@login_required
def reveal(ticket_id: int):
    ticket = _load(ticket_id)
    raw = request.form.get("message_id", "")
    message_id = as_id(raw)
    if message_id is None and raw != "subject":
        abort(400)
    original = services.reveal_original(ticket, message_id, current_user)
    db.session.commit()
    ticket = _load(ticket_id)
    return _render_ticket(ticket, revealed={raw: original})


@bp.get("/tickets/<int:ticket_id>/attachments/<int:attachment_id>")
@login_required
def attachment(ticket_id: int, attachment_id: int):
    return download(reading.get_attachment(_load(ticket_id), current_user, attachment_id))


def download(found: Attachment):
    """A ticket's file as a download (the page and the API)."""
    return send_file(reading.attachment_path(found), mimetype=found.content_type, as_attachment=True,
                     download_name=found.filename)


# ---------------------------------------------------------------- canned replies, notifications

def _list_and_add(form, add, success: str, render):
    """A page that lists things and has a form to add one: on POST run `add` (a service
    call); bad input goes back to its field with 400, success commits and redirects."""
    if request.method == "POST":
        try:
            add()
        except ValidationFailed as exc:
            db.session.rollback()
            _form_errors(form, exc)
            return render(), 400
        db.session.commit()
        flash(success, "success")
        return redirect(request.path)
    return render(), 200


def _remove(remove, success: str, endpoint: str):
    remove()
    db.session.commit()
    flash(success, "success")
    return redirect(url_for(endpoint))


@bp.route("/tickets/canned", methods=["GET", "POST"])
@login_required
def canned():
    require(current_user, "tickets.manage_canned")
    form = CannedReplyForm()
    return _list_and_add(
        form, lambda: desk_settings.add_canned_reply(current_user, title=form.title.data, body=form.body.data,
                                                language=form.language.data),
        _("The canned reply has been saved."),
        lambda: render_template("tickets/canned.html", form=form, replies=desk_settings.canned_replies(current_user)))


@bp.post("/tickets/canned/<int:reply_id>/delete")
@login_required
def canned_delete(reply_id: int):
    return _remove(lambda: desk_settings.delete_canned_reply(current_user, reply_id),
                   _("The canned reply has been removed."), "tickets.canned")


@bp.route("/tickets/closed-days", methods=["GET", "POST"])
@login_required
def closed_days():
    require(current_user, "tickets.manage_service_levels")
    form = ClosedDayForm()
    return _list_and_add(
        form, lambda: desk_settings.add_closed_day(current_user, form.day.data or "", form.note.data),
        _("The day is closed; open questions have new deadlines."),
        lambda: render_template("tickets/closed_days.html", form=form, days=desk_settings.closed_days(current_user)))


@bp.post("/tickets/closed-days/<int:day_id>/delete")
@login_required
def closed_day_delete(day_id: int):
    return _remove(lambda: desk_settings.remove_closed_day(current_user, day_id),
                   _("The day is open again; open questions have new deadlines."), "tickets.closed_days")


@bp.route("/tickets/targets", methods=["GET", "POST"])
@login_required
def sla_targets():
    """The organisation's response and resolution targets per tier (a plain form: six numbers)."""
    require(current_user, "tickets.manage_service_levels")
    values = {f"{tier}_{which}": str(int(hours)) for tier, pair in desk_settings.sla_targets(current_user).items()
              for which, hours in zip(("response", "resolution"), pair)}
    errors = {}
    if request.method == "POST":
        values = {key: request.form.get(key, "") for key in values}
        try:
            desk_settings.set_sla_targets(current_user, {t.value: (values[f"{t.value}_response"],
                                                              values[f"{t.value}_resolution"]) for t in Tier})
        except ValidationFailed as exc:
            db.session.rollback()
            errors[exc.field] = str(exc.message)
        else:
            db.session.commit()
            flash(_("The targets are saved; open questions have new deadlines."), "success")
            return redirect(url_for("tickets.sla_targets"))
    return render_template("tickets/targets.html", tiers=list(Tier), values=values, errors=errors), (
        400 if errors else 200)


@bp.route("/tickets/notifications", methods=["GET", "POST"])
@login_required
def notifications():
    require(current_user, "tickets.notification_settings")
    if request.method == "POST":
        desk_settings.set_preferences(current_user, set(request.form.getlist("kind")))
        db.session.commit()
        flash(_("Your notification settings have been saved."), "success")
        return redirect(url_for("tickets.notifications"))
    return render_template("tickets/notifications.html", prefs=desk_settings.preferences(current_user),
                           kinds=list(NotificationKind))


# ---------------------------------------------------------------- guests who cannot log in

def _guest_email_key() -> str:
    return "guest:" + (request.form.get("email") or "").strip().lower()


def ask_links(user) -> list[tuple[str, str]]:
    """Where a reader of the help pages asks a person: the question form for those who may
    file, logging in (or the public form for guardians who cannot) for everybody else."""
    if can(user, "tickets.file"):
        return [(_("Ask a question"), url_for("tickets.new"))]
    if user.is_authenticated:
        return []
    return [(_("Log in and ask a question"), url_for("auth.login", next=url_for("tickets.new"))),
            (_("I can't log in"), url_for("tickets.guest_intake"))]


def _guest_limit() -> str:
    return current_app.config["GUEST_RATE_LIMIT"]


@bp.route("/help/cannot-log-in", methods=["GET", "POST"])
@limiter.limit(_guest_limit, methods=["POST"], scope="guest-address")
@limiter.limit(_guest_limit, key_func=_guest_email_key, methods=["POST"], scope="guest-email")
def guest_intake():
    form = GuestForm()
    schools = guests.public_schools()
    form.school_id.choices = [("", _("Choose a school"))] + [
        (str(s.id), f"{s.name} ({s.organisation.name})") for s in schools]
    if request.method == "POST":
        if form.website.data:
            # A robot filled in the hidden field: answer as if all went well, do nothing.
            return render_template("tickets/guest_sent.html")
        school = form.school_id.data or ""
        try:
            guests.start_guest_request(name=form.name.data, email=form.email.data,
                                         school_id=as_id(school),
                                         body=form.body.data, locale=str(get_locale() or "sv"))
        except ValidationFailed as exc:
            db.session.rollback()
            _form_errors(form, exc)
            return render_template("tickets/guest.html", form=form), 400
        db.session.commit()
        return render_template("tickets/guest_sent.html")
    return render_template("tickets/guest.html", form=form)


@bp.route("/help/verify/<token>", methods=["GET", "POST"])
def guest_verify(token: str):
    guests.pending_guest_request(token)
    if request.method == "GET":
        # A button, not the GET itself, creates the ticket: mail scanners follow links.
        return render_template("tickets/guest_verify.html", token=token)
    _ticket, follow = guests.confirm_guest_request(token)
    db.session.commit()
    flash(_("Thank you. Your question has been sent; we have e-mailed you a link to follow it."), "success")
    return redirect(url_for("tickets.guest_follow", token=follow))


@bp.route("/help/follow/<token>", methods=["GET", "POST"])
def guest_follow(token: str):
    try:
        ticket = guests.guest_ticket(token)
    except guests.FollowLinkExpired:
        return render_template("tickets/guest_expired.html",
                               days=current_app.config["GUEST_FOLLOW_LINK_DAYS"]), 410
    form = GuestReplyForm()
    status = 200
    if request.method == "POST":
        try:
            guests.guest_reply(token, form.body.data)
        except ValidationFailed as exc:
            db.session.rollback()
            _form_errors(form, exc)
            status = 400
            ticket = guests.guest_ticket(token)
        else:
            db.session.commit()
            flash(_("Your message has been added."), "success")
            return redirect(url_for("tickets.guest_follow", token=token))
    return render_template("tickets/guest_follow.html", ticket=ticket, form=form,
                           messages=guests.public_messages(ticket), token=token), status
