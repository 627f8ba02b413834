"""/insight: the overview with its charts, the CSV of each table and the monthly report."""
from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, Response, render_template, request, url_for
from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from helpdesk.errors import NotFound, ValidationFailed
from helpdesk.insight import charts, filters, services, tables
from helpdesk.insight.reach import Reach
from helpdesk.insight.services import TIERS
from helpdesk.labels import label
from helpdesk.tickets.models import TicketCategory, Tier

bp = Blueprint("insight", __name__, url_prefix="/insight")


def _week_label(day: date) -> str:
    return format_date(day, "d MMM")


def chart_data(ov: services.Overview) -> dict:
    labels = [_week_label(w) for w in ov.weeks]
    funnel = [(label(t), ov.now.reached.get(t, 0), charts.STYLES[t]) for t in TIERS]
    satisfaction = [(str(r), ov.now.ratings.get(r, 0), None) for r in services.RATINGS]
    weekly_hours = {t: [None if m is None else round(m / 60, 1) for m in ov.weekly_response[t]] for t in TIERS}
    top = max((total for _, _, total, _ in ov.heat), default=0)
    return {
        "weekly": charts.stacked_bars(labels, ov.weekly_asked),
        "response": charts.lines(labels, weekly_hours),
        "funnel": charts.horizontal_bars(funnel),
        "satisfaction": charts.horizontal_bars(satisfaction),
        "heat_levels": [[charts.heat_level(counts.get(c, 0), top) for c in TicketCategory] for _, counts, _, _ in ov.heat],
        "styles": charts.STYLES,
    }


def _page_context(reach: Reach, f: filters.Filters) -> dict:
    ov = services.overview(current_user, f, reach)
    before = f.before()
    return {"ov": ov, "f": f, "before": before, "tables": tables.tables(ov, reach.vendor_only),
            "charts": chart_data(ov), "reach": reach, "tiers": TIERS, "hours": tables.hours,
            "categories": list(TicketCategory), "all_tiers": list(Tier), "schools": filters.schools_for(reach)}


@bp.get("/")
@login_required
def index():
    reach = Reach.of(current_user)
    try:
        f = filters.parse(reach, request.args)
    except ValidationFailed as exc:
        # The form again with the message, the default period shown: nothing else changes.
        f = filters.parse(reach, {})
        return render_template("insight/index.html", error=exc, args=request.args,
                               **_page_context(reach, f)), 400
    return render_template("insight/index.html", error=None, args=request.args, **_page_context(reach, f))


@bp.get("/csv/<name>")
@login_required
def csv_table(name: str):
    reach = Reach.of(current_user)
    f = filters.parse(reach, request.args)
    ov = services.overview(current_user, f, reach)
    table = tables.tables(ov, reach.vendor_only).get(name)
    if table is None:
        raise NotFound(_l("That table could not be found."))
    filename = f"oversikt-{name}-{f.start.isoformat()}-{f.end.isoformat()}.csv"
    return Response(tables.to_csv(table), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _month(value: str | None) -> tuple[date, date]:
    """The month asked for (YYYY-MM), by default the last whole month."""
    if value is None or not value.strip():
        first = filters.today().replace(day=1)
        last = first - timedelta(days=1)
        return last.replace(day=1), last
    try:
        year, month = (int(p) for p in value.strip().split("-"))
        start = date(year, month, 1)
    except ValueError:
        raise ValidationFailed(_l("Write the month as YYYY-MM, e.g. 2026-01."), field="month") from None
    if not filters.FIRST_YEAR <= year <= filters.LAST_YEAR:
        raise ValidationFailed(_l("Choose a date between the years %(first)d and %(last)d.",
                                  first=filters.FIRST_YEAR, last=filters.LAST_YEAR), field="month")
    end = (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return start, end


@bp.get("/report")
@login_required
def report():
    reach = Reach.of(current_user)
    args = request.args.to_dict()
    start, end = _month(args.pop("month", None))
    args.update({"from": start.isoformat(), "to": end.isoformat()})
    f = filters.parse(reach, args)
    return render_template("insight/report.html", month=format_date(start, "LLLL yyyy"), **_page_context(reach, f))


def report_url(actor, month: str) -> str | None:
    """The monthly report's address for the agenda of a check-in meeting, if the actor may read it."""
    if Reach.of_or_none(actor) is None:
        return None
    return url_for("insight.report", month=month)
