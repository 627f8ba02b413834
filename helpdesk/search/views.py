"""The search page: one box, filters, pagination; works without login and without JS. And
the central team's page for its organisation's synonym groups."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from helpdesk.errors import ValidationFailed
from helpdesk.extensions import db
from helpdesk.search import analysis, org_synonyms, services
from helpdesk.search.forms import SynonymGroupForm

bp = Blueprint("search", __name__, url_prefix="/search")


def _int(value, default=1) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


@bp.route("/", methods=["GET", "POST"])
def search():
    # The page's forms send POST, so what a person searched for (perhaps a child's name or
    # number) stays out of URLs, browser history, Referer headers and access logs. GET still
    # answers for old bookmarks; the access-log filter drops its query string.
    args = request.form if request.method == "POST" else request.args
    q = args.get("q", "")
    lang = args.get("lang")
    if lang is None:
        lang = str(get_locale() or "sv")  # the reader's language first; "all" is a choice
    kind = args.get("type", "")
    found = None
    if "q" in args:
        found = services.search(current_user, q, lang=lang if lang != "all" else None,
                                kinds=(kind,) if kind else (), audience=args.get("audience") or None,
                                tag=args.get("tag") or None, page=_int(args.get("page")),
                                log_query=True)
    html = render_template("search/search.html", found=found, q=found.text if found else "",
                           lang=lang, kind=kind, audience=args.get("audience", ""),
                           tag=args.get("tag", ""), kinds=services.KINDS)
    if found is not None:
        # The search log, after the page: a commit expires every loaded row, and the page
        # would then read the reader's account and roles again (two queries, ~15% of a search).
        db.session.commit()
    return html


# -- the central team's synonym groups -----------------------------------------------------
def _synonyms_page(form, groups, editing=None, status=200):
    return render_template("search/synonyms.html", form=form, groups=groups, editing=editing,
                           shipped={"sv": analysis.SYNONYMS_SV, "en": analysis.SYNONYMS_EN}), status


def _save_group(form, save):
    """Run `save` on a valid form; a refusal is shown at the field, nothing changed."""
    if not form.validate_on_submit():
        return False
    try:
        save()
    except ValidationFailed as exc:
        db.session.rollback()
        (getattr(form, exc.field or "", None) or form.words).errors = [str(exc.message)]
        return False
    db.session.commit()
    return True


@bp.route("/synonyms/", methods=["GET", "POST"])
@login_required
def synonyms():
    form = SynonymGroupForm()
    groups = org_synonyms.groups(current_user)
    if request.method == "POST":
        if _save_group(form, lambda: org_synonyms.add_group(current_user, form.language.data, form.words.data)):
            flash(_("The synonym group was added. Search uses it from now on."), "success")
            return redirect(url_for("search.synonyms"))
        return _synonyms_page(form, groups, status=400)
    return _synonyms_page(form, groups)


@bp.route("/synonyms/<int:group_id>", methods=["GET", "POST"])
@login_required
def synonym_group(group_id: int):
    group = org_synonyms.get_group(current_user, group_id)
    form = SynonymGroupForm() if request.method == "POST" else \
        SynonymGroupForm(language=group.language, words=", ".join(group.word_list))
    if request.method == "POST":
        if _save_group(form, lambda: org_synonyms.update_group(current_user, group_id, form.language.data,
                                                                form.words.data)):
            flash(_("The synonym group was saved."), "success")
            return redirect(url_for("search.synonyms"))
        return _synonyms_page(form, org_synonyms.groups(current_user), editing=group, status=400)
    return _synonyms_page(form, org_synonyms.groups(current_user), editing=group)


@bp.post("/synonyms/<int:group_id>/remove")
@login_required
def remove_synonym_group(group_id: int):
    org_synonyms.remove_group(current_user, group_id)
    db.session.commit()
    flash(_("The synonym group was removed."), "success")
    return redirect(url_for("search.synonyms"))
