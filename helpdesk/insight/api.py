"""GET /api/v1/insight: the overview's figures as JSON, from the same service as the page."""
from __future__ import annotations

from flask import request
from flask_login import current_user
from pydantic import Field

from helpdesk.api import api
from helpdesk.api.helpers import api_login_required
from helpdesk.api.spec import MAX_ID, Schema, operation
from helpdesk.insight import filters, services
from helpdesk.insight.reach import Reach
from helpdesk.insight.services import TIERS, Period


class InsightQuery(Schema):
    from_: str | None = Field(None, alias="from", max_length=10,
                              description="First day, YYYY-MM-DD (default: 90 days before `to`).")
    to: str | None = Field(None, max_length=10, description="Last day, YYYY-MM-DD (default: today).")
    school_id: int | None = Field(None, ge=1, le=MAX_ID, description="One school the caller may see.")
    category: str | None = Field(None, max_length=40)
    tier: str | None = Field(None, max_length=20, description="local, central or vendor.")


class InsightFigures(Schema):
    """The overview's figures for the period and the one before; see the README's Insight
    section for each. Rating comments are left out for the vendor."""

    filters: dict
    period: dict
    previous_period: dict
    open_now: dict
    weeks: list[dict]
    schools: list[dict]


def _period(p: Period, start, end) -> dict:
    def times(d):
        return {t.value: {"count": d[t].count, "median_minutes": d[t].median, "p90_minutes": d[t].p90} for t in TIERS}
    return {
        "from": start.isoformat(), "to": end.isoformat(), "asked": p.asked, "resolved": p.resolved,
        "resolved_by_tier": {t.value: p.resolved_by_tier.get(t, 0) for t in TIERS},
        "reached_tier": {t.value: p.reached.get(t, 0) for t in TIERS},
        "deadlines_passed": {t.value: p.breaches.get(t, 0) for t in TIERS},
        "first_response_business": times(p.response), "resolution_business": times(p.resolution),
        "ratings": {"count": p.rated, "average": p.rating_average, "distribution": {str(k): v for k, v in p.ratings.items()}},
        "categories": {c.value: n for c, n in p.categories.items()},
    }


@api.get("/insight")
@api_login_required
@operation("The insight overview's figures, from the same service and scope as the page", tag="insight",
           query=InsightQuery, responses={200: InsightFigures})
def insight():
    reach = Reach.of(current_user)
    f = filters.parse(reach, request.args)
    ov = services.overview(current_user, f, reach)
    before = f.before()
    body = {
        "filters": f.query_args(),
        "period": _period(ov.now, f.start, f.end),
        "previous_period": _period(ov.before, before.start, before.end),
        "open_now": {"count": ov.open_now, "by_age": ov.open_age, "oldest_days": ov.oldest_open_days,
                     "at_period_start": ov.open_at_start, "at_period_end": ov.open_at_end(),
                     "at_period_before_start": ov.open_before_start()},
        "weeks": [{"week_starting": w.isoformat(),
                   "asked": {t.value: ov.weekly_asked[t][i] for t in TIERS},
                   "first_response_median_minutes": {t.value: ov.weekly_response[t][i] for t in TIERS}}
                  for i, w in enumerate(ov.weeks)],
        "schools": [{"school": name, "categories": {c.value: n for c, n in counts.items()}, "total": total,
                     "per_100_people": per_100} for name, counts, total, per_100 in ov.heat],
        "deflection": ov.deflection, "boards": ov.boards,
        "searches_without_result": None if ov.searches is None else {
            "count": ov.searches["empty"], "top": [{"query": q, "times": n} for q, n in ov.searches["top"]]},
    }
    if not reach.vendor_only:
        body["comments"] = [{"rating": r, "comment": c, "rated_at": at.isoformat()} for r, c, at in ov.comments]
    return body
