"""The search page: one box, filters, pagination; works without login and without JS."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import get_locale
from flask_login import current_user

from helpdesk.extensions import db
from helpdesk.search import services

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
        db.session.commit()  # the search log
    return render_template("search/search.html", found=found, q=found.text if found else "",
                           lang=lang, kind=kind, audience=args.get("audience", ""),
                           tag=args.get("tag", ""), kinds=services.KINDS)
