"""Help articles: reading by audience, voting, and the central team's editor."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from helpdesk import hooks
from helpdesk.access import can, require
from helpdesk.errors import ValidationFailed
from helpdesk.extensions import db
from helpdesk.kb import services
from helpdesk.kb.forms import ArticleForm, VoteForm
from helpdesk.kb.models import ArticleStatus
from helpdesk.kb.render import render_article as render_markdown

bp = Blueprint("kb", __name__, url_prefix="/kb")


def _lang() -> str:
    lang = request.args.get("lang")
    return lang if lang in ("sv", "en") else str(get_locale() or "sv")


@bp.get("/")
def index():
    lang = _lang()
    return render_template("kb/index.html", groups=services.articles_by_category(current_user, lang), lang=lang)


def _article_page(art, form, voted=None):
    return render_template("kb/article.html", article=art, form=form, voted=voted,
                           translation=services.translation_for(current_user, art),
                           complements=services.complements_for(current_user, art),
                           related=services.related_articles(current_user, art),
                           ask_links=hooks.get("ask_for_help")(current_user))


@bp.get("/a/<slug>")
def article(slug: str):
    art = services.read_article(current_user, slug)
    services.record_view(art)
    db.session.commit()
    return _article_page(art, VoteForm(), voted=request.args.get("voted"))


@bp.post("/a/<slug>/vote")
def vote(slug: str):
    art = services.read_article(current_user, slug)
    form = VoteForm()
    if not form.validate_on_submit():
        return _article_page(art, form), 400
    try:
        services.vote(current_user, art, form.helpful.data == "yes", form.comment.data or "")
    except ValidationFailed as exc:
        db.session.rollback()
        form.comment.errors = [str(exc.message)]
        return _article_page(art, form), 400
    db.session.commit()
    flash(_("Thank you for telling us."), "success")
    return redirect(url_for("kb.article", slug=art.slug, voted=1) + "#vote")


# -- the central team's editor -------------------------------------------------------------
def _editable(article_id: int):
    art = services.get_in_reach(current_user, article_id)
    require(current_user, "kb.edit", art)
    return art


@bp.get("/manage/")
@login_required
def manage():
    require(current_user, "kb.write")
    articles = services.editable_articles(current_user)
    hidden = services.hidden_article_ids(current_user.organisation_id)
    shipped = services.by_translation([a for a in articles if a.organisation_id is None], _lang())
    return render_template("kb/manage.html", own=[a for a in articles if a.organisation_id is not None],
                           shipped=shipped, hidden=hidden, deleted=services.deleted_articles(current_user))


@bp.route("/manage/new", methods=["GET", "POST"])
@login_required
def new():
    require(current_user, "kb.write")
    complements = None
    complements_id = request.values.get("complements", type=int)
    if complements_id:
        complements = services.get_by_id(complements_id)
        if not can(current_user, "kb.read", complements):
            abort(404)
    form = ArticleForm()
    starting = request.method == "POST" and request.form.get("action") == "start"
    if starting:
        # From the statistics' "searched for but not found": the editor opens with what
        # people typed as the title. It comes by POST, since it may hold a name, which an
        # address would keep in logs and history; nothing is saved yet.
        form = ArticleForm(formdata=None, title=(request.form.get("title") or "")[:200],
                           language=request.form.get("language") if request.form.get("language") in ("sv", "en")
                           else "sv")
    if request.method == "GET" and complements is not None:
        form.category.data = complements.category
        form.language.data = complements.language
        form.audience.data = complements.audience.value
    preview = None
    if starting:
        pass
    elif request.method == "POST" and request.form.get("action") == "preview":
        preview = render_markdown(form.body.data or "")
    elif form.validate_on_submit():
        try:
            art = services.create_article(current_user, title=form.title.data, body=form.body.data,
                                          language=form.language.data, audience=form.audience.data,
                                          tags=form.tags.data, category=form.category.data,
                                          publish=request.form.get("action") == "publish",
                                          complements=complements)
        except ValidationFailed as exc:
            (getattr(form, exc.field or "", None) or form.title).errors = [str(exc.message)]
        else:
            db.session.commit()
            flash(_("The article was saved."), "success")
            return redirect(url_for("kb.edit", article_id=art.id))
    return render_template("kb/edit.html", form=form, article=None, preview=preview,
                           complements=complements), (400 if form.errors else 200)


@bp.route("/manage/<int:article_id>/edit", methods=["GET", "POST"])
@login_required
def edit(article_id: int):
    art = _editable(article_id)
    form = ArticleForm(obj=None if request.method == "POST" else art)
    if request.method == "GET":
        form.audience.data = art.audience.value
        form.tags.data = ", ".join(art.tags or [])
    preview = None
    if request.method == "POST" and request.form.get("action") == "preview":
        preview = render_markdown(form.body.data or "")
    elif form.validate_on_submit():
        try:
            services.update_article(current_user, art, title=form.title.data, body=form.body.data,
                                    language=form.language.data, audience=form.audience.data,
                                    tags=form.tags.data, category=form.category.data,
                                    note=form.note.data or "")
        except ValidationFailed as exc:
            (getattr(form, exc.field or "", None) or form.title).errors = [str(exc.message)]
        else:
            db.session.commit()
            flash(_("The article was saved."), "success")
            return redirect(url_for("kb.edit", article_id=art.id))
    return render_template("kb/edit.html", form=form, article=art, preview=preview,
                           complements=art.complements), (400 if form.errors else 200)


@bp.post("/manage/<int:article_id>/status")
@login_required
def set_status(article_id: int):
    art = _editable(article_id)
    publish = request.form.get("status") == ArticleStatus.PUBLISHED.value
    services.set_published(current_user, art, publish)
    db.session.commit()
    flash(_("The article is published.") if publish else _("The article is a draft again."), "success")
    return redirect(url_for("kb.edit", article_id=art.id))


@bp.route("/manage/<int:article_id>/delete", methods=["GET", "POST"])
@login_required
def delete(article_id: int):
    """A page that asks first (it works without JavaScript), then deletes on POST."""
    art = _editable(article_id)
    if request.method == "POST":
        services.delete_article(current_user, art)
        db.session.commit()
        flash(_("“%(t)s” is deleted. You find it under Deleted articles if you want it back.", t=art.title),
              "success")
        return redirect(url_for("kb.manage"))
    return render_template("kb/delete.html", article=art)


@bp.post("/manage/<int:article_id>/undelete")
@login_required
def undelete(article_id: int):
    art = services.get_in_reach(current_user, article_id)
    services.restore_deleted(current_user, art)
    db.session.commit()
    flash(_("“%(t)s” is back, as a draft.", t=art.title), "success")
    return redirect(url_for("kb.edit", article_id=art.id))


@bp.get("/manage/<int:article_id>/revisions")
@login_required
def revisions(article_id: int):
    art = _editable(article_id)
    diff = None
    a, b = request.args.get("a", type=int), request.args.get("b", type=int)
    if a and b:
        diff = services.diff_revisions(current_user, art, min(a, b), max(a, b))
    return render_template("kb/revisions.html", article=art, diff=diff)


@bp.post("/manage/<int:article_id>/revisions/<int:number>/restore")
@login_required
def restore(article_id: int, number: int):
    art = _editable(article_id)
    services.restore_revision(current_user, art, number)
    db.session.commit()
    flash(_("Revision %(n)d is the current text again.", n=number), "success")
    return redirect(url_for("kb.revisions", article_id=art.id))


@bp.post("/manage/<int:article_id>/hidden")
@login_required
def set_hidden(article_id: int):
    art = services.get_in_reach(current_user, article_id)
    require(current_user, "kb.hide_shipped", art)
    hide = request.form.get("hidden") == "1"
    services.set_hidden(current_user, art, hide)
    db.session.commit()
    flash(_("The article is hidden from your organisation.") if hide else
          _("The article is shown to your organisation again."), "success")
    return redirect(url_for("kb.manage"))


@bp.get("/manage/stats")
@login_required
def stats():
    figures = services.stats(current_user)
    deflection = hooks.get("filing_deflection")(current_user, 30)
    if deflection:
        deflection["articles"] = [(services.article_for(current_user, i), n) for i, n in deflection["articles"]]
    return render_template("kb/stats.html", stats=figures, deflection=deflection)
